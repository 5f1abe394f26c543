"""The citations of ``python -m lab bench``: verifying a full request of citations
(``index.citations.verify_citations``, POST /v1/citations/verify) on one worker, and what
citing and ``answered_with`` add to an answer.

The citations verified are VERIFY_BATCH sentences drawn at random across the archive (one in
two as the compact string, the others as the JSON object with the quoted sentence), so nearly
every one reads an article of its own: the most reading one request can ask. What an answer
pays is measured on the bench's own claims: its citations made again, the copies' articles read
again (the lead's is read for its context anyway), and ``answered_with``, beside the p50 of the
whole answer.
"""

from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass

from index.answered import answered_with
from index.citations import MAX_CITATIONS, cite, verify_citations
from index.evidence import EvidenceQuery, find_evidence
from index.stores.base import ArticleStore
from index.text.articles import Article
from lab.bench_measure import Timings

VERIFY_BATCH = MAX_CITATIONS
ROUNDS = 5


@dataclass
class CitationFigures:
    """Verifying VERIFY_BATCH citations (wall times of ROUNDS requests, the articles each
    reads, the statuses found), and citing within answers (per answer) beside the answer."""

    sentences: int
    verify: Timings
    articles: int
    holding: int
    citing: Timings
    answer: Timings


def sample_citations(store: ArticleStore, articles: list[Article], seed: int = 5) -> list:
    """VERIFY_BATCH citations of random sentences of the archive, as clients send them back."""
    rng = random.Random(seed)
    chosen = rng.sample(articles, min(VERIFY_BATCH, len(articles)))
    chosen += rng.choices(articles, k=VERIFY_BATCH - len(chosen))
    cited: list = []
    for n, article in enumerate(chosen):
        stored = store.get(article.id)
        index = rng.randrange(len(stored.sentences))
        citation = cite(stored, index)
        quoted = {**asdict(citation), "sentence": stored.sentences[index].text}
        cited.append(citation.compact if n % 2 else quoted)
    return cited


def bench_citations(
    store: ArticleStore, articles: list[Article], claims: list[str], n: int
) -> CitationFigures:
    """Verify a full request ROUNDS times (after one warm-up), and time citing on the claims."""
    cited = sample_citations(store, articles)
    verify_citations(store, cited)
    ms = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        result = verify_citations(store, cited)
        ms.append((time.perf_counter() - started) * 1000)
    citing, answer = [], []
    for claim in claims:
        started = time.perf_counter()
        found = find_evidence(store, EvidenceQuery(claim))
        answer.append((time.perf_counter() - started) * 1000)
        citing.append(_citing_ms(store, found.evidence))
    return CitationFigures(
        n,
        Timings(ms),
        len({c["article_id"] if isinstance(c, dict) else c.rsplit(":", 2)[0] for c in cited}),
        result.summary.holds,
        Timings(citing),
        Timings(answer),
    )


def _citing_ms(store: ArticleStore, evidence: list) -> float:
    """What citing adds to an answer: its citations made again, reading the copies' articles
    again (the lead's is read for its context anyway), and ``answered_with``."""
    started = time.perf_counter()
    answered_with(store)
    snapshot, leads = store.snapshot(), {}
    for item in evidence:
        lead = leads.setdefault(item.article.id, snapshot.article(item.article.id))
        cite(lead, item.sentence_index)
        for copy in item.also_in:
            cite(snapshot.article(copy.article_id), copy.sentence_index)
    return (time.perf_counter() - started) * 1000


def format_citations(c: CitationFigures) -> str:
    """Two lines: verifying a full request, and what citing adds to an answer."""
    return (
        f"verify {VERIFY_BATCH:,} citations at {c.sentences:,} sentences, one worker: "
        f"p50 {c.verify.pct(50):.0f} ms, max {max(c.verify.ms):.0f} ms ({c.articles:,} "
        f"articles read, {c.holding:,} hold)\n"
        f"citing and answered_with in an answer: p50 {c.citing.pct(50):.3f} ms, p99 "
        f"{c.citing.pct(99):.3f} ms, against the answer's p50 {c.answer.pct(50):.1f} ms: "
        f"{100 * c.citing.pct(50) / c.answer.pct(50):.1f}% of it"
    )
