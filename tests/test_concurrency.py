"""Eight writers, sixteen searchers and the CLI on one index behind a 2-worker gunicorn."""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
import requests

from .conftest import AUTH, index_contents, partly_present, run_cli, start_server, stop_server

pytestmark = pytest.mark.slow  # each test starts gunicorn or the lab

DURATION = 20.0  # seconds of mixed load
WRITERS, SEARCHERS = 8, 16
VISIBLE_WITHIN = 1.0  # seconds from a write's acknowledgement to every reader seeing it


def token(number: int) -> str:
    """A made-up word unique to one article, so a claim can find exactly it."""
    letters = ""
    while True:
        number, r = divmod(number, 26)
        letters += chr(ord("a") + r)
        if not number:
            return f"zu{letters}qo"


def article(number: int) -> dict:
    word = token(number)
    return {
        "id": f"load-{number}",
        "text": f"The {word} festival opened on Monday in the harbour town. Organisers said the "
        f"{word} parade drew record crowds. Local traders reported brisk sales.",
        "source": "Harbour Post",
    }


@dataclass
class Load:
    """What every thread saw, shared."""

    deadline: float
    acked: dict[str, tuple[float, int]] = field(default_factory=dict)  # id -> (when, sentences)
    statuses: Counter = field(default_factory=Counter)
    busy_without_retry_after: int = 0
    searches: int = 0
    visibility_checks: int = 0
    late: list[str] = field(default_factory=list)
    numbers: iter = field(default_factory=lambda: iter(range(10**9)))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_articles(self, count: int) -> list[dict]:
        with self.lock:
            return [article(next(self.numbers)) for _ in range(count)]


def write(url: str, load: Load, bulk: bool) -> None:
    """Post articles until the deadline: one JSON article, or three as NDJSON."""
    while time.monotonic() < load.deadline:
        batch = load.next_articles(3 if bulk else 1)
        if bulk:
            body = "\n".join(json.dumps(a) for a in batch)
            headers = {**AUTH, "Content-Type": "application/x-ndjson"}
            response = requests.post(f"{url}/v1/articles", data=body, headers=headers, timeout=60)
        else:
            response = requests.post(f"{url}/v1/articles", json=batch[0], headers=AUTH, timeout=60)
        acked_at = time.monotonic()
        with load.lock:
            load.statuses[response.status_code] += 1
            if response.status_code == 503 and "Retry-After" not in response.headers:
                load.busy_without_retry_after += 1
            if response.status_code == 201:
                body = response.json()
                for result in body["results"] if bulk else [body]:
                    load.acked[result["id"]] = (acked_at, result["sentences"])


def write_with_cli(index_dir, tmp_path, load: Load) -> None:
    """The CLI ingesting files into the same index while the server writes."""
    while time.monotonic() < load.deadline:
        batch = load.next_articles(5)
        path = tmp_path / f"{batch[0]['id']}.jsonl"
        path.write_text("\n".join(json.dumps(a) for a in batch))
        done = run_cli("ingest", str(path), index_dir=index_dir)
        acked_at = time.monotonic()
        with load.lock:
            load.statuses[f"cli exit {done.returncode}"] += 1
            if done.returncode == 0:
                for a in batch:
                    load.acked[a["id"]] = (acked_at, 3)


def search(url: str, load: Load, rng: random.Random) -> None:
    """Ask for acknowledged articles' claims; once a second has passed each must be found."""
    while time.monotonic() < load.deadline:
        with load.lock:
            choice = rng.choice(sorted(load.acked)) if load.acked else None
            acked_at = load.acked[choice][0] if choice else None
        number = int(choice.removeprefix("load-")) if choice else 0
        started = time.monotonic()
        claim = f"{token(number)} parade drew record crowds"
        response = requests.get(f"{url}/v1/evidence", params={"claim": claim}, timeout=60)
        with load.lock:
            load.statuses[response.status_code] += 1
            load.searches += 1
            if choice and response.status_code == 200 and started - acked_at >= VISIBLE_WITHIN:
                load.visibility_checks += 1
                found = {e["article"]["id"] for e in response.json()["evidence"]}
                if choice not in found:
                    load.late.append(choice)


def test_writers_searchers_and_cli_share_the_index(tmp_path):
    index_dir = tmp_path / "index"
    # A short lock wait, so that some writes meet a busy index and must answer 503.
    server = start_server(index_dir, workers=2, PROVENANCE_LOCK_TIMEOUT="0.5")
    try:
        load = Load(deadline=time.monotonic() + DURATION)
        threads = [
            threading.Thread(target=write, args=(server.url, load, n % 2 == 1))
            for n in range(WRITERS)
        ]
        threads += [
            threading.Thread(target=search, args=(server.url, load, random.Random(n)))
            for n in range(SEARCHERS)
        ]
        threads.append(threading.Thread(target=write_with_cli, args=(index_dir, tmp_path, load)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        server_errors = sum(n for s, n in load.statuses.items() if isinstance(s, int) and s >= 500)
        busy = load.statuses[503]
        print(
            f"\nconcurrency: {len(load.acked)} articles acknowledged, {busy} writes 503, "
            f"{load.searches} searches ({load.visibility_checks} for articles acknowledged >= 1 s "
            f"before), {server_errors - busy} other 5xx, statuses {dict(load.statuses)}"
        )
        assert server_errors == busy, load.statuses
        assert set(load.statuses) <= {200, 201, 503, "cli exit 0"}, load.statuses
        assert load.busy_without_retry_after == 0
        assert load.late == []
        assert len(load.acked) > 0 and load.visibility_checks > 0

        for article_id, (_, sentences) in load.acked.items():
            stored = server.get(f"/v1/articles/{article_id}")
            assert stored.status_code == 200, article_id
            assert len(stored.json()["sentences"]) == sentences == 3
    finally:
        stop_server(server)
    contents = index_contents(index_dir)
    assert partly_present(contents) == []
    assert load.acked.keys() <= contents.keys()
