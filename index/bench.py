"""``provenance bench``: ingest and query speed at scale, against SQLite FTS5 and tantivy.

The corpus is real Reuters articles (SPEC §7), replicated under new ids for sizes beyond it.
Each size is built through our real ingest path (``Store.add_many``: segmentation,
attribution, Whoosh), and the same sentences into SQLite FTS5 (``bm25()``) and tantivy as
references measured in the same run on the same machine. Claims are made from held-out
sentences by dropping and replacing words, so they resemble but never equal indexed text.

The HTTP mode serves the built index with gunicorn (2 workers) on loopback and drives it with
``wrk``, each request a different claim.
"""

from __future__ import annotations

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
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from .articles import Article, build_article
from .evidence import EvidenceQuery, find_evidence
from .search import analyse_claim, find_candidates
from .sentences import split_sentences
from .store import ArticleFilter, Store

TOP_K = 50
HELD_OUT = 300  # the corpus's last articles (at most a tenth): claims come from these only
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|\d[\d.,]*\d|\d")


@dataclass
class Corpus:
    """Articles with their sentences (segmented once, for the references and for sizing)."""

    articles: list[tuple[Article, list[str]]]
    held_out: list[str]

    def take(self, sentences: int) -> tuple[list[Article], list[str]]:
        """Articles (replicated under new ids past the corpus) holding ``sentences`` sentences."""
        articles: list[Article] = []
        texts: list[str] = []
        copy = 0
        while len(texts) < sentences:
            for article, sents in self.articles:
                if len(texts) >= sentences:
                    break
                articles.append(replace(article, id=f"{article.id}-r{copy}") if copy else article)
                texts.extend(sents)
            copy += 1
        return articles, texts


def reuters_articles(path: Path) -> Iterator[Article]:
    """Reuters-21578 records as articles: paragraphs re-flowed, the trailing "Reuter" dropped."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            body = re.sub(r"\s*\bReuter\s*$", "", record.get("body") or "")
            paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s+", body))
            text = "\n\n".join(p for p in paragraphs if p)
            if text:
                yield build_article(
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
    """Enough distinct articles for ``sentences`` (all of them if fewer), plus held-out ones."""
    articles = list(reuters_articles(path))
    held_out = max(1, min(HELD_OUT, len(articles) // 10))
    held, kept = articles[-held_out:], articles[:-held_out]
    segmented, count = [], 0
    for article in kept:
        if count >= sentences:
            break
        sents = [s.text for s in split_sentences(article.text)]
        segmented.append((article, sents))
        count += len(sents)
    held_sentences = [s.text for a in held for s in split_sentences(a.text)]
    return Corpus(segmented, held_sentences)


def make_claims(sentences: list[str], count: int, seed: int = 7) -> list[str]:
    """Claim-like queries: a held-out sentence with some words dropped and some replaced."""
    rng = random.Random(seed)
    pool = [w for s in sentences for w in _WORD.findall(s)]
    long_ones = [s for s in sentences if len(_WORD.findall(s)) >= 12]
    claims: list[str] = []
    while len(claims) < count:
        words = _WORD.findall(rng.choice(long_ones))
        kept = [w for w in words if rng.random() > 0.25][:16]
        claim = " ".join(rng.choice(pool) if rng.random() < 0.15 else w for w in kept)
        claims.append(claim)
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
    """Time ``run`` on each claim (after a warm-up on a few), keeping each top-k answer."""
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
    """One engine at one size."""

    engine: str
    sentences: int
    build_s: float
    size_mb: float
    rss_mb: float | None
    times: Timings
    agreement: float | None


def dir_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def peak_rss_mb() -> float:
    """Peak resident memory of this process and of its finished children, whichever is more."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def agreement(answers: list[list[str]], reference: list[list[str]]) -> float:
    """Mean share of the reference's top-k sentences (as texts) that are also in ours."""
    pairs = zip(answers, reference, strict=True)
    shares = [len(set(a) & set(r)) / len(set(r)) for a, r in pairs if r]
    return statistics.fmean(shares) if shares else 1.0


def bench_size(corpus: Corpus, size: int, claims: list[str], workdir: Path) -> list[Row]:
    """Build every engine at ``size`` sentences and time the same claims on each."""
    articles, sentences = corpus.take(size)
    ours = workdir / f"whoosh-{size}"
    started = time.perf_counter()
    store = Store(ours, procs=2)
    store.add_many(articles)
    build = time.perf_counter() - started
    searcher = store.searcher()
    everything = ArticleFilter()

    def candidates(claim: str) -> list[str]:
        return [c.text for c in find_candidates(searcher, analyse_claim(claim), everything, TOP_K)]

    def evidence(claim: str) -> list[str]:
        return [e.sentence for e in find_evidence(store, EvidenceQuery(claim)).evidence]

    cand_times, cand_answers = timed(candidates, claims)
    ev_times, _ = timed(evidence, claims)
    rss = peak_rss_mb()
    store.close()
    rows = [
        Row("ours find_candidates", len(sentences), build, dir_mb(ours), rss, cand_times, None),
        Row("ours find_evidence", len(sentences), build, dir_mb(ours), rss, ev_times, None),
    ]
    references = {}
    for name, engine in (("sqlite fts5", Fts5), ("tantivy", Tantivy)):
        started = time.perf_counter()
        built = engine(workdir, sentences)
        seconds = time.perf_counter() - started
        times, answers = timed(built.search, claims)
        references[name] = answers
        rows.append(Row(name, len(sentences), seconds, dir_mb(built.path), None, times, None))
    rows[0].agreement = agreement(cand_answers, references["sqlite fts5"])
    rows[-1].agreement = agreement(references["tantivy"], references["sqlite fts5"])
    return rows


def format_rows(rows: list[Row]) -> str:
    """A Markdown table of the rows, with query-time ratios to tantivy at the same size."""
    tantivy = {r.sentences: r.times for r in rows if r.engine == "tantivy"}
    lines = [
        "| sentences | engine | build sent/s | index MB | peak RSS MB | p50 ms | p95 ms | p99 ms "
        "| p50 / tantivy | p99 / tantivy | top-50 agreement with FTS5 |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        t = tantivy.get(r.sentences)
        ratio50 = f"{r.times.pct(50) / t.pct(50):.1f}x" if t else "-"
        ratio99 = f"{r.times.pct(99) / t.pct(99):.1f}x" if t else "-"
        lines.append(
            f"| {r.sentences:,} | {r.engine} | {r.sentences / r.build_s:,.0f} | {r.size_mb:,.2f} "
            f"| {f'{r.rss_mb:,.0f}' if r.rss_mb else '-'} | {r.times.pct(50):.2f} "
            f"| {r.times.pct(95):.2f} | {r.times.pct(99):.2f} | {ratio50} | {ratio99} "
            f"| {f'{r.agreement:.2f}' if r.agreement is not None else '-'} |"
        )
    return "\n".join(lines)


def run(corpus_path: Path, sizes: list[int], queries: int, workdir: Path | None) -> list[Row]:
    """Bench every size in turn, printing each size's table as soon as it is measured."""
    corpus = load_corpus(corpus_path, max(sizes))
    claims = make_claims(corpus.held_out, queries)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="provenance-bench-", dir=workdir) as tmp:
        for size in sizes:
            sized = Path(tmp) / str(size)
            sized.mkdir()
            size_rows = bench_size(corpus, size, claims, sized)
            print(format_rows(size_rows), flush=True)
            rows.extend(size_rows)
            shutil.rmtree(sized)
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
    worker_rss_mb: list[float]


def run_http(
    corpus_path: Path, size: int, seconds: int, connections: int, workdir: Path | None
) -> HttpResult:
    """Build ``size`` sentences, serve them with gunicorn (2 workers) and load it with wrk."""
    if shutil.which("wrk") is None:
        raise SystemExit("the HTTP bench needs wrk (Debian: apt-get install wrk)")
    corpus = load_corpus(corpus_path, size)
    articles, sentences = corpus.take(size)
    # More distinct claims than the run can send, so no answer is ever served twice.
    claims = make_claims(corpus.held_out, max(2000, 400 * seconds))
    with tempfile.TemporaryDirectory(prefix="provenance-http-", dir=workdir) as tmp:
        store = Store(Path(tmp) / "index", procs=2)
        store.add_many(articles)
        store.close()
        claims_file = Path(tmp) / "claims.txt"
        claims_file.write_text("\n".join(urllib.parse.quote(c) for c in claims) + "\n")
        script = Path(tmp) / "claims.lua"
        script.write_text(_WRK_SCRIPT)
        with _gunicorn(Path(tmp) / "index") as (url, process):
            output = subprocess.run(
                [
                    "wrk",
                    "-t1",
                    f"-c{connections}",
                    f"-d{seconds}s",
                    "--latency",
                    "-s",
                    str(script),
                    url,
                ],
                env={**os.environ, "BENCH_CLAIMS": str(claims_file)},
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            rss = _worker_rss_mb(process.pid)
    return _parse_wrk(output, len(sentences), rss)


class _gunicorn:
    """gunicorn with the repository's config on a free loopback port, stopped on exit."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir

    def __enter__(self) -> tuple[str, subprocess.Popen]:
        import socket

        import requests

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        root = Path(__file__).resolve().parent.parent
        env = {
            **os.environ,
            "PROVENANCE_INDEX_DIR": str(self.index_dir),
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": "2",
            "GUNICORN_ACCESS_LOG": "",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(root / "gunicorn.conf.py")],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(url + "/readyz", timeout=5).status_code == 200:
                    return url, self.process
            except requests.ConnectionError:
                time.sleep(0.1)  # waiting for the port to open, bounded by the deadline
        self.__exit__()
        raise SystemExit("gunicorn did not become ready within 60 s")

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _worker_rss_mb(master: int) -> list[float]:
    """Peak resident memory (VmHWM) of each gunicorn worker of ``master``."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):
            continue
        if fields.get("PPid", "").strip() == str(master):
            found.append(int(fields["VmHWM"].split()[0]) / 1024)
    return sorted(found)


def _parse_wrk(output: str, sentences: int, rss: list[float]) -> HttpResult:
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
    rss = ", ".join(f"{r:.0f}" for r in result.worker_rss_mb)
    return (
        f"HTTP, {result.sentences:,} sentences, gunicorn 2 workers: "
        f"{result.claims_per_s:.1f} claims/s; {pcts}; worker peak RSS MB: {rss}; "
        f"errors: {result.errors or 'none'}"
    )
