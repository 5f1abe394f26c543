"""``python -m lab bench``: speed and recall at scale, beside SQLite FTS5 and tantivy.

Each size is the first N sentences of the corpus (articles in file order), built through our
real ingest path (``Store.add_many``: segmentation, attribution, Whoosh) and into SQLite FTS5
(``bm25()``) and tantivy, references measured in the same run on the same machine. Every claim
is made from one indexed sentence (its source): a 15-20-word window with 1-3 words dropped or
replaced, so an exact search must find it. Beside each engine's times the table prints what it
finds: the share of an exhaustive BM25's top 10 (every posting of every claim term, scored with
our own BM25) and the share of claims whose source sentence it returns; for the evidence path,
the source in the judged pool and in the default answer. Speed is never shown without recall.

Beside them, the draft check (``index.draft.check_draft``, POST /v1/check): drafts of
DRAFT_SENTENCES claims, each a paragraph, their p50 on one worker, and their CPU against that
of the same claims asked one by one of ``find_evidence``; and citations (lab/bench_citations.py):
verifying a full request of them on one worker, and what citing adds to an answer.

With ``--workdir`` the built Whoosh indexes are kept there and reused by later runs (the row then
says "reused" instead of an ingest rate).

This module holds the engines and the run over the sizes: the claims and the measures are in
lab/bench_measure.py, the draft check in lab/bench_draft.py, citations in
lab/bench_citations.py, the table and the figure in lab/bench_report.py, the HTTP run in
lab/bench_http.py, the corpus reader in lab/data.py.
"""

from __future__ import annotations

import gc
import json
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from index.evidence import EvidenceQuery, find_evidence, judge_candidates
from index.judging import verifier
from index.judging.claims import analyse_claim
from index.models.semantic import Encoder, encoder_for
from index.records import ArticleFilter
from index.stores.base import ArticleStore
from index.stores.whoosh.search import Retrieval
from index.stores.whoosh.store import Store
from lab.bench_citations import CitationFigures, bench_citations, format_citations
from lab.bench_draft import DraftFigures, bench_drafts, format_drafts
from lab.bench_measure import cpu_seconds, dir_mb, make_claims, peak_rss_mb, share_found, timed
from lab.bench_report import Row, format_rows, plot
from lab.data import Corpus, load_corpus

TOP_K = 50
EXACT_K = 10


def words_of(claim: str) -> list[str]:
    """The claim's content words as our analysis sees them: the same query for every engine."""
    return [w.surface for w in analyse_claim(claim).words]


class Fts5:
    """SQLite FTS5 with the porter tokenizer, ranked by ``bm25()``."""

    def __init__(self, directory: Path, sentences: list[str]) -> None:
        self.path = directory / "fts5.db"
        self.path.unlink(missing_ok=True)
        self.db = sqlite3.connect(self.path)
        self.db.execute("CREATE VIRTUAL TABLE s USING fts5(text, tokenize='porter unicode61')")
        with self.db:
            self.db.executemany("INSERT INTO s(text) VALUES (?)", ((t,) for t in sentences))
        self.sentences = sentences

    def search(self, claim: str) -> list[str]:
        expr = " OR ".join('"{}"'.format(w.replace('"', "")) for w in words_of(claim))
        if not expr:
            return []
        rows = self.db.execute(
            "SELECT rowid FROM s WHERE s MATCH ? ORDER BY bm25(s) LIMIT ?", (expr, TOP_K)
        )
        return [self.sentences[r - 1] for (r,) in rows]


class Tantivy:
    """tantivy (Rust; block-max WAND top-k) with its English stemming tokenizer."""

    def __init__(self, directory: Path, sentences: list[str]) -> None:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("text", stored=False, tokenizer_name="en_stem")
        builder.add_integer_field("n", stored=True)
        self.path = directory / "tantivy"
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir()
        self.index = tantivy.Index(builder.build(), path=str(self.path))
        writer = self.index.writer(heap_size=200_000_000, num_threads=2)
        for n, text in enumerate(sentences):
            writer.add_document(tantivy.Document(text=text, n=n))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        self.sentences = sentences

    def search(self, claim: str) -> list[str]:
        words = words_of(claim)
        if not words:
            return []
        query = self.index.parse_query(" ".join('"{}"'.format(w.replace('"', "")) for w in words))
        hits = self.searcher.search(query, TOP_K).hits
        return [self.sentences[self.searcher.doc(a)["n"][0]] for _, a in hits]


def build_ours(
    corpus: Corpus, path: Path, encoder: Encoder | None = None
) -> tuple[Store, float | None, float | None]:
    """Our index of the corpus at ``path`` (with sentence vectors when ``encoder`` is given),
    built now or kept from an earlier run."""
    marker = path / "bench-built.json"
    expected = {"articles": len(corpus.articles), "sentences": len(corpus.sentences)}
    if marker.exists() and json.loads(marker.read_text()) == expected:
        return Store(path, encoder=encoder), None, None
    shutil.rmtree(path, ignore_errors=True)
    cpu, started = cpu_seconds(), time.perf_counter()
    store = Store(path, procs=2, encoder=encoder)
    store.add_many(corpus.articles)
    build, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    marker.write_text(json.dumps(expected))
    return store, build, cpu


def build_cluster(corpus: Corpus, url: str) -> tuple[ArticleStore, float | None, float | None]:
    """The corpus in the OpenSearch cluster at ``url``, loaded now or kept from an earlier run."""
    from index.stores.opensearch.settings import OpenSearchSettings
    from index.stores.opensearch.store import OpenSearchStore

    store = OpenSearchStore(OpenSearchSettings(url=url, prefix=f"bench-{len(corpus.sentences)}"))
    if store.counts() == {"articles": len(corpus.articles), "sentences": len(corpus.sentences)}:
        return store, None, None
    cpu, started = cpu_seconds(), time.perf_counter()
    store.add_many(corpus.articles)
    return store, time.perf_counter() - started, cpu_seconds() - cpu


def backend_rows(
    name: str,
    store: ArticleStore,
    built: tuple[float | None, float | None],
    size_mb: float | None,
    texts: list[str],
    reference: list[list[str]],
    sources: list[list[str]],
    n: int,
) -> list[Row]:
    """Candidates, the judged pool and the whole answer of one backend on the same claims."""
    snapshot, everything = store.snapshot(), ArticleFilter()

    def candidates(claim: str) -> list[str]:
        return [h.text for h in snapshot.candidates(analyse_claim(claim).terms, everything, TOP_K)]

    def pool(claim: str) -> list[str]:
        query = EvidenceQuery(claim)
        judged = judge_candidates(store.snapshot(), analyse_claim(claim), query, store.encoder)
        return [j.hit.text for j in judged]

    def evidence(claim: str) -> list[str]:
        return [e.sentence for e in find_evidence(store, EvidenceQuery(claim)).evidence]

    cand_times, cand_answers = timed(candidates, texts)
    judge = verifier.current()
    started = cpu_seconds()
    ev_times, ev_answers = timed(evidence, texts)
    judged_cpu = cpu_seconds() - started
    pools = [pool(c) for c in texts]
    build, cpu = built
    lexical: list[Row] = []
    if judge is not None:  # the same claims judged by the lexical rules alone, for the cost
        verifier.use(None)
        try:
            started = cpu_seconds()
            lex_times, lex_answers = timed(evidence, texts)
            lexical_cpu = cpu_seconds() - started
        finally:
            verifier.use(judge)
        print(
            f"{name}: the verifier's CPU per claim at {n:,} sentences: "
            f"{1000 * (judged_cpu - lexical_cpu) / (len(texts) + 5):.0f} ms "
            f"(find_evidence {1000 * judged_cpu / (len(texts) + 5):.0f} ms with it, "
            f"{1000 * lexical_cpu / (len(texts) + 5):.0f} ms without)",
            flush=True,
        )
        lexical.append(
            Row(
                f"{name} find_evidence, lexical rules alone",
                n,
                build,
                cpu,
                size_mb,
                peak_rss_mb(),
                lex_times,
                None,
                share_found(lex_answers, sources),
                share_found(pools, sources),
            )
        )
    return [
        Row(
            f"{name} find_candidates top {TOP_K}",
            n,
            build,
            cpu,
            size_mb,
            peak_rss_mb(),
            cand_times,
            share_found(cand_answers, reference),
            share_found(cand_answers, sources),
        ),
        Row(
            f"{name} find_evidence (API path)",
            n,
            build,
            cpu,
            size_mb,
            peak_rss_mb(),
            ev_times,
            None,
            share_found(ev_answers, sources),
            share_found(pools, sources),
        ),
    ] + lexical


_RSS_PROBE = """
import re
from index.judging import verifier
def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) / 1024
before = rss()
pairs = [("The council approved the budget on Tuesday, the mayor said.", "The budget was approved")]
verifier.shipped().probabilities(pairs * 24)
print(round(rss() - before))
"""


def verifier_rss_mb() -> float:
    """Resident memory the verifier adds to a process once loaded and run (a fresh process)."""
    import subprocess
    import sys

    ran = subprocess.run([sys.executable, "-c", _RSS_PROBE], capture_output=True, text=True)
    return float(ran.stdout.strip() or "nan")


def bench_size(
    corpus_path: Path,
    size: int,
    queries: int,
    workdir: Path,
    opensearch: str | None = None,
    semantic: bool = False,
) -> tuple[list[Row], DraftFigures, CitationFigures]:
    """Build every engine at ``size`` sentences and run the same claims on each (ours in
    semantic mode too, with ``semantic``), check drafts of such claims on ours, and verify
    citations on it."""
    corpus = load_corpus(corpus_path, size)
    claims = make_claims(corpus.sentences, queries)
    texts = [c.text for c in claims]
    sources = [[c.source] for c in claims]
    ours = workdir / f"whoosh-{len(corpus.sentences)}"
    store, build, cpu = build_ours(corpus, ours)
    snapshot = store.snapshot()
    everything = ArticleFilter()
    exhaustive = Retrieval(snapshot.searcher)

    def exact(claim: str) -> list[str]:
        hits = exhaustive.top(analyse_claim(claim).terms, everything, EXACT_K, prune=False)
        return [snapshot.searcher.stored_fields(h.docnum)["text"] for h in hits]

    # The corpus (a million strings at 1M) is the bench's, not the service's: kept out of the
    # collector's view, its full collections would pause the timed claims for half a second.
    gc.collect()
    gc.freeze()
    exact_times, reference = timed(exact, texts)
    n, size_mb = len(corpus.sentences), dir_mb(ours)
    rows = [
        Row(
            "exhaustive BM25 (numpy, no pruning)",
            n,
            build,
            cpu,
            size_mb,
            peak_rss_mb(),
            exact_times,
            1.0,
            share_found(reference, sources),
        ),
        *backend_rows("ours", store, (build, cpu), size_mb, texts, reference, sources, n),
    ]
    drafts = bench_drafts(store, corpus.sentences, n)
    citations = bench_citations(store, corpus.articles, texts, n)
    store.close()
    if semantic:
        path = workdir / f"whoosh-semantic-{len(corpus.sentences)}"
        store, build, cpu = build_ours(corpus, path, encoder_for(True))
        rows += backend_rows(
            "ours semantic", store, (build, cpu), dir_mb(path), texts, reference, sources, n
        )
        store.close()
    if opensearch:
        cluster, *loaded = build_cluster(corpus, opensearch)
        rows += backend_rows(
            "opensearch", cluster, tuple(loaded), 0.0, texts, reference, sources, n
        )
        cluster.close()
    for name, engine in (("sqlite fts5", Fts5), ("tantivy", Tantivy)):
        started, cpu = time.perf_counter(), cpu_seconds()
        built = engine(workdir, corpus.sentences)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        times, answers = timed(built.search, texts)
        rows.append(
            Row(
                f"{name} top {TOP_K}",
                n,
                seconds,
                cpu,
                dir_mb(built.path),
                None,
                times,
                share_found(answers, reference),
                share_found(answers, sources),
            )
        )
    return rows, drafts, citations


def run(
    corpus_path: Path,
    sizes: list[int],
    queries: int,
    workdir: Path | None,
    plot_to: Path | None = None,
    opensearch: str | None = None,
    semantic: bool = False,
) -> list[Row]:
    """Bench every size in turn, printing each size's table as soon as it is measured."""
    rows: list[Row] = []
    judge = verifier.current()
    if judge is not None:
        # Every claim here is asked more than once (warm-up, then timed; singly, then in a
        # draft): cached readings would time the cache, so every figure reads cold.
        judge.cache_size = 0
        print(
            f"the verifier adds {verifier_rss_mb():.0f} MB to a process; its cache is off "
            "here: every figure reads cold",
            flush=True,
        )
    keep = workdir is not None
    if keep:
        workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="provenance-bench-", dir=workdir) as tmp:
        for size in sizes:
            size_rows, drafts, citations = bench_size(
                corpus_path, size, queries, workdir if keep else Path(tmp), opensearch, semantic
            )
            print(
                format_rows(size_rows),
                format_drafts(drafts),
                format_citations(citations),
                sep="\n\n",
                flush=True,
            )
            rows.extend(size_rows)
    if plot_to is not None:
        plot(rows, plot_to)
        print(f"plotted to {plot_to}")
    return rows
