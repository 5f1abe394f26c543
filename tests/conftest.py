"""Fixtures: every test builds its own index in a temp dir; servers are real gunicorns.

Tests that start a process of the service's own (gunicorn, the console script, the lab, pip or
make) are marked ``slow``: ``pytest -m "not slow"`` runs the in-process rest in seconds.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from index import cli
from index.ingest import seed_files, seed_if_new
from index.judging import verifier
from index.models.semantic import encoder_for
from index.stores.whoosh.store import Store
from lab import gunicorn
from lab.gunicorn import Server
from lab.gunicorn import stop as stop_server
from service import create_app
from service.config import Config

pytest_plugins = ["tests.opensearch_cluster"]

ROOT = Path(__file__).resolve().parent.parent
API_KEY = "test-key"
SEED_FILES = seed_files()
#: What the seeds hold once indexed: two articles (a wire story and its copy), 38 sentences.
SEED_ARTICLES = 2
SEED_SENTENCES = 38
#: What /readyz answers for the seeds on the embedded backend.
READY_ON_SEEDS = {
    "status": "ready",
    "articles": SEED_ARTICLES,
    "sentences": SEED_SENTENCES,
    "backend": "whoosh",
    "backend_status": "ok",
    "nodes": None,
    "ranking": "lexical",
    "judge": "lexical",
    "writable": True,
    "writes_refused": None,
}


_running: list[pytest.Item] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on the OpenSearch cluster start it (or need it started): they are slow too."""
    for item in items:
        if item.get_closest_marker("opensearch") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _running_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """Remembers the running test, so starting a process can check the test says so."""
    _running.append(request.node)
    yield
    _running.pop()


def must_be_slow(what: str) -> None:
    """Fail a test that starts ``what`` without the ``slow`` mark: ``-m "not slow"`` trusts it."""
    if _running and _running[-1].get_closest_marker("slow") is None:
        raise AssertionError(f"{_running[-1].nodeid} starts {what}: mark it @pytest.mark.slow")


@pytest.fixture(autouse=True)
def _judge(request: pytest.FixtureRequest) -> Iterator[None]:
    """The judge of the shipped default (``PROVENANCE_VERIFIER`` unset), unless the module
    names one: ``JUDGE = "verifier"`` or ``"lexical"``."""
    default = "verifier" if verifier.wanted({}) else "lexical"
    verifier.configure(getattr(request.module, "JUDGE", default) == "verifier")
    yield
    verifier.configure(default == "verifier")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "index")
    yield s
    s.close()


@pytest.fixture(params=["lexical", "semantic"])
def either_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store in each ranking mode: a module whose behaviour must hold in both overrides its
    ``store`` fixture with this one."""
    s = Store(tmp_path / "index", encoder=encoder_for(request.param == "semantic"))
    yield s
    s.close()


@pytest.fixture
def seeded(store: Store) -> Store:
    seed_if_new(store)
    return store


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., Flask]:
    """Build the app on this test's index, with the test key and any other settings given."""

    def make(**settings) -> Flask:
        defaults = {"index_dir": tmp_path / "index", "api_keys": (API_KEY,)}
        return create_app(Config(**{**defaults, **settings}))

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def seeded_client(app, client):
    seed_if_new(app.extensions["provenance.store"])
    return client


AUTH = {"Authorization": f"Bearer {API_KEY}"}


def start_server(
    index_dir: Path, workers: int = 2, log: Path | None = None, **env_extra: str
) -> Server:
    """gunicorn with the repository's config, the test API key accepted (its log, every
    request's line, kept in ``log`` when given)."""
    must_be_slow("gunicorn")
    env = {"PROVENANCE_API_KEYS": API_KEY, **env_extra}
    return gunicorn.start(index_dir, workers, log, **env)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    s = start_server(tmp_path / "index")
    yield s
    stop_server(s)


def run_lab(*args: str) -> subprocess.CompletedProcess:
    """Run ``python -m lab`` from the source checkout."""
    must_be_slow("the lab")
    return subprocess.run(
        [sys.executable, "-m", "lab", *args], capture_output=True, text=True, timeout=300, cwd=ROOT
    )


@dataclass
class Ran:
    """What a ``provenance`` command did: its exit status and what it printed."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def provenance(capsys) -> Callable[..., Ran]:
    """Run a ``provenance`` command in this process (``index.cli.main``) on ``index_dir``."""

    def run(*args: str, index_dir: Path) -> Ran:
        capsys.readouterr()  # only what this command prints
        code = cli.main(["--index", str(index_dir), *args])
        printed = capsys.readouterr()
        return Ran(code, printed.out, printed.err)

    return run


def run_cli(*args: str, index_dir: Path) -> subprocess.CompletedProcess:
    """Run the installed ``provenance`` console script (``provenance`` runs it in-process)."""
    must_be_slow("the console script")
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

    from index.stores import fields as F

    listed: dict[str, int | None] = {}
    present: dict[str, list[int]] = {}
    with open_dir(str(index_dir)).searcher() as searcher:
        for fields in searcher.all_stored_fields():
            article_id = fields[F.ARTICLE_ID]
            if fields[F.KIND] == F.ARTICLE_KIND:
                listed[article_id] = len(json.loads(fields[F.PAYLOAD])["spans"])
            else:
                present.setdefault(article_id, []).append(fields[F.SENTENCE_INDEX])
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
