"""Claim -> evidence: candidates from the index, judged, copies folded, context attached.

This is the one code path behind the HTTP API, the CLI's ``search`` and the evaluation.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace

from whoosh.searching import Searcher

from . import schema as S
from .provenance import Attribution, attribute, same_statement
from .search import Candidate, Claim, analyse_claim, claim_idf, find_candidates
from .store import ArticleFilter, Store, StoredArticle
from .support import (
    SUPPORTS,
    Cover,
    Judgement,
    SentenceView,
    covers,
    explain,
    highlights,
    judge,
    matched_words,
    model,
    refers_back,
    within_reach,
)

CANDIDATE_POOL = 100
STANCES = ("supports", "all")


@dataclass(frozen=True)
class EvidenceQuery:
    """What the caller asks: the claim and the filters of SPEC §3."""

    claim: str
    limit: int = 20
    min_score: float = 0.0
    sources: tuple[str, ...] = ()
    published_from: str | None = None
    published_to: str | None = None
    context: int = 1
    stance: str = "supports"


@dataclass(frozen=True)
class ArticleRef:
    """The article a sentence comes from."""

    id: str
    title: str | None
    source: str | None
    byline: str | None
    published: str | None
    url: str | None


@dataclass(frozen=True)
class Copy:
    """The same statement as carried by another article."""

    sentence: str
    article_id: str
    source: str | None
    published: str | None
    url: str | None
    sentence_index: int


@dataclass(frozen=True)
class Context:
    """Sentences just before and after the evidence in its article."""

    before: list[str]
    after: list[str]


@dataclass(frozen=True)
class Evidence:
    """One supporting (or, with ``stance=all``, refuting or related) sentence and its copies."""

    sentence: str
    score: float
    stance: str
    matched_terms: list[str]
    highlights: list[list[int]]
    article: ArticleRef
    sentence_index: int
    offsets: list[int]
    context: Context
    attribution: Attribution | None
    also_in: list[Copy]
    corroboration: int
    covers: list[Cover]
    explanation: str


@dataclass(frozen=True)
class EvidenceResult:
    """The answer to a claim."""

    claim: str
    took_ms: float
    evidence: list[Evidence]
    unsupported_terms: list[str]


@dataclass
class Judged:
    """A candidate sentence with its analysed view and its judgement for the claim."""

    candidate: Candidate
    view: SentenceView
    judgement: Judgement
    meta: dict  # the sentence's article fields, decoded once from its stored META

    @property
    def published_key(self) -> str:
        return self.meta.get("published") or "9999"


def find_evidence(store: Store, query: EvidenceQuery) -> EvidenceResult:
    """Every sentence in the archive that supports the claim, best first (SPEC §3-§4)."""
    started = time.perf_counter()
    claim = analyse_claim(query.claim)
    searcher = store.searcher()  # one snapshot for candidates and their articles
    judged = judge_candidates(store, searcher, claim, query)
    groups = [
        g
        for g in fold_copies(judged)
        if (query.stance == "all" or g[0].judgement.stance == SUPPORTS)
        and g[0].judgement.score >= query.min_score
    ][: query.limit]
    articles: dict[str, StoredArticle] = {}
    evidence = [_evidence(claim, g, query.context, store, searcher, articles) for g in groups]
    return EvidenceResult(
        claim=query.claim,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        evidence=evidence,
        unsupported_terms=unsupported_words(claim, [j for g in groups for j in g]),
    )


def judge_candidates(
    store: Store, searcher: Searcher, claim: Claim, query: EvidenceQuery
) -> list[Judged]:
    """The index's candidate sentences for the claim within the query's filters, judged."""
    where = ArticleFilter(query.sources, query.published_from, query.published_to)
    candidates = find_candidates(searcher, claim, where, max(CANDIDATE_POOL, 3 * query.limit))
    idf = claim_idf(searcher, claim)
    best = max((c.bm25 for c in candidates), default=0.0) or 1.0
    articles: dict[str, StoredArticle] = {}

    def before(candidate: Candidate) -> str | None:
        """The sentence before a candidate that refers back to it (its article read once)."""
        index = candidate.fields[S.SENTENCE_INDEX]
        if index == 0 or not refers_back(candidate.text):
            return None
        article_id = candidate.fields[S.ARTICLE_ID]
        if article_id not in articles:
            articles[article_id] = store.get(article_id, searcher)
        return articles[article_id].sentences[index - 1].text

    judged = [_judge(claim, c, idf, c.bm25 / best, before(c)) for c in candidates]
    stances = within_reach(
        [j.judgement.score for j in judged], [j.judgement.stance for j in judged], model().relative
    )
    for j, st in zip(judged, stances, strict=True):
        j.judgement = replace(j.judgement, stance=st)
    return judged


def _judge(
    claim: Claim,
    candidate: Candidate,
    idf: dict[str, float],
    retrieval: float,
    before: str | None,
) -> Judged:
    said = candidate.fields.get(S.ATTRIBUTION)
    meta = json.loads(candidate.fields[S.META])
    speaker = said[0] if said else None
    view = SentenceView.of(candidate.text, meta.get("title"), speaker, retrieval, before)
    return Judged(candidate, view, judge(claim, view, idf), meta)


def fold_copies(judged: list[Judged]) -> list[list[Judged]]:
    """Group near-identical sentences of different articles; best group first.

    Each group's first member is its best-scored sentence, which decides its stance.
    """
    groups: list[list[Judged]] = []
    articles: list[set[str]] = []  # each group's article ids, kept as the group grows
    for j in sorted(judged, key=lambda j: -j.judgement.score):
        terms, article = j.view.terms, j.meta["id"]
        for g, ids in zip(groups, articles, strict=True):
            if article not in ids and same_statement(g[0].view.terms, terms):
                g.append(j)
                ids.add(article)
                break
        else:
            groups.append([j])
            articles.append({article})
    return groups


def _evidence(
    claim: Claim,
    group: list[Judged],
    context: int,
    store: Store,
    searcher: Searcher,
    articles: dict[str, StoredArticle],
) -> Evidence:
    best = group[0]
    # The earliest copy is the likely origin: it leads, the others follow by date.
    copies = sorted(group, key=lambda j: (j.published_key, -j.judgement.score))
    lead = copies[0]
    stored = articles.get(lead.meta["id"]) or store.get(lead.meta["id"], searcher)
    articles[lead.meta["id"]] = stored
    index = lead.candidate.fields[S.SENTENCE_INDEX]
    texts = [s.text for s in stored.sentences]
    start, end = lead.candidate.fields[S.SPAN]
    marked = highlights(claim, lead.view, lead.judgement.matches)
    return Evidence(
        sentence=lead.view.text,
        score=best.judgement.score,
        stance=best.judgement.stance,
        matched_terms=matched_words(claim, lead.view),
        highlights=marked,
        article=ArticleRef(**{k: lead.meta.get(k) for k in ArticleRef.__dataclass_fields__}),
        sentence_index=index,
        offsets=[start, end],
        context=Context(
            texts[max(0, index - context) : index], texts[index + 1 : index + 1 + context]
        ),
        # Re-attributed with the claim's words in view: "A said ..., but B cautioned ..." is
        # B's statement when the claim matches B's clause.
        attribution=attribute(
            lead.view.text, texts[:index], texts[index + 1 : index + 3], [s for s, _ in marked]
        ),
        also_in=[_copy(j) for j in copies[1:]],
        corroboration=len({j.meta.get("source") or j.meta["id"] for j in group}),
        covers=covers(claim, lead.judgement.matches),
        explanation=explain(claim, best.judgement),
    )


def _copy(j: Judged) -> Copy:
    return Copy(
        sentence=j.view.text,
        article_id=j.meta["id"],
        source=j.meta.get("source"),
        published=j.meta.get("published"),
        url=j.meta.get("url"),
        sentence_index=j.candidate.fields[S.SENTENCE_INDEX],
    )


def unsupported_words(claim: Claim, judged: list[Judged]) -> list[str]:
    """The claim's content words that no returned sentence covers, in claim order (a sentence
    covers what it, its speaker, a synonym or the sentence it refers back to states)."""
    covered = {t for j in judged for t in (*j.view.terms, *j.judgement.matches)}
    missing: dict[str, None] = {}
    for w in claim.words:
        if not all(t in covered for t in w.terms):
            missing.setdefault(w.surface, None)
    return list(missing)
