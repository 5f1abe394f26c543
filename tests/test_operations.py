"""Running the service as an operator does: console script, installed wheel, seeds, make."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
import requests

from index.ingest import USED_MARKER, ingest_paths, seed_if_new
from index.stores.whoosh.store import Store
from lab.gunicorn import free_port

from .conftest import (
    AUTH,
    READY_ON_SEEDS,
    ROOT,
    start_server,
    stop_server,
)


def test_seeds_go_only_into_a_never_used_index(tmp_path):
    store = Store(tmp_path / "index")
    assert not (tmp_path / "index" / USED_MARKER).exists()
    added = seed_if_new(store)
    assert len(added) == 2
    for result in added:
        store.delete(result.id)
    assert seed_if_new(store) == [] and store.counts()["articles"] == 0


@pytest.mark.slow
def test_an_emptied_index_stays_empty_over_a_restart(tmp_path):
    server = start_server(tmp_path / "index")
    try:
        ids = [a["id"] for a in server.get("/v1/articles").json()["articles"]]
        assert len(ids) == 2  # a never-used index gets the seeds
        for article_id in ids:
            assert server.request("DELETE", f"/v1/articles/{article_id}", headers=AUTH).ok
    finally:
        stop_server(server)
    server = start_server(tmp_path / "index")
    try:
        assert server.get("/readyz").json()["articles"] == 0
    finally:
        stop_server(server)


def test_an_index_the_cli_filled_is_never_seeded(tmp_path):
    article = tmp_path / "one.json"
    article.write_text('{"id": "mine", "text": "An operator\'s own article."}')
    store = Store(tmp_path / "index")
    ingest_paths(store, [article])
    store.delete("mine")
    assert seed_if_new(store) == [] and store.counts()["articles"] == 0


def wheel_venv(tmp_path: Path) -> Path:
    """A fresh venv with this project installed from its wheel, not from the checkout.

    Its dependencies come from the test venv's site-packages through a .pth line (no
    download); the checkout's editable finder is not among them, so ``service`` and ``index``
    can only come from the wheel.
    """
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = dist.glob("*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    where = "import sysconfig; print(sysconfig.get_path('purelib'))"
    purelib = subprocess.run(
        [str(venv / "bin" / "python"), "-c", where],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "test-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
         "--no-deps", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    return venv


@pytest.mark.slow
@pytest.mark.parametrize("judge", ["lexical", "verifier"])
def test_provenance_serve_works_from_a_wheel_without_an_activated_venv(tmp_path, judge):
    """The wheel carries the seeds, the lexicon, the support weights and the verifier's files:
    the service starts from it on the seeds with either judge, and answers a seed claim."""
    venv = wheel_venv(tmp_path)
    imported = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import service; print(service.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    assert imported.stdout.startswith(str(venv))
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",  # no venv on PATH: gunicorn must be found without it
        "HOME": str(tmp_path),
        "HOST": "127.0.0.1",
        "LOG_LEVEL": "warning",
        "PROVENANCE_VERIFIER": "on" if judge == "verifier" else "off",
    }
    process = subprocess.Popen(
        [str(venv / "bin" / "provenance"), "--index", str(tmp_path / "ix"), "serve",
         "--port", str(port)],
        cwd=tmp_path,  # no gunicorn.conf.py here: the settings come from the package
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    try:
        ready = wait_ready(f"http://127.0.0.1:{port}", process)
        assert ready == {**READY_ON_SEEDS, "judge": judge}
        answer = requests.get(
            f"http://127.0.0.1:{port}/v1/evidence",
            params={"claim": "Peskov said the annexed regions are non-negotiable"},
            timeout=60,
        ).json()
        assert answer["evidence"][0]["stance"] == "supports"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        process.stderr.close()


def wait_ready(url: str, process: subprocess.Popen) -> dict:
    """/readyz's answer once the server is up; fails with its log if it exits first."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode()[-3000:])
        try:
            return requests.get(url + "/readyz", timeout=5).json()
        except requests.ConnectionError:
            time.sleep(0.05)  # polling for the port to open, bounded by the deadline
    raise AssertionError("the server did not become ready within 60 s")


@pytest.mark.slow
def test_a_second_make_install_is_quiet_and_quick():
    venv = Path(sys.executable).parent.parent
    make = ["make", "-C", str(ROOT), f"VENV={venv}", "install"]
    first = subprocess.run(make, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Warning" not in first.stdout + first.stderr  # build chatter stays in the log
    started = time.monotonic()
    second = subprocess.run(make, capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - started
    assert second.returncode == 0 and "pip" not in second.stdout + second.stderr
    assert second.stderr == "" and elapsed < 5
