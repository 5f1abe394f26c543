"""Claim -> evidence: candidates from the index, judged, copies folded, context attached.

This is the one code path behind the HTTP API, the CLI's ``search`` and the evaluation.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from index.answered import AnsweredWith, answered_with
from index.citations import cite
from index.judging import verifier as verifiers
from index.judging.claims import Claim, analyse_claim
from index.judging.explain import covers, explain, highlights, matched_words
from index.judging.model import (
    RELATED,
    SUPPORTS,
    claim_parts,
    could_take_a_side,
    judge,
    model,
    supports_part,
    within_reach,
)
from index.judging.views import Judgement, SentenceView, refers_back
from index.models.runtime import give_way
from index.models.semantic import Encoder, claim_similarities
from index.records import ArticleFilter, SentenceHit, Stance, StoredArticle
from index.results import ClaimPart, Context, Copy, Evidence, EvidenceResult
from index.stores.base import ArticleStore, Snapshot
from index.text.provenance import attribute, similar_sizes

CANDIDATE_POOL = 100


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
    stance: Stance = Stance.SUPPORTS
    #: Where the page starts in the whole answer (:mod:`index.pages`); None: the first page.
    cursor: str | None = None

    @property
    def where(self) -> ArticleFilter:
        """The articles the query searches."""
        return ArticleFilter(self.sources, self.published_from, self.published_to)


@dataclass(frozen=True)
class Window:
    """Which of a claim's candidates to judge: the pool numbered ``tier`` in retrieval order
    (0: the best ``pool``), and ``best``, the best supporting score the pools before it hold."""

    tier: int = 0
    best: float = 0.0


@dataclass
class Judged:
    """A candidate sentence with its analysed view and its judgement for the claim."""

    hit: SentenceHit
    view: SentenceView
    judgement: Judgement

    @property
    def published_key(self) -> str:
        return self.hit.article.published or "9999"


def find_evidence(
    store: ArticleStore, query: EvidenceQuery, made_with: AnsweredWith | None = None
) -> EvidenceResult:
    """Every sentence in the archive that supports the claim, best first (SPEC §3-§4);
    ``made_with``: what the answer is made with, when the caller has read it already."""
    started = time.perf_counter()
    made_with = made_with or answered_with(store)
    claim = analyse_claim(query.claim)
    snapshot = store.snapshot()  # one view for candidates and their articles
    judged = judge_candidates(snapshot, claim, query, store.encoder)
    groups = asked_groups(fold_copies(judged), query)[: query.limit]
    return answer(claim, query, groups, snapshot, started, made_with=made_with)


def asked_groups(groups: list[list[Judged]], query: EvidenceQuery) -> list[list[Judged]]:
    """The groups the query asks for: of its stance (or all), scored at least its min_score."""
    return [
        g
        for g in groups
        if (query.stance == Stance.ALL or g[0].judgement.stance == SUPPORTS)
        and g[0].judgement.score >= query.min_score
    ]


def answer(
    claim: Claim,
    query: EvidenceQuery,
    groups: list[list[Judged]],
    snapshot: Snapshot,
    started: float,
    next_cursor: str | None = None,
    made_with: AnsweredWith | None = None,
) -> EvidenceResult:
    """The answer of these groups: their items, the claim words and parts none supports."""
    articles: dict[str, StoredArticle] = {}
    evidence = [evidence_item(claim, g, query.context, snapshot, articles) for g in groups]
    supporting = [g[0] for g in groups if g[0].judgement.stance == SUPPORTS]
    return EvidenceResult(
        claim=query.claim,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        evidence=evidence,
        unsupported_terms=unsupported_words(claim, [j for g in groups for j in g]),
        parts=claim_parts_supported(claim, supporting, snapshot),
        answered_with=made_with,
        next=next_cursor,
    )


def claim_parts_supported(
    claim: Claim, supporting: list[Judged], snapshot: Snapshot
) -> list[ClaimPart]:
    """For a claim judged clause by clause, each clause and whether one of the answer's
    supporting sentences supports it alone: a long claim is supported when every part is."""
    parts = claim_parts(claim)
    if len(parts) == 1:
        return []
    idf = snapshot.idf(claim.terms)
    return [
        ClaimPart(p.text, any(supports_part(p, j.view, idf) for j in supporting)) for p in parts
    ]


def judge_candidates(
    snapshot: Snapshot,
    claim: Claim,
    query: EvidenceQuery,
    encoder: Encoder | None = None,
    pool: int = CANDIDATE_POOL,
    window: Window = Window(),
) -> list[Judged]:
    """The index's ``pool`` best candidate sentences for the claim (three per answer item at
    least; the ``window``'s pool of that size) within the query's filters, judged (with their
    cosine to the claim when ``encoder`` is given: semantic mode; read by the verifier unless
    it is off)."""
    return judge_all(snapshot, [(claim, query)], encoder, pool, window=window)[0]


def pool_size(query: EvidenceQuery, pool: int = CANDIDATE_POOL) -> int:
    """How many candidates one judging of the query reads: ``pool``, or three per item."""
    return max(pool, 3 * query.limit)


def judge_all(
    snapshot: Snapshot,
    asked: list[tuple[Claim, EvidenceQuery]],
    encoder: Encoder | None = None,
    pool: int = CANDIDATE_POOL,
    articles: dict[str, StoredArticle] | None = None,
    window: Window = Window(),
) -> list[list[Judged]]:
    """:func:`judge_candidates` for several claims on one snapshot (a draft's sentences), the
    verifier reading all their best candidates in one batch; ``articles`` holds the stored
    articles read on this snapshot, by id, so each is read once for all the claims."""
    articles = {} if articles is None else articles
    lexical = []
    for claim, query in asked:
        lexical.append(_judged_by_rules(snapshot, claim, query, encoder, pool, articles, window))
        give_way()  # and each claim of a draft: the worker answers others between them
    verifier = verifiers.current()
    if verifier is not None:
        read_top(
            verifier, [(claim, *judged) for (claim, _), judged in zip(asked, lexical, strict=True)]
        )
    relative = model(encoder is not None, verifier is not None).relative
    for judged, _ in lexical:
        scores, stances = [j.judgement.score for j in judged], [j.judgement.stance for j in judged]
        stances = within_reach(scores, stances, relative, window.best)
        for j, st in zip(judged, stances, strict=True):
            j.judgement = replace(j.judgement, stance=st)
    return [judged for judged, _ in lexical]


def _judged_by_rules(
    snapshot: Snapshot,
    claim: Claim,
    query: EvidenceQuery,
    encoder: Encoder | None,
    pool: int,
    articles: dict[str, StoredArticle],
    window: Window,
) -> tuple[list[Judged], dict[str, float]]:
    """The claim's candidates in the window judged by the lexical features, and the claim
    terms' idf (``articles``: the stored articles read so far on this snapshot, by id)."""
    size = pool_size(query, pool)
    every = snapshot.candidates(claim.terms, query.where, (window.tier + 1) * size)
    hits = every[window.tier * size :]
    give_way()  # retrieving and judging are two steps for a gevent worker's event loop
    similarities = claim_similarities(encoder, claim.text, hits) if encoder else [None] * len(hits)
    idf = snapshot.idf(claim.terms)
    best = every[0].score if every else 1.0  # retrieval is relative to the claim's best

    def before(hit: SentenceHit) -> str | None:
        """The sentence before a hit that refers back to it (its article read once)."""
        if hit.index == 0 or not refers_back(hit.text):
            return None
        return stored_article(hit.article.id, snapshot, articles).sentences[hit.index - 1].text

    judged = [
        _judge(claim, h, idf, h.score / best, before(h), sim)
        for h, sim in zip(hits, similarities, strict=True)
    ]
    return judged, idf


#: Candidates the verifier reads per claim, the best by the lexical judgement: measured on the
#: even claims (docs/verifier.md), the supports beyond them are rare and the cost is linear.
VERIFIED_CANDIDATES = 24


def read_top(
    verifier: verifiers.Verifier,
    claims: list[tuple[Claim, list[Judged], dict[str, float]]],
    k: int | None = None,
) -> None:
    """Have the verifier read each claim's ``k`` (default :data:`VERIFIED_CANDIDATES`)
    best-judged candidates that could take a side (:func:`could_take_a_side`) against the
    claim (each part of a long claim), all claims in one batch, and judge them again with what
    it read. The others were not read: they cannot support, and rank below every sentence
    that was."""
    k = VERIFIED_CANDIDATES if k is None else k
    chosen, pairs = [], []
    for claim, judged, _ in claims:
        ranked = sorted(range(len(judged)), key=lambda i: -judged[i].judgement.score)
        top = [i for i in ranked if could_take_a_side(judged[i].judgement.features)][:k]
        parts = [p.text for p in claim_parts(claim)]
        chosen.append((top, parts))
        pairs += [(premise(judged[i].view), part) for i in top for part in parts]
    probs = iter(verifier.probabilities(pairs))
    for (claim, judged, idf), (top, parts) in zip(claims, chosen, strict=True):
        for i in top:
            j = judged[i]
            readings = tuple(
                (
                    part,
                    round(float(p[verifiers.ENTAILMENT]), 4),
                    round(float(p[verifiers.CONTRADICTION]), 4),
                )
                for part, p in zip(parts, [next(probs) for _ in parts], strict=True)
            )
            j.view = replace(j.view, readings=readings)
            j.judgement = judge(claim, j.view, idf)
        read = set(top)
        for i, j in enumerate(judged):
            if i not in read:
                j.judgement = replace(
                    j.judgement, score=0.0, stance=RELATED, unread=True, conflict=None
                )


def premise(view: SentenceView) -> str:
    """What the verifier reads for a sentence: the sentence, after the one it refers back to."""
    return f"{view.neighbour_text} {view.text}" if view.neighbour_text else view.text


def _judge(
    claim: Claim,
    hit: SentenceHit,
    idf: dict[str, float],
    retrieval: float,
    before: str | None,
    similarity: float | None,
) -> Judged:
    view = SentenceView.of(hit.text, hit.article.title, hit.speaker, retrieval, before, similarity)
    return Judged(hit, view, judge(claim, view, idf))


def fold_copies(judged: list[Judged]) -> list[list[Judged]]:
    """Group near-identical sentences of different articles; best group first.

    Each group's first member is its best-scored sentence, which decides its stance; a sentence
    joins the first group whose head it repeats with the same stance (a near-copy giving another
    year or denying the claim is not the same statement). Heads are rows of a term-incidence
    matrix, so a
    sentence meets every head in one gather: one Python comparison per pair was the slowest
    step of an answer.
    """
    ranked = sorted(judged, key=lambda j: -j.judgement.score)
    columns: dict[str, int] = {}
    term_columns = [[columns.setdefault(t, len(columns)) for t in j.view.terms] for j in ranked]
    heads = np.zeros((len(ranked), len(columns)), dtype=np.int32)  # a row per group's head
    head_sizes = np.zeros(len(ranked), dtype=np.int32)
    groups: list[list[Judged]] = []
    articles: list[set[str]] = []  # each group's article ids, kept as the group grows
    for j, cols in zip(ranked, term_columns, strict=True):
        article, count = j.hit.article.id, len(groups)
        shared = heads[:count, cols].sum(axis=1)
        for g in np.flatnonzero(similar_sizes(shared, head_sizes[:count], len(cols))):
            if article not in articles[g] and groups[g][0].judgement.stance == j.judgement.stance:
                groups[g].append(j)
                articles[g].add(article)
                break
        else:
            heads[count, cols] = 1
            head_sizes[count] = len(cols)
            groups.append([j])
            articles.append({article})
    return groups


def evidence_item(
    claim: Claim,
    group: list[Judged],
    context: int,
    snapshot: Snapshot,
    articles: dict[str, StoredArticle],
) -> Evidence:
    """The evidence item of a group of copies: its earliest copy leads, its best one scores
    (``articles`` caches the stored articles read, across the items of one answer)."""
    best = group[0]
    # The earliest copy is the likely origin: it leads, the others follow by date.
    copies = sorted(group, key=lambda j: (j.published_key, -j.judgement.score))
    lead = copies[0]
    hit = lead.hit
    stored = stored_article(hit.article.id, snapshot, articles)
    index = hit.index
    texts = [s.text for s in stored.sentences]
    start, end = hit.span
    marked = highlights(claim, lead.view, lead.judgement.matches)
    return Evidence(
        sentence=lead.view.text,
        score=best.judgement.score,
        stance=best.judgement.stance,
        matched_terms=matched_words(claim, lead.view),
        highlights=marked,
        article=hit.article,
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
        also_in=[
            _copy(j, stored_article(j.hit.article.id, snapshot, articles)) for j in copies[1:]
        ],
        corroboration=len({j.hit.article.source or j.hit.article.id for j in group}),
        covers=covers(claim, lead.judgement.matches),
        explanation=explain(claim, best.judgement),
        citation=cite(stored, index),
        conflict=lead.judgement.conflict,
    )


def stored_article(
    article_id: str, snapshot: Snapshot, articles: dict[str, StoredArticle]
) -> StoredArticle:
    """The article as stored on ``snapshot``, read once per answer (``articles`` holds those
    read so far, by id)."""
    if article_id not in articles:
        articles[article_id] = snapshot.article(article_id)
    return articles[article_id]


def _copy(j: Judged, stored: StoredArticle) -> Copy:
    article = j.hit.article
    return Copy(
        sentence=j.view.text,
        article_id=article.id,
        source=article.source,
        published=article.published,
        url=article.url,
        sentence_index=j.hit.index,
        citation=cite(stored, j.hit.index),
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
