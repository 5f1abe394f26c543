"""Fixtures: every test builds its own index in a temp dir; servers are real gunicorns."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from index.ingest import seed_files, seed_if_new
from index.store import Store
from service import create_app
from service.config import Config

ROOT = Path(__file__).resolve().parent.parent
API_KEY = "test-key"
SEED_FILES = seed_files()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "index")
    yield s
    s.close()


@pytest.fixture
def seeded(store: Store) -> Store:
    seed_if_new(store)
    return store


@pytest.fixture
def app(tmp_path: Path):
    return create_app(Config(index_dir=tmp_path / "index", api_keys=(API_KEY,)))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def seeded_client(app, client):
    seed_if_new(app.extensions["provenance.store"])
    return client


AUTH = {"Authorization": f"Bearer {API_KEY}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A gunicorn serving the app on loopback, with its index directory."""

    url: str
    index_dir: Path
    process: subprocess.Popen
    env: dict[str, str]

    def get(self, path: str, **kw) -> requests.Response:
        return requests.get(self.url + path, timeout=30, **kw)

    def request(self, method: str, path: str, **kw) -> requests.Response:
        return requests.request(method, self.url + path, timeout=30, **kw)


def start_server(index_dir: Path, workers: int = 2, **env_extra: str) -> Server:
    """Start gunicorn with the repo's config and wait until it answers /healthz."""
    port = free_port()
    env = {
        **os.environ,
        "PROVENANCE_INDEX_DIR": str(index_dir),
        "PROVENANCE_API_KEYS": API_KEY,
        "WEB_CONCURRENCY": str(workers),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "GUNICORN_ACCESS_LOG": "",
        # Request log lines would fill the unread stderr pipe and stall a busy server.
        "LOG_LEVEL": "warning",
        **env_extra,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    server = Server(f"http://127.0.0.1:{port}", index_dir, process, env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            with process.stderr:
                raise RuntimeError(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
        try:
            if server.get("/readyz").status_code == 200:
                return server
        except requests.ConnectionError:
            time.sleep(0.05)  # polling for the port to open, bounded by the deadline
    process.kill()
    process.wait()
    process.stderr.close()
    raise RuntimeError("gunicorn did not become ready within 60 s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    server.process.stderr.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    s = start_server(tmp_path / "index")
    yield s
    stop_server(s)


def run_lab(*args: str) -> subprocess.CompletedProcess:
    """Run ``python -m lab`` from the source checkout."""
    return subprocess.run(
        [sys.executable, "-m", "lab", *args], capture_output=True, text=True, timeout=300, cwd=ROOT
    )


def run_cli(*args: str, index_dir: Path) -> subprocess.CompletedProcess:
    """Run the installed ``provenance`` console script."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "provenance"), "--index", str(index_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def index_contents(index_dir: Path) -> dict[str, tuple[int | None, list[int]]]:
    """Every article id on disk: (sentences its article record lists, sentence indexes present).

    An article is complete when the indexes are exactly ``range(listed)``; sentences without an
    article record show ``None`` as listed.
    """
    from whoosh.index import open_dir

    from index import schema as S

    listed: dict[str, int | None] = {}
    present: dict[str, list[int]] = {}
    with open_dir(str(index_dir)).searcher() as searcher:
        for fields in searcher.all_stored_fields():
            article_id = fields[S.ARTICLE_ID]
            if fields[S.KIND] == S.ARTICLE_KIND:
                listed[article_id] = len(json.loads(fields[S.PAYLOAD])["spans"])
            else:
                present.setdefault(article_id, []).append(fields[S.SENTENCE_INDEX])
    return {
        article_id: (listed.get(article_id), sorted(present.get(article_id, [])))
        for article_id in listed.keys() | present.keys()
    }


def partly_present(contents: dict[str, tuple[int | None, list[int]]]) -> list[str]:
    """Ids of articles whose sentences are not exactly the ones their record lists."""
    return sorted(
        article_id
        for article_id, (listed, indexes) in contents.items()
        if listed is None or indexes != list(range(listed))
    )


def kill_server(server: Server) -> None:
    """SIGKILL gunicorn's whole process group (master and workers), as a crash would."""
    os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait()
    server.process.stderr.close()
