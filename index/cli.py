"""The ``provenance`` command: ingest, search, stats, reindex and serve from the shell."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

from .articles import Article
from .evidence import EvidenceQuery, find_evidence
from .ingest import SourceError, read_paths, seed_if_empty
from .store import Store

DEFAULT_INDEX = os.environ.get("PROVENANCE_INDEX_DIR", "var/index")
BENCH_CORPUS = "../shared/data/reuters21578/reuters21578.jsonl.gz"


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; returns the process exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    return args.run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="provenance", description=__doc__)
    parser.add_argument("--index", default=DEFAULT_INDEX, help="index directory [%(default)s]")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="add articles from files or directories")
    ingest.add_argument("paths", nargs="+", type=Path)
    ingest.set_defaults(run=cmd_ingest)

    search = sub.add_parser("search", help="evidence for a claim")
    search.add_argument("claim")
    search.add_argument("--limit", type=int, default=20)
    search.add_argument("--stance", choices=("supports", "all"), default="supports")
    search.add_argument("--json", action="store_true", help="print the API's JSON")
    search.set_defaults(run=cmd_search)

    stats = sub.add_parser("stats", help="index document counts")
    stats.set_defaults(run=cmd_stats)

    bench = sub.add_parser("bench", help="ingest and query speed against SQLite FTS5 and tantivy")
    bench.add_argument("--corpus", type=Path, default=Path(BENCH_CORPUS), help="[%(default)s]")
    bench.add_argument("--sizes", default="10000,100000", help="sentences per index [%(default)s]")
    bench.add_argument("--queries", type=int, default=200, help="claims per size [%(default)s]")
    bench.add_argument("--workdir", type=Path, help="where to build the indexes [a temp dir]")
    bench.add_argument("--http", action="store_true", help="load the real service with wrk")
    bench.add_argument("--seconds", type=int, default=20, help="HTTP run length [%(default)s]")
    bench.add_argument("--connections", type=int, default=8, help="HTTP clients [%(default)s]")
    bench.set_defaults(run=cmd_bench)

    serve = sub.add_parser("serve", help="run the HTTP service under gunicorn")
    serve.add_argument("--port", default=os.environ.get("PORT", "8000"))
    serve.set_defaults(run=cmd_serve)
    return parser


def cmd_ingest(args: argparse.Namespace) -> int:
    """Add (or update) every article found; errors are listed and make the exit status 1."""
    store = Store(args.index, procs=min(2, os.cpu_count() or 1))
    articles: list[Article] = []
    errors: list[SourceError] = []
    for item in read_paths(args.paths):
        (errors if isinstance(item, SourceError) else articles).append(item)
    results = store.add_many(articles, replace=True)
    counts = {s: sum(r.status == s for r in results) for s in ("created", "replaced", "unchanged")}
    sentences = sum(r.sentences for r in results)
    for error in errors:
        print(f"error: {error.where}: {error.message}", file=sys.stderr)
    print(
        f"{len(results)} articles ({counts['created']} new, {counts['replaced']} replaced, "
        f"{counts['unchanged']} unchanged), {sentences} sentences indexed, {len(errors)} errors"
    )
    return 1 if errors else 0


def cmd_search(args: argparse.Namespace) -> int:
    """Print the evidence for a claim."""
    result = find_evidence(
        Store(args.index), EvidenceQuery(args.claim, limit=args.limit, stance=args.stance)
    )
    if args.json:
        print(json.dumps(asdict(result), indent=2, ensure_ascii=False))
    else:
        for item in result.evidence:
            a = item.article
            print(f"{a.published or 'undated'} · {a.source or 'unknown source'} · {a.url or '-'}")
            print(f"  {item.sentence}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Print the index's document counts as JSON."""
    print(json.dumps({"index": str(args.index), **Store(args.index).counts()}))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """Print the benchmark tables (see index/bench.py); the index option is not used."""
    from . import bench  # the references (tantivy) are an optional extra

    sizes = [int(s) for s in args.sizes.split(",")]
    if args.http:
        for size in sizes:
            result = bench.run_http(args.corpus, size, args.seconds, args.connections, args.workdir)
            print(bench.format_http(result))
    else:
        bench.run(args.corpus, sizes, args.queries, args.workdir)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Seed an empty index, then replace this process with gunicorn serving it."""
    seed_if_empty(Store(args.index))
    os.environ.update(PROVENANCE_INDEX_DIR=str(args.index), PORT=str(args.port))
    conf = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
    options = ["-c", str(conf)] if conf.exists() else ["--bind", f"0.0.0.0:{args.port}"]
    os.execvp("gunicorn", ["gunicorn", *options, "service:create_app()"])

