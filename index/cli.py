"""The ``provenance`` command: ingest, search, check, cite, stats, embed, check-index, reindex,
sweep and serve.

Benchmarks and evaluations are the lab's (``python -m lab``), not the product's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

from tqdm import tqdm

from index.citations import verify_citations
from index.draft import FAIL_UNDER, DraftQuery, check_draft
from index.errors import IndexBusy, ProvenanceError
from index.evidence import EvidenceQuery, find_evidence
from index.ingest import count_inputs, ingest_paths
from index.models.semantic import encoder_for
from index.records import ASKED_STANCES, Stance
from index.render import draft_text, evidence_text, verification_text
from index.stores.base import SWEEP_GRACE, ArticleStore
from index.stores.open import BACKENDS, copy_archive, embed_archive, open_store
from index.stores.opensearch.settings import OpenSearchSettings
from index.stores.whoosh import integrity
from index.stores.whoosh.rebuild import rebuild
from index.stores.whoosh.store import Store

DEFAULT_INDEX = os.environ.get("PROVENANCE_INDEX_DIR", "var/index")
#: sysexits' EX_TEMPFAIL: the index was busy, trying again later may succeed.
EXIT_BUSY = 75
#: ``check``: the draft is below its gate (1), or it could not be checked (2);
#: ``cite verify``: a citation does not hold (1), or the citations could not be read (2).
EXIT_NOT_SUPPORTED, EXIT_CHECK_FAILED = 1, 2


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; returns the process exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ProvenanceError as exc:  # expected failures get a message, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BUSY if isinstance(exc, IndexBusy) else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="provenance", description=__doc__)
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default=os.environ.get("PROVENANCE_BACKEND", "whoosh"),
        help="where the archive is: a Whoosh index directory, or the OpenSearch cluster at "
        "OPENSEARCH_URL [%(default)s]",
    )
    parser.add_argument("--index", default=DEFAULT_INDEX, help="index directory [%(default)s]")
    parser.add_argument(
        "--lock-timeout",
        type=float,
        default=float(os.environ.get("PROVENANCE_LOCK_TIMEOUT", Store.lock_timeout)),
        help="seconds a write waits for another writer, then exits 75 [%(default)s]",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="add articles from files or directories")
    ingest.add_argument("paths", nargs="+", type=Path)
    ingest.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        help="show a progress bar on stderr [default: when stderr is a terminal]",
    )
    ingest.set_defaults(run=cmd_ingest)

    search = sub.add_parser("search", help="evidence for a claim")
    search.add_argument("claim")
    search.add_argument("--limit", type=int, default=20)
    asked = [s.value for s in ASKED_STANCES]
    search.add_argument("--stance", choices=asked, default=Stance.SUPPORTS.value)
    search.add_argument("--json", action="store_true", help="print the API's JSON")
    search.set_defaults(run=cmd_search)

    check = sub.add_parser(
        "check",
        help="mark each sentence of a draft with what the archive says of it; exit status 0 "
        "when the draft passes (every checked sentence supported, or --fail-under's share), "
        "1 when it does not, 2 on error",
    )
    check.add_argument("draft", help="the draft's file, or - for standard input")
    check.add_argument("--limit", type=int, default=DraftQuery.limit, help="sources a sentence")
    check.add_argument(
        "--fail-under",
        type=_fraction,
        default=FAIL_UNDER,
        metavar="X",
        help="exit 1 when the share of checked sentences supported is below X, 0 to 1 "
        "[%(default)s: every one]",
    )
    check.add_argument("--json", action="store_true", help="print the API's JSON")
    check.set_defaults(run=cmd_check)

    cite = sub.add_parser("cite", help="check citations an answer gave")
    cite_sub = cite.add_subparsers(dest="cite_command", required=True)
    verify = cite_sub.add_parser(
        "verify",
        help="whether the archive still says what each citation cites; exit status 0 when "
        "every one holds, 1 when one does not, 2 on error (unreadable input, a malformed "
        "citation)",
    )
    verify.add_argument(
        "citations",
        help="a file, or - for standard input: JSON (a list of citations, or "
        '{"citations": [...]}) or one compact citation a line',
    )
    verify.add_argument("--json", action="store_true", help="print the API's JSON")
    verify.set_defaults(run=cmd_cite_verify)

    stats = sub.add_parser("stats", help="index document counts")
    stats.set_defaults(run=cmd_stats)

    embed = sub.add_parser(
        "embed",
        help="semantic mode: write every article again with its sentence vectors "
        "(after PROVENANCE_SEMANTIC=on on an archive built without it)",
    )
    embed.set_defaults(run=cmd_embed)

    check_index = sub.add_parser(
        "check-index",
        help="read back every file, stored document and posting of the Whoosh index, each "
        "article against its content hash; exit 0 when whole, 1 when damaged",
    )
    check_index.set_defaults(run=cmd_check_index)

    reindex = sub.add_parser(
        "reindex",
        help="rebuild the Whoosh index from its stored articles and swap it in (a damaged "
        "index: what cannot be read is named); or, with --from and --to, copy every article "
        "from one backend to the other (--index, OPENSEARCH_*)",
    )
    reindex.add_argument("--from", dest="source", choices=BACKENDS)
    reindex.add_argument("--to", dest="target", choices=BACKENDS)
    reindex.set_defaults(run=cmd_reindex)

    sweep = sub.add_parser(
        "sweep", help="OpenSearch: delete the sentences that writers which died left unused"
    )
    sweep.add_argument(
        "--grace",
        type=float,
        default=SWEEP_GRACE,
        help="leave generations younger than this many seconds [%(default)s]",
    )
    sweep.set_defaults(run=cmd_sweep)

    serve = sub.add_parser("serve", help="run the HTTP service under gunicorn")
    serve.add_argument("--port", default=os.environ.get("PORT", "8000"))
    serve.set_defaults(run=cmd_serve)
    return parser


def _store(args: argparse.Namespace, procs: int = 1, backend: str | None = None) -> ArticleStore:
    return open_store(
        backend or args.backend,
        index_dir=args.index,
        lock_timeout=args.lock_timeout,
        procs=procs,
        opensearch=OpenSearchSettings.from_env(),
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    """Add (or update) every article found; errors are listed and make the exit status 1."""
    show = sys.stderr.isatty() if args.progress is None else args.progress
    # On a terminal, a bar only for ingests that take a while; when asked for, at once.
    with tqdm(
        total=count_inputs(args.paths) if show else None,
        disable=not show,
        delay=0 if args.progress else 0.5,
        unit=" articles",
        file=sys.stderr,
    ) as bar:
        report = ingest_paths(
            _store(args, procs=min(2, os.cpu_count() or 1)),
            args.paths,
            bar.update,
        )
    for error in report.errors:
        print(f"error: {error.where}: {error.message}", file=sys.stderr)
    print(report.summary())
    return 1 if report.errors else 0


def cmd_search(args: argparse.Namespace) -> int:
    """Print the evidence for a claim, as the API's text answer or (``--json``) its JSON."""
    result = find_evidence(
        _store(args), EvidenceQuery(args.claim, limit=args.limit, stance=Stance(args.stance))
    )
    if args.json:
        print(json.dumps(asdict(result), indent=2, ensure_ascii=False))
    else:
        print(evidence_text(result), end="")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Print the checked draft, as the API's text answer or (``--json``) its JSON; exit 0 only
    when the draft passes its gate (``--fail-under``), so a pipeline can gate on it."""
    try:
        text = sys.stdin.read() if args.draft == "-" else Path(args.draft).read_text("utf-8")
        query = DraftQuery(text, limit=args.limit, fail_under=args.fail_under)
        result = check_draft(_store(args), query)
    except (OSError, UnicodeDecodeError, ProvenanceError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    if args.json:
        print(json.dumps(asdict(result), indent=2, ensure_ascii=False))
    else:
        print(draft_text(result), end="")
    return 0 if result.summary.passed else EXIT_NOT_SUPPORTED


def _fraction(value: str) -> float:
    """A number from 0 to 1, for argparse (anything else exits 2 with its message)."""
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number from 0 to 1")
    return number


def cmd_cite_verify(args: argparse.Namespace) -> int:
    """Print each citation's verification, one line each (or the API's JSON); exit 0 when all
    hold, 1 when one does not, 2 when the input cannot be read or holds a malformed one."""
    try:
        text = sys.stdin.read() if args.citations == "-" else Path(args.citations).read_text()
        entries = read_citations(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    result = verify_citations(_store(args), entries)
    if args.json:
        print(json.dumps(asdict(result), indent=2, ensure_ascii=False))
    else:
        print(verification_text(result), end="")
    if result.summary.invalid:
        return EXIT_CHECK_FAILED
    return 0 if result.all_hold else EXIT_NOT_SUPPORTED


def read_citations(text: str) -> list[object]:
    """Citations from a file: JSON (a list, or ``{"citations": [...]}``) or one compact
    citation a line (blank lines skipped); raises ValueError when there are none."""
    if text.lstrip()[:1] in ("[", "{"):
        data = json.loads(text)
        if isinstance(data, dict) and set(data) == {"citations"}:
            data = data["citations"]
        if not isinstance(data, list):
            raise ValueError('expected a JSON list of citations, or {"citations": [...]}')
        entries = data
    else:
        entries = [line.strip() for line in text.splitlines() if line.strip()]
    if not entries:
        raise ValueError("no citation to verify")
    return entries


def cmd_stats(args: argparse.Namespace) -> int:
    """Print the index's document counts as JSON."""
    print(json.dumps({"index": str(args.index), **_store(args).counts()}))
    return 0


def cmd_embed(args: argparse.Namespace) -> int:
    """Give every stored sentence its vector; print how many articles were written."""
    store = _store(args)
    try:
        done = embed_archive(store)
        counts = store.counts()
    finally:
        store.close()
    print(json.dumps({"embedded": done.get("replaced", 0), **counts}))
    return 0


def cmd_check_index(args: argparse.Namespace) -> int:
    """Print what was read and every problem found as JSON; exit 1 when there is one."""
    if args.backend != "whoosh":
        print(
            "error: check-index reads a Whoosh index; a cluster checks its own shards",
            file=sys.stderr,
        )
        return 2
    counts, problems = integrity.check_index(Path(args.index))
    found = [f"{p.file}: {p.what}" for p in problems]
    print(json.dumps({"index": str(args.index), **counts, "problems": found}, indent=2))
    if problems:
        print(f"error: {integrity.describe(Path(args.index), problems)}", file=sys.stderr)
    return 1 if problems else 0


def cmd_reindex(args: argparse.Namespace) -> int:
    """Rebuild the Whoosh index in place, or copy the archive between backends; print what
    was done."""
    if args.source is None and args.target is None:
        return _rebuild(args)
    if args.source is None or args.target is None:
        print("error: give both --from and --to, or neither", file=sys.stderr)
        return 2
    if args.source == args.target:
        print("error: --from and --to name the same backend", file=sys.stderr)
        return 2
    source, target = _store(args, backend=args.source), _store(args, backend=args.target)
    try:
        done = copy_archive(source, target)
        counts = target.counts()
    finally:
        source.close()
        target.close()
    print(json.dumps({"from": args.source, "to": args.target, **done, "target": counts}))
    return 0


def _rebuild(args: argparse.Namespace) -> int:
    """The Whoosh index rebuilt from its stored articles; exit 1 when some were lost."""
    if args.backend != "whoosh":
        print("error: reindex without --from/--to rebuilds a Whoosh index", file=sys.stderr)
        return 2
    done = rebuild(Path(args.index), args.lock_timeout, encoder_for(None))
    print(json.dumps({"index": str(args.index), **done}, indent=2))
    for lost in done["lost"]:
        print(f"error: not rebuilt: {lost}", file=sys.stderr)
    return 1 if done["lost"] else 0


def cmd_sweep(args: argparse.Namespace) -> int:
    """Delete orphaned sentence generations on the OpenSearch backend; print how many."""
    if args.backend != "opensearch":
        print("error: only --backend opensearch leaves sentences to sweep", file=sys.stderr)
        return 2
    store = _store(args)
    try:
        removed = store.sweep(args.grace)
    finally:
        store.close()
    print(json.dumps({"removed": removed}))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Replace this process with gunicorn serving the index (seeded when never used).

    Gunicorn runs from this interpreter (``-m``), so no activated venv or PATH entry is needed,
    with the settings module the package ships, so an installed wheel serves as a checkout does.
    """
    os.environ.update(
        PROVENANCE_BACKEND=args.backend, PROVENANCE_INDEX_DIR=str(args.index), PORT=str(args.port)
    )
    python = sys.executable
    os.execv(python, [python, "-m", "gunicorn", "-c", "python:service.gunicorn_conf"])
