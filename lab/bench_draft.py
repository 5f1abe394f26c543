"""The draft check of ``python -m lab bench``: ``index.draft.check_draft`` (POST /v1/check).

Drafts of DRAFT_SENTENCES claims, each a paragraph: their p50 on one worker, their CPU against
that of the same claims asked one by one of ``find_evidence``, and how often each way finds a
sentence's source among its evidence.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from index.draft import DraftQuery, check_draft
from index.evidence import EvidenceQuery, find_evidence
from index.stores.base import ArticleStore
from lab.bench_measure import BenchClaim, Timings, make_claims, share_found

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
