"""kill -9 of the whole server (and of the CLI) in the middle of bulk ingests, then restart."""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from .conftest import (
    AUTH,
    index_contents,
    kill_server,
    partly_present,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.slow  # each test starts gunicorn or the lab

ROUNDS = 3
ACKS_BEFORE_KILL = 4  # bulk requests acknowledged in a round before the kill
PER_REQUEST = 25
SENTENCES = 6


def bulk_body(first: int) -> str:
    """NDJSON of PER_REQUEST articles, each of SENTENCES sentences."""
    return "\n".join(
        json.dumps(
            {
                "id": f"crash-{n}",
                "text": " ".join(f"Report {n} finds fact {i} plainly." for i in range(SENTENCES)),
            }
        )
        for n in range(first, first + PER_REQUEST)
    )


def ingest_until_killed(
    url: str, first: int, acked: list[str], statuses: list[int], stop: threading.Event
) -> None:
    """Post bulk requests back to back, recording the ids of every acknowledged one.

    A 503 (the CLI holds the index lock too long) is retried with the same articles.
    """
    while not stop.is_set():
        body = bulk_body(first)
        try:
            response = requests.post(
                f"{url}/v1/articles",
                data=body,
                headers={**AUTH, "Content-Type": "application/x-ndjson"},
                timeout=60,
            )
        except requests.ConnectionError:
            return  # the server died under this request: it was never acknowledged
        statuses.append(response.status_code)
        if response.status_code == 201:
            acked.extend(r["id"] for r in response.json()["results"])
            first += PER_REQUEST


def cli_ingest(index_dir: Path, tmp_path: Path, first: int) -> subprocess.Popen:
    """A CLI bulk ingest of many articles running in the background."""
    path = tmp_path / f"cli-{first}.jsonl"
    path.write_text("\n".join(bulk_body(n) for n in range(first, first + 600, PER_REQUEST)))
    command = [str(Path(sys.executable).parent / "provenance"), "--index", str(index_dir)]
    return subprocess.Popen(
        [*command, "ingest", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def index_write_in_progress(index_dir: Path) -> bool:
    """True while some process holds the index's write lock (Whoosh's flock)."""
    with open(index_dir / "MAIN_WRITELOCK", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(lock, fcntl.LOCK_UN)
        return False


def test_sigterm_lets_a_bulk_ingest_in_flight_finish(tmp_path):
    index_dir = tmp_path / "index"
    server = start_server(index_dir, workers=2)
    body = "\n".join(bulk_body(n) for n in range(0, 200, PER_REQUEST))
    answered: list[requests.Response] = []
    headers = {**AUTH, "Content-Type": "application/x-ndjson"}
    poster = threading.Thread(
        target=lambda: answered.append(
            requests.post(f"{server.url}/v1/articles", data=body, headers=headers, timeout=60)
        )
    )
    poster.start()
    while not index_write_in_progress(index_dir):
        assert poster.is_alive(), "the ingest finished before it could be interrupted"
        time.sleep(0.005)  # polling the lock, the sign that the write has begun
    server.process.terminate()
    poster.join()
    assert server.process.wait(timeout=30) == 0
    stop_server(server)
    [response] = answered
    assert response.status_code == 201 and response.json()["created"] == 200
    contents = index_contents(index_dir)
    assert partly_present(contents) == []
    assert {f"crash-{n}" for n in range(200)} <= contents.keys()


def test_kill_9_during_bulk_ingest_loses_nothing_acknowledged(tmp_path):
    index_dir = tmp_path / "index"
    acked: list[str] = []
    statuses: list[int] = []
    for round_ in range(ROUNDS):
        server = start_server(index_dir, workers=2)
        cli = cli_ingest(index_dir, tmp_path, 1_000_000 * (round_ + 1))
        stop = threading.Event()
        acked_before = len(acked)
        writer = threading.Thread(
            target=ingest_until_killed, args=(server.url, 10_000 * round_, acked, statuses, stop)
        )
        writer.start()
        deadline = time.monotonic() + 120
        target = acked_before + ACKS_BEFORE_KILL * PER_REQUEST
        while len(acked) < target and writer.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)  # watching the acknowledgement count to pick the moment to kill
        cli.kill()
        kill_server(server)
        stop.set()
        writer.join()
        cli.wait()
        assert len(acked) >= target, f"round {round_}: too few bulk ingests acknowledged"

    server = start_server(index_dir, workers=2)
    try:
        after = server.request("POST", "/v1/articles", json={"text": "Later."}, headers=AUTH)
        assert after.status_code == 201  # a killed writer's lock does not block the next one
        assert set(statuses) <= {201, 503}, statuses
        contents = index_contents(index_dir)
        broken = partly_present(contents)
        missing = sorted(set(acked) - contents.keys())
        print(
            f"\ncrash: {ROUNDS} kill -9 rounds, {statuses.count(201)} bulk requests "
            f"({len(acked)} articles) acknowledged, {statuses.count(503)} 503, "
            f"{len(contents)} present after restart, {len(missing)} acknowledged missing, "
            f"{len(broken)} partly present"
        )
        assert missing == [] and broken == []
        for article_id in acked[::PER_REQUEST]:
            sentences = server.get(f"/v1/articles/{article_id}").json()["sentences"]
            assert len(sentences) == SENTENCES
    finally:
        stop_server(server)
