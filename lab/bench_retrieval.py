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
of the same claims asked one by one of ``find_evidence``.

With ``--workdir`` the built Whoosh indexes are kept there and reused by later runs (the row then
says "reused" instead of an ingest rate).
"""

from __future__ import annotations

import gc
import gzip
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from index import verifier
from index.articles import Article, build_article
from index.backend import ArticleStore
from index.claims import analyse_claim
from index.draft import DraftQuery, check_draft
from index.evidence import EvidenceQuery, find_evidence, judge_candidates
from index.records import ArticleFilter
from index.search import Retrieval
from index.semantic import Encoder, encoder_for
from index.sentences import split_sentences
from index.store import Store
from lab import gunicorn

TOP_K = 50
EXACT_K = 10
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|\d[\d.,]*\d|\d")


@dataclass
class Corpus:
    """The first articles of the corpus and their sentences, in order."""

    articles: list[Article]
    sentences: list[str]


def read_articles(path: Path) -> Iterator[Article]:
    """Articles from a news-1m style NDJSON (``id``, ``text``, ...) or Reuters-21578 records."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if "newid" in record:
                article = _reuters_article(record)
                if article is not None:
                    yield article
            else:
                yield build_article(**record)


def _reuters_article(record: dict) -> Article | None:
    body = re.sub(r"\s*\bReuter\s*$", "", record.get("body") or "")
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s+", body))
    text = "\n\n".join(p for p in paragraphs if p)
    if not text:
        return None
    return build_article(
        text,
        id=f"reuters-{record['newid']}",
        title=record.get("title"),
        source="Reuters",
        published=_reuters_day(record.get("date")),
    )


def _reuters_day(stamp: str | None) -> str | None:
    try:
        return time.strftime("%Y-%m-%d", time.strptime(stamp.split()[0], "%d-%b-%Y"))
    except (AttributeError, IndexError, ValueError):
        return None


def load_corpus(path: Path, sentences: int) -> Corpus:
    """Whole articles, in file order, until they hold at least ``sentences`` sentences."""
    articles, texts = [], []
    for article in read_articles(path):
        if len(texts) >= sentences:
            break
        articles.append(article)
        texts.extend(s.text for s in split_sentences(article.text))
    return Corpus(articles, texts)


@dataclass(frozen=True)
class BenchClaim:
    """A claim and the indexed sentence it was made from."""

    text: str
    source: str


def make_claims(sentences: list[str], count: int, seed: int = 7) -> list[BenchClaim]:
    """Claims from indexed sentences: a 15-20-word window, 1-3 words dropped or replaced."""
    rng = random.Random(seed)
    long_ones = [s for s in sentences if len(_WORD.findall(s)) >= 15]
    vocabulary = [
        w for s in rng.sample(long_ones, min(2000, len(long_ones))) for w in _WORD.findall(s)
    ]
    claims: list[BenchClaim] = []
    while len(claims) < count and long_ones:
        source = rng.choice(long_ones)
        words = _WORD.findall(source)
        width = min(len(words), rng.randint(15, 20))
        start = rng.randint(0, len(words) - width)
        window = words[start : start + width]
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(window))
            if rng.random() < 0.5:
                del window[at]
            else:
                window[at] = rng.choice(vocabulary)
        claims.append(BenchClaim(" ".join(window), source))
    return claims


# --- engines -----------------------------------------------------------------------------------


@dataclass
class Timings:
    """Per-query wall times in milliseconds."""

    ms: list[float]

    def pct(self, p: float) -> float:
        ordered = sorted(self.ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def timed(run: Callable[[str], list[str]], claims: list[str]) -> tuple[Timings, list[list[str]]]:
    """Time ``run`` on each claim (after a warm-up on a few), keeping each answer."""
    for claim in claims[:5]:
        run(claim)
    ms, answers = [], []
    for claim in claims:
        started = time.perf_counter()
        answers.append(run(claim))
        ms.append((time.perf_counter() - started) * 1000)
    return Timings(ms), answers


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


# --- one size ----------------------------------------------------------------------------------


@dataclass
class Row:
    """One engine at one size: speed beside what it finds."""

    engine: str
    sentences: int
    build_s: float | None  # None: an index kept from an earlier run
    cpu_s: float | None
    size_mb: float | None  # None: not measured (a cluster's indices)
    rss_mb: float | None
    times: Timings
    exact_top10: float | None  # share of the exhaustive BM25 top 10 found
    source_found: float | None  # share of claims whose source sentence is returned
    source_in_pool: float | None = None  # evidence path: in the judged candidates


def dir_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def peak_rss_mb() -> float:
    """Peak resident memory of this process."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the writer processes)."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def share_found(answers: list[list[str]], wanted: list[list[str]]) -> float:
    """Mean share of each wanted list (by text) that the answer holds."""
    pairs = [(set(a), set(w)) for a, w in zip(answers, wanted, strict=True) if w]
    return statistics.fmean(len(a & w) / len(w) for a, w in pairs) if pairs else 1.0


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
    from index.backend import OpenSearchSettings
    from index.opensearch_store import OpenSearchStore

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


DRAFT_SENTENCES = 40
DRAFTS = 5


@dataclass
class DraftFigures:
    """Drafts checked whole: wall times on one worker, CPU beside the same claims asked of
    find_evidence one by one (the sum over each draft's sentences), and the share of sentences
    whose source is among their evidence (the default answer's, asked one by one, beside it)."""

    sentences: int
    times: Timings
    draft_cpu_ms: float
    singles_cpu_ms: float
    source_found: float
    singles_source_found: float


def bench_drafts(store: ArticleStore, sentences: list[str], n: int) -> DraftFigures:
    """Check DRAFTS drafts of DRAFT_SENTENCES claims each, after one warm-up pass of both ways."""
    claims = make_claims(sentences, DRAFTS * DRAFT_SENTENCES, seed=11)
    drafts = [claims[i : i + DRAFT_SENTENCES] for i in range(0, len(claims), DRAFT_SENTENCES)]

    def whole(draft: list[BenchClaim]) -> list[list[str]]:
        result = check_draft(store, DraftQuery(".\n\n".join(c.text for c in draft) + "."))
        return [[e.sentence for e in s.evidence] for s in result.sentences]

    def singly(draft: list[BenchClaim]) -> list[list[str]]:
        asked = (find_evidence(store, EvidenceQuery(c.text + ".")) for c in draft)
        return [[e.sentence for e in result.evidence] for result in asked]

    for draft in drafts:
        whole(draft)
        singly(draft)
    ms, draft_cpu, singles_cpu, found, singles_found = [], 0.0, 0.0, [], []
    for draft in drafts:
        cpu, started = time.process_time(), time.perf_counter()
        found += whole(draft)
        ms.append((time.perf_counter() - started) * 1000)
        draft_cpu += time.process_time() - cpu
        cpu = time.process_time()
        singles_found += singly(draft)
        singles_cpu += time.process_time() - cpu
    sources = [[c.source] for c in claims]
    return DraftFigures(
        n,
        Timings(ms),
        1000 * draft_cpu / len(drafts),
        1000 * singles_cpu / len(drafts),
        share_found(found, sources),
        share_found(singles_found, sources),
    )


def format_drafts(d: DraftFigures) -> str:
    """One line: the draft's p50 and p99, its CPU and the single claims' beside it, and how
    often each way finds a sentence's source."""
    return (
        f"draft of {DRAFT_SENTENCES} sentences at {d.sentences:,} sentences, one worker: "
        f"p50 {d.times.pct(50):.0f} ms, p99 {d.times.pct(99):.0f} ms; CPU {d.draft_cpu_ms:.0f} "
        f"ms against {d.singles_cpu_ms:.0f} ms for its {DRAFT_SENTENCES} claims asked one by "
        f"one of find_evidence: {d.draft_cpu_ms / d.singles_cpu_ms:.2f}x; source among a "
        f"sentence's evidence {d.source_found:.3f} (one by one: {d.singles_source_found:.3f})"
    )


_RSS_PROBE = """
import re
from index import verifier
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
) -> tuple[list[Row], DraftFigures]:
    """Build every engine at ``size`` sentences and run the same claims on each (ours in
    semantic mode too, with ``semantic``), and check drafts of such claims on ours."""
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
    return rows, drafts


def format_rows(rows: list[Row]) -> str:
    """A Markdown table of the rows, with query-time ratios to tantivy at the same size."""
    tantivy = {r.sentences: r.times for r in rows if r.engine.startswith("tantivy")}
    lines = [
        "| sentences | engine | build sent/s | CPU s / 1k sent | index MB | peak RSS MB "
        "| p50 ms | p99 ms | p50 / tantivy | p99 / tantivy | exhaustive top 10 found "
        "| source found | source in judged pool |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def num(value: float | None, form: str) -> str:
        return "-" if value is None else format(value, form)

    for r in rows:
        t = tantivy.get(r.sentences)
        rate = "reused" if r.build_s is None else f"{r.sentences / r.build_s:,.0f}"
        cpu = None if r.cpu_s is None else 1000 * r.cpu_s / r.sentences
        lines.append(
            f"| {r.sentences:,} | {r.engine} | {rate} | {num(cpu, '.3f')} "
            f"| {num(r.size_mb, ',.1f')} | {num(r.rss_mb, ',.0f')} "
            f"| {r.times.pct(50):.2f} | {r.times.pct(99):.2f} "
            f"| {num(t and r.times.pct(50) / t.pct(50), '.1f')}x "
            f"| {num(t and r.times.pct(99) / t.pct(99), '.1f')}x "
            f"| {num(r.exact_top10, '.3f')} | {num(r.source_found, '.3f')} "
            f"| {num(r.source_in_pool, '.3f')} |"
        )
    return "\n".join(lines)


def plot(rows: list[Row], path: Path) -> None:
    """Latency and recall against archive size, one line per engine, side by side (a PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (speed, found) = plt.subplots(1, 2, figsize=(12, 4.5), constrained_layout=True)
    for n, engine in enumerate(dict.fromkeys(r.engine for r in rows)):
        mine = sorted((r for r in rows if r.engine == engine), key=lambda r: r.sentences)
        sizes, colour = [r.sentences for r in mine], f"C{n}"  # one colour per engine, both sides
        speed.plot(sizes, [r.times.pct(50) for r in mine], "o-", color=colour, label=engine)
        speed.plot(sizes, [r.times.pct(99) for r in mine], ".:", color=colour, alpha=0.6)
        if mine[0].source_found is not None:
            found.plot(sizes, [r.source_found for r in mine], "o-", color=colour, label=engine)
    speed.set(
        xscale="log", yscale="log", xlabel="sentences", ylabel="ms per claim (p50; p99 dotted)"
    )
    found.set(xscale="log", xlabel="sentences", ylabel="claims whose source sentence is found")
    found.set_ylim(0, 1.02)
    for ax in (speed, found):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle("python -m lab bench: speed beside recall")
    fig.savefig(path, dpi=110)


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
            size_rows, drafts = bench_size(
                corpus_path, size, queries, workdir if keep else Path(tmp), opensearch, semantic
            )
            print(format_rows(size_rows), format_drafts(drafts), sep="\n\n", flush=True)
            rows.extend(size_rows)
    if plot_to is not None:
        plot(rows, plot_to)
        print(f"plotted to {plot_to}")
    return rows


# --- over HTTP ---------------------------------------------------------------------------------

_WRK_SCRIPT = """
local claims = {}
for line in io.lines(os.getenv("BENCH_CLAIMS")) do claims[#claims + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/v1/evidence?claim=" .. claims[(i - 1) % #claims + 1])
end
"""


@dataclass
class HttpResult:
    """What wrk measured against the service, and the workers' peak memory."""

    sentences: int
    claims_per_s: float
    latency_ms: dict[str, float]
    errors: str | None
    worker_rss_mb: list[tuple[float, float]]  # (own, mapped) per worker


def run_http(
    corpus_path: Path, size: int, seconds: int, connections: int, workdir: Path | None
) -> HttpResult:
    """Build ``size`` sentences, serve them with gunicorn (2 workers) and load it with wrk."""
    if shutil.which("wrk") is None:
        raise SystemExit("the HTTP bench needs wrk (Debian: apt-get install wrk)")
    corpus = load_corpus(corpus_path, size)
    sentences = corpus.sentences
    # More distinct claims than the run can send, so no answer is ever served twice.
    claims = [c.text for c in make_claims(sentences, max(2000, 400 * seconds))]
    with tempfile.TemporaryDirectory(prefix="provenance-http-", dir=workdir) as tmp:
        index_dir = (workdir or Path(tmp)) / f"whoosh-{len(sentences)}"
        build_ours(corpus, index_dir)[0].close()
        claims_file = Path(tmp) / "claims.txt"
        claims_file.write_text("\n".join(urllib.parse.quote(c) for c in claims) + "\n")
        script = Path(tmp) / "claims.lua"
        script.write_text(_WRK_SCRIPT)
        with gunicorn.serving(index_dir) as server:
            output = subprocess.run(
                [
                    "wrk",
                    "-t1",
                    f"-c{connections}",
                    f"-d{seconds}s",
                    "--latency",
                    "-s",
                    str(script),
                    server.url,
                ],
                env={**os.environ, "BENCH_CLAIMS": str(claims_file)},
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            rss = _worker_rss_mb(server.process.pid)
    return _parse_wrk(output, len(sentences), rss)


def _worker_rss_mb(master: int) -> list[tuple[float, float]]:
    """Each gunicorn worker's own memory and its mapped index pages (shared), in MB."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):
            continue
        if fields.get("PPid", "").strip() == str(master):
            own, mapped = (int(fields[k].split()[0]) / 1024 for k in ("RssAnon", "RssFile"))
            found.append((own, mapped))
    return sorted(found)


def _parse_wrk(output: str, sentences: int, rss: list[tuple[float, float]]) -> HttpResult:
    latency = {
        m.group(1): _ms(m.group(2), m.group(3))
        for m in re.finditer(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    }
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*", output)
    return HttpResult(sentences, rate, latency, errors.group(0) if errors else None, rss)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def format_http(result: HttpResult) -> str:
    """One line of figures for the HTTP run."""
    pcts = ", ".join(f"p{k} {v:.1f} ms" for k, v in result.latency_ms.items())
    rss = ", ".join(f"{own:.0f} own + {mapped:.0f} mapped" for own, mapped in result.worker_rss_mb)
    return (
        f"HTTP, {result.sentences:,} sentences, gunicorn 2 workers: "
        f"{result.claims_per_s:.1f} claims/s; {pcts}; worker RSS MB at the end: {rss}; "
        f"errors: {result.errors or 'none'}"
    )
