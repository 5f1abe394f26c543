"""A damaged index, by damaging real files: a segment cut short, bytes flipped in one, a table
of contents cut short. ``provenance check-index`` finds each (exit 1, naming the file),
``provenance reindex`` rebuilds from the stored articles that still read and names the rest,
and the service will not start on a damaged index, saying which file and what to do.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.stores.whoosh.integrity import CHECKSUM, TOC_WAY_OUT
from index.stores.whoosh.store import Store
from index.text.articles import build_article

from .conftest import SEED_FILES, start_server, stop_server

HERONS = [
    build_article(f"The heron census counted {n} birds on the lake. It was cold.", id=f"heron-{n}")
    for n in range(5)
]


@pytest.fixture
def index(tmp_path: Path, provenance) -> Path:
    """The seeds in one segment, five heron articles in another, checksums recorded."""
    path = tmp_path / "index"
    provenance("ingest", *map(str, SEED_FILES), index_dir=path)
    store = Store(path, procs=2)  # its commits merge no segments
    store.add_many(HERONS)
    store.close()
    return path


def segments(index: Path) -> list[Path]:
    """The segment files, largest first (the seeds' before the herons')."""
    return sorted(index.glob("MAIN_*.seg"), key=lambda p: -p.stat().st_size)


def flip(path: Path, at: float, count: int = 64) -> None:
    """Invert ``count`` bytes from ``at`` (a share of the file's length)."""
    data = bytearray(path.read_bytes())
    start = int(len(data) * at)
    data[start : start + count] = bytes(b ^ 0xFF for b in data[start : start + count])
    path.write_bytes(bytes(data))


def check(provenance, index: Path) -> tuple[int, dict]:
    done = provenance("check-index", index_dir=index)
    return done.returncode, json.loads(done.stdout)


def test_a_whole_index_checks_out(provenance, index):
    assert check(provenance, index) == (
        0,
        {"index": str(index), "segments": 2, "articles": 7, "sentences": 48, "problems": []},
    )


def test_a_segment_cut_short_is_found_and_reindex_keeps_every_article_of_the_others(
    provenance, index
):
    seeds = segments(index)[0]
    with open(seeds, "r+b") as f:
        f.truncate(seeds.stat().st_size // 2)
    code, found = check(provenance, index)
    assert code == 1
    assert any(p.startswith(f"{seeds.name}: cut short") for p in found["problems"])

    rebuilt = provenance("reindex", index_dir=index)
    assert rebuilt.returncode == 1  # something was lost, and it is named
    report = json.loads(rebuilt.stdout)
    assert (report["articles"], report["sentences"]) == (5, 10)
    assert [lost.split(":")[0] for lost in report["lost"]] == [seeds.name]
    assert f"not rebuilt: {seeds.name}" in rebuilt.stderr
    assert check(provenance, index)[0] == 0
    store = Store(index)
    assert [store.get(a.id).article.text for a in HERONS] == [a.text for a in HERONS]


def test_flipped_bytes_are_found_and_reindex_keeps_every_article_that_still_reads(
    provenance, index
):
    seeds = segments(index)[0]
    flip(seeds, 0.5)
    code, found = check(provenance, index)
    assert code == 1
    assert f"{seeds.name}: altered" in " ".join(found["problems"])

    rebuilt = provenance("reindex", index_dir=index)
    report = json.loads(rebuilt.stdout)
    assert check(provenance, index)[0] == 0
    store = Store(index)
    assert store.counts()["articles"] == report["articles"] >= len(HERONS)
    for heron in HERONS:
        assert store.get(heron.id).article.text == heron.text


def test_without_its_checksum_a_damaged_segment_is_found_by_reading_it(provenance, index):
    seeds = segments(index)[0]
    (index / (seeds.name + CHECKSUM)).unlink()  # as a segment written before checksums
    with open(seeds, "r+b") as f:
        f.truncate(seeds.stat().st_size - 100)
    code, found = check(provenance, index)
    assert code == 1
    assert any(p.startswith(seeds.name) for p in found["problems"])


def test_a_damaged_table_of_contents_says_to_restore_or_ingest_again(provenance, index):
    toc = next(index.glob("_MAIN_*.toc"))
    toc.write_bytes(toc.read_bytes()[:40])
    done = provenance("check-index", index_dir=index)
    assert done.returncode == 1
    assert json.loads(done.stdout)["problems"][0].startswith(f"{toc.name}: cut short")
    assert TOC_WAY_OUT in done.stderr
    rebuilt = provenance("reindex", index_dir=index)
    assert rebuilt.returncode == 1 and TOC_WAY_OUT in rebuilt.stderr


@pytest.mark.slow  # starts gunicorn
def test_the_service_will_not_start_on_a_damaged_index_and_starts_after_reindex(provenance, index):
    flip(segments(index)[1], 0.3, 8)  # the herons' segment
    with pytest.raises(RuntimeError) as refused:
        start_server(index)
    message = str(refused.value)
    assert f"{segments(index)[1]}: altered" in message
    assert "provenance reindex" in message
    provenance("reindex", index_dir=index)
    server = start_server(index)
    try:
        assert server.get("/readyz").json()["articles"] >= 2
        claim = {"claim": "Peskov said the annexed regions are non-negotiable"}
        assert server.get("/v1/evidence", params=claim).json()["evidence"]
    finally:
        stop_server(server)
