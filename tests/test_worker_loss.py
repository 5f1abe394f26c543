"""Worker loss under load: kill -9 of one of two gunicorn workers while clients read evidence.

Only the requests that worker held fail; every request sent once it is gone is answered by the
other, which answers throughout; the master starts a replacement, which loads the verifier
and answers. How long the replacement takes, and the others' latency meanwhile, are measured
by ``python -m lab soak --kill-worker-at``, not here.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import uuid
from pathlib import Path

import pytest

from lab import gunicorn
from lab.load import Call, Client, closed_loop

from .conftest import start_server, stop_server

pytestmark = pytest.mark.slow  # starts gunicorn

CLAIMS = [
    "Peskov said the annexed regions are non-negotiable",
    "Kremlin spokesman Peskov told reporters",
    "restoring ties with the United States was a process",
]
CLIENTS = 4
DEADLINE_S = 120  # for the replacement to answer; a bound, not a measure


def gone(pid: int) -> bool:
    """The process has exited (a zombie until its parent reaps it counts as gone)."""
    return gunicorn.proc_status(pid).get("State", "Z").startswith("Z")


def answered_by(log: Path, request_id: str) -> int | None:
    """The pid of the worker whose log line has this request id."""
    for line in log.read_text().splitlines():
        if request_id in line and line.startswith("{"):
            return json.loads(line)["pid"]
    return None


def busiest(log: Path) -> int:
    """The worker that answered the latest claim."""
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return [line["pid"] for line in lines if line["path"] == "/v1/evidence"][-1]


def test_a_killed_worker_costs_only_its_requests_and_is_replaced(tmp_path):
    log = tmp_path / "server.log"
    server = start_server(tmp_path / "index", log=log, PROVENANCE_VERIFIER="on")
    client = Client(server.url, time.monotonic(), timeout=60)
    turn = iter(range(1 << 30))

    def claim() -> Call:
        n = next(turn)  # never the same claim twice: each is judged, none cached
        params = {"claim": f"{CLAIMS[n % len(CLAIMS)]} in {1000 + n}", "limit": 3}
        return Call("evidence", "GET", "/v1/evidence", {"params": params})

    first = gunicorn.workers(server)
    stop, warm, runs = threading.Event(), threading.Event(), []

    def clients() -> None:  # load until the replacement has answered
        while not stop.is_set():
            runs.append(closed_loop(client, claim, CLIENTS, 1.0))
            warm.set()

    loader = threading.Thread(target=clients)
    loader.start()
    try:
        warm.wait()  # a second of load before the kill
        victim = busiest(log)  # a worker serving the clients now
        killed_at = client.now()
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + DEADLINE_S
        while not gone(victim) and time.monotonic() < deadline:
            time.sleep(0.01)  # polling /proc for the exit, bounded by the deadline
        gone_at = client.now()
        replacement = None
        while replacement is None and time.monotonic() < deadline:
            request_id = uuid.uuid4().hex
            ready = server.get("/readyz", headers={"X-Request-ID": request_id})
            assert ready.status_code == 200 and ready.json()["judge"] == "verifier"
            pid = answered_by(log, request_id)
            if pid is not None and pid not in first:
                replacement = pid
    finally:
        stop.set()
        loader.join()
        stop_server(server)

    done = [d for run in runs for d in run.done]
    failed = [d for d in done if d.status != 200]
    assert replacement is not None and replacement not in first
    assert all(d.error and d.sent <= killed_at <= d.finished for d in failed), failed
    assert len(failed) <= CLIENTS  # at most what the killed worker held
    after = [d for d in done if d.sent >= gone_at]
    assert after and all(d.status == 200 for d in after)
    print(f"\n{len(done)} requests, {len(failed)} held by the killed worker, {len(after)} after")
