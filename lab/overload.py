"""``python -m lab overload``: a burst of drafts at ten times what the service can check.

The archive (:mod:`lab.archive`) served by gunicorn (2 workers, the verifier on).
First the capacity for drafts of DRAFT_SENTENCES sentences: closed-loop, a client per worker
and one more, the drafts checked a second. Then the burst: drafts sent open-loop at ten times
that for ``--seconds``, while ``/healthz`` and ``/readyz`` are asked PROBES_PER_S times a
second. Printed: how many drafts were checked and how fast, how many refused and how fast
(503 with Retry-After and problem+json), what else came back, the probes' latency during the
burst, and a claim's latency once the burst is over.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from pathlib import Path

from lab import gunicorn
from lab.archive import build_archive
from lab.load import Call, Client, Done, closed_loop, open_loop, pct

DRAFT_SENTENCES = 40
BURST = 10  # times the capacity
PROBES_PER_S = 10
CLIENT_TIMEOUT = 300.0


def drafts(sentences: list[str], seed: int = 25):
    """A maker of drafts of DRAFT_SENTENCES of the archive's sentences (thread-safe)."""
    rng, lock = random.Random(seed), threading.Lock()

    def make() -> Call:
        with lock:
            text = " ".join(rng.sample(sentences, DRAFT_SENTENCES))
        return Call("draft", "POST", "/v1/check", {"json": {"text": text}})

    return make


def probes():
    turn = iter(range(1 << 62))
    return lambda: Call("probe", "GET", "/healthz" if next(turn) % 2 else "/readyz")


def summary(done: list[Done]) -> dict:
    """Counts by outcome, and latency (ms) of the checked and of the refused."""

    def ms(rows: list[Done]) -> dict:
        values = [d.latency * 1000 for d in rows]
        return {
            "n": len(values),
            **{f"p{p}_ms": round(pct(values, p), 1) if values else None for p in (50, 99)},
            "max_ms": round(max(values), 1) if values else None,
        }

    refused = [d for d in done if d.status == 503]
    return {
        "outcomes": dict(Counter(str(d.status or d.error) for d in done)),
        "answered": ms([d for d in done if d.status == 200]),
        "refused": ms(refused),
        "refusals_well_formed": all(d.refusal_well_formed for d in refused),
    }


def run(corpus: Path, sentences: int, seconds: float, probe_s: float, workdir: Path) -> dict:
    """Measure the draft capacity, send the burst with probes alongside, then one claim."""
    archive = build_archive(corpus, sentences, workdir)
    make = drafts(archive.corpus.sentences)
    env = {"PROVENANCE_VERIFIER": "on"}
    with gunicorn.serving(archive.index_dir, 2, **env) as server:
        client = Client(server.url, time.monotonic(), CLIENT_TIMEOUT)
        began = client.now()
        capacity_run = closed_loop(client, make, 3, probe_s)
        capacity = sum(d.status == 200 for d in capacity_run.done) / (client.now() - began)
        rate = BURST * capacity
        probing: list = []
        prober = threading.Thread(
            target=lambda: probing.append(
                open_loop(client, probes(), PROBES_PER_S, seconds + 5, max_clients=8)
            )
        )
        prober.start()
        burst = open_loop(client, make, rate, seconds, max_clients=256)
        prober.join()
        claim = Call(
            "claim", "GET", "/v1/evidence", {"params": {"claim": archive.corpus.sentences[7]}}
        )
        after = client.send(claim)
    probe_ms = [d.latency * 1000 for d in probing[0].done]
    return {
        "sentences": len(archive.corpus.sentences),
        "draft_sentences": DRAFT_SENTENCES,
        "capacity_drafts_per_s": round(capacity, 3),
        "burst_per_s": round(rate, 3),
        "burst_s": seconds,
        "burst": summary(burst.done) | {"late_sends": burst.late, "dropped": burst.dropped},
        "probes": {
            "n": len(probe_ms),
            "failed": sum(d.status != 200 for d in probing[0].done),
            "p50_ms": round(pct(probe_ms, 50), 1),
            "p99_ms": round(pct(probe_ms, 99), 1),
            "max_ms": round(max(probe_ms), 1),
        },
        "after": {"status": after.status, "ms": round(after.latency * 1000, 1)},
    }


def main(args) -> int:
    """The command: print the figures as JSON (and write them to ``--out`` when given)."""
    result = run(args.corpus, args.sentences, args.seconds, args.probe_s, args.workdir)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text)
    return 0
