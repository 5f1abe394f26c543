#!/usr/bin/env python3
"""Ingest and retrieval figures of the OpenSearch backend on the harness's cluster.

    scripts/cluster.py up
    .venv/bin/python scripts/bench_cluster.py --sentences 100000
    scripts/cluster.py down

Loads articles of ``news-1m`` (SPEC §7) through ``OpenSearchStore.add_many`` until the asked
number of sentences is stored, then asks claims made from indexed sentences (a window of 8 to
14 of a sentence's words, one of them dropped) and reports ingest sentences/s, the latency of
what one answer asks of a snapshot (candidates, idf, and the articles of the hits) and
recall: the share of claims whose source sentence is among the top ``limit`` candidates.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from opensearchpy import OpenSearch  # noqa: E402

from index.judging.claims import analyse_claim  # noqa: E402
from index.records import ArticleFilter  # noqa: E402
from index.stores.opensearch.settings import OpenSearchSettings  # noqa: E402
from index.stores.opensearch.store import OpenSearchStore  # noqa: E402
from index.text.articles import Article, article_from_mapping  # noqa: E402
from index.text.sentences import split_sentences  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "news-1m" / "articles_1m.jsonl.gz"


def articles(path: Path) -> Iterator[Article]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield article_from_mapping(json.loads(line))


def claim_of(sentence: str, rng: random.Random) -> str | None:
    words = sentence.split()
    if len(words) < 10:
        return None
    size = rng.randint(8, min(14, len(words)))
    start = rng.randint(0, len(words) - size)
    window = words[start : start + size]
    del window[rng.randrange(len(window))]
    return " ".join(window)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--prefix", default="bench")
    parser.add_argument("--url", help="OPENSEARCH_URL [the harness's cluster]")
    args = parser.parse_args()
    if not args.url:
        from cluster import load, url  # scripts/cluster.py, beside this script

        nodes = load()
        if not nodes:
            sys.exit("no cluster: run scripts/cluster.py up, or give --url")
        args.url = url(nodes)
    settings = OpenSearchSettings(url=args.url, prefix=args.prefix)
    client = OpenSearch(hosts=settings.hosts)
    client.indices.delete(index=f"{args.prefix}-*")  # a fresh archive each run
    client.close()
    store = OpenSearchStore(settings)

    loaded, stored, started = [], 0, time.perf_counter()
    batch: list[Article] = []
    for article in articles(args.corpus):
        batch.append(article)
        if len(batch) == 500:
            stored += sum(r.sentences for r in store.add_many(batch))
            loaded += batch
            batch = []
            if stored >= args.sentences:
                break
    if batch and stored < args.sentences:
        stored += sum(r.sentences for r in store.add_many(batch))
        loaded += batch
    ingest_s = time.perf_counter() - started
    store.client.cluster.health(wait_for_status="green")

    rng = random.Random(7)
    claims: list[tuple[str, str]] = []
    while len(claims) < args.queries:
        sentence = rng.choice(split_sentences(rng.choice(loaded).text)).text
        claim = claim_of(sentence, rng)
        if claim:
            claims.append((claim, sentence))
    ms, found = [], 0
    for i, (claim, source) in enumerate(claims):
        began = time.perf_counter()
        snap = store.snapshot()
        terms = analyse_claim(claim).terms
        hits = snap.candidates(terms, ArticleFilter(), args.limit)
        snap.idf(terms)
        for hit in hits:
            snap.article(hit.article.id)
        if i >= 5:  # the first few warm the caches
            ms.append((time.perf_counter() - began) * 1000)
        found += any(h.text == source for h in hits)
    ms.sort()
    stats = store.client.indices.stats(index=store.sentences, metric="store")
    size_mb = stats["_all"]["primaries"]["store"]["size_in_bytes"] / 2**20
    print(
        json.dumps(
            {
                "sentences": store.counts()["sentences"],
                "articles": len(loaded),
                "ingest_s": round(ingest_s, 1),
                "ingest_sentences_per_s": round(stored / ingest_s),
                "answer_ms_p50": round(statistics.median(ms), 1),
                "answer_ms_p99": round(ms[min(len(ms) - 1, int(0.99 * len(ms)))], 1),
                f"recall_source_in_top{args.limit}": round(found / len(claims), 3),
                "sentences_index_primary_mb": round(size_mb, 1),
            }
        )
    )
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
