"""A full disk and a read-only index directory, on a real small tmpfs: writes are refused with
a clear error and nothing half-written, reads go on, and writes resume once the fault is gone.

Mounting needs root. Without it these tests skip and say why, except under
``PROVENANCE_REQUIRE_MOUNT=1`` (``.ci/run``), where that is a failure.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.errors import ArticleNotFound, IndexFull, IndexReadOnly
from index.ingest import seed_if_new
from index.stores.whoosh.store import Store
from index.text.articles import build_article

from .conftest import AUTH, SEED_ARTICLES, start_server, stop_server

PROBLEM = "application/problem+json"
KREMLIN = "22f7d43c8802e9ee"  # a seed article
CLAIM = "Peskov said the annexed regions are non-negotiable"


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs of its own, unmounted afterwards whatever the test did."""
    where = tmp_path / "disk"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        reason = f"cannot mount a tmpfs (needs root): {mounted.stderr.strip()}"
        if os.environ.get("PROVENANCE_REQUIRE_MOUNT"):
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield where
    finally:
        # lazily: a server the test failed to stop must not leave the mount behind
        subprocess.run(["umount", "-l", str(where)], check=True)


def fill(disk: Path) -> Path:
    """Write a file until the disk has no space left; removing it frees the space again."""
    filler = disk / "filler"
    with open(filler, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def remount(disk: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(disk)], check=True)


def article(n: int, text: str | None = None):
    body = text or " ".join(f"The okapi census of year {n} counted {k} animals." for k in range(30))
    return build_article(body, id=f"census-{n}")


def test_a_full_disk_refuses_writes_whole_and_they_resume_when_space_is_freed(disk):
    store = Store(disk / "index")
    seed_if_new(store)
    store.add(article(1))
    before = sorted(p.name for p in (disk / "index").iterdir())
    filler = fill(disk)

    with pytest.raises(IndexFull):
        store.add(article(2))
    with pytest.raises(IndexFull):
        store.add(article(1, "The okapi census was withdrawn."), replace=True)
    with pytest.raises(IndexFull):
        store.delete(KREMLIN)
    # Nothing of the refused writes is visible, the partial files are gone, reads go on.
    with pytest.raises(ArticleNotFound):
        store.get("census-2")
    assert "okapi census of year 1" in store.get("census-1").article.text
    assert store.get(KREMLIN).article.source == "The Moscow Times"
    assert store.counts()["articles"] == SEED_ARTICLES + 1
    assert sorted(p.name for p in (disk / "index").iterdir()) == before
    assert "no space left" in store.health().writes_refused

    filler.unlink()
    assert store.health().writes_refused is None
    assert store.add(article(2)).status == "created"
    replaced = store.add(article(1, "The okapi census was withdrawn."), replace=True)
    assert replaced.status == "replaced"
    store.delete(KREMLIN)
    assert store.counts()["articles"] == SEED_ARTICLES + 1


def test_a_read_only_directory_refuses_writes_and_still_opens_and_reads(disk):
    store = Store(disk / "index")
    seed_if_new(store)
    store.close()
    remount(disk, "ro")
    try:
        store = Store(disk / "index")  # a worker starting on it: opens without its create lock
        assert store.get(KREMLIN).article.source == "The Moscow Times"
        assert "read-only" in store.health().writes_refused
        with pytest.raises(IndexReadOnly):
            store.add(article(1))
        with pytest.raises(IndexReadOnly):
            store.delete(KREMLIN)
        with pytest.raises(IndexReadOnly):
            Store(disk / "new-index")  # nothing to read, nowhere to create it
    finally:
        remount(disk, "rw")
    assert store.add(article(1)).status == "created"


@pytest.mark.slow  # starts gunicorn
def test_the_service_answers_507_on_a_full_disk_and_503_read_only_and_recovers(disk):
    server = start_server(disk / "index")
    try:
        post = {"json": {"text": article(7).text, "id": "census-7"}, "headers": AUTH}
        put = {"json": {"text": article(8).text}, "headers": AUTH}
        filler = fill(disk)
        full = server.request("POST", "/v1/articles", **post)
        assert full.status_code == 507, full.text
        assert full.headers["Content-Type"] == PROBLEM
        assert full.json()["title"] == "Insufficient Storage"
        assert server.get("/v1/articles/census-7").status_code == 404
        assert server.get("/v1/evidence", params={"claim": CLAIM}).json()["evidence"]
        ready = server.get("/readyz")
        assert ready.status_code == 200 and ready.json()["writable"] is False
        assert "no space left" in ready.json()["writes_refused"]
        filler.unlink()
        assert server.request("POST", "/v1/articles", **post).status_code == 201

        remount(disk, "ro")
        try:
            refused = server.request("PUT", "/v1/articles/census-8", **put)
            assert refused.status_code == 503, refused.text
            assert refused.headers["Content-Type"] == PROBLEM
            assert int(refused.headers["Retry-After"]) > 0
            assert "refuses writes" in refused.json()["detail"]
            assert server.get("/v1/articles/census-7").status_code == 200
            assert server.get("/v1/evidence", params={"claim": CLAIM}).json()["evidence"]
            ready = server.get("/readyz").json()
            assert ready["writable"] is False and "read-only" in ready["writes_refused"]
        finally:
            remount(disk, "rw")
        assert server.request("PUT", "/v1/articles/census-8", **put).status_code == 201
        assert server.get("/readyz").json()["writable"] is True
    finally:
        stop_server(server)
