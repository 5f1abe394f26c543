"""Claim -> candidate sentences: the claim is analysed as text, never parsed as query syntax."""

from __future__ import annotations

import heapq
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache

from whoosh.query import And, Or, Term
from whoosh.searching import Searcher

from . import schema as S
from .store import ArticleFilter

_WORD = re.compile(r"[\w][\w.'\u2019-]*[\w]|\w")
TITLE_BOOST = 0.3
#: Retrieval reads the postings of the claim's rarest terms, at least MIN_DECIDING of them, up to
#: about POSTINGS_BUDGET postings; POOL_FACTOR times the asked number are rescored in full.
POSTINGS_BUDGET = 3000
MIN_DECIDING = 2
POOL_FACTOR = 2
SPEAKER_BOOST = 0.5


@dataclass(frozen=True)
class Token:
    """One analysed term of a text and where its word sits: ``[start, end)`` and position."""

    term: str
    start: int
    end: int
    pos: int


@lru_cache(maxsize=50_000)
def analyse(text: str) -> tuple[Token, ...]:
    """Analyse text with the index's analyzer, keeping character offsets and positions.

    Cached: the same candidate sentences come back for many claims.
    """
    return tuple(
        Token(t.text, t.startchar, t.endchar, t.pos)
        for t in S.ANALYZER(text, positions=True, chars=True, removestops=True)
    )


@dataclass(frozen=True)
class ClaimWord:
    """A word of the claim as written and the index terms it analyses to."""

    surface: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Claim:
    """A claim analysed for search: its content words and distinct terms in order."""

    text: str
    words: tuple[ClaimWord, ...]

    @cached_property
    def terms(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for w in self.words:
            for t in w.terms:
                seen.setdefault(t, None)
        return tuple(seen)

    @cached_property
    def tokens(self) -> tuple[Token, ...]:
        return analyse(self.text)


def analyse_claim(text: str) -> Claim:
    """Split the claim into words (hyphenated words stay whole) and analyse each."""
    words = []
    for m in _WORD.finditer(text):
        terms = tuple(t.term for t in analyse(m.group()))
        if terms:
            words.append(ClaimWord(m.group(), terms))
    return Claim(text, tuple(words))


@dataclass(frozen=True)
class Candidate:
    """A sentence the index returned for a claim, with its stored fields and BM25 score."""

    docnum: int
    fields: dict
    bm25: float

    @property
    def text(self) -> str:
        return self.fields[S.TEXT_FIELD]


def claim_idf(searcher: Searcher, claim: Claim) -> dict[str, float]:
    """Inverse document frequency of each claim term among sentences (1 for unseen terms)."""
    count = max(searcher.doc_count(), 1)
    return {
        t: math.log(count / (searcher.doc_frequency(S.TEXT_FIELD, t) + 1)) + 1 for t in claim.terms
    }


def claim_query(claim: Claim):
    """An OR over the claim's terms in the sentence, and weakly in its title and speaker."""
    clauses = []
    for term in claim.terms:
        clauses.append(Term(S.TEXT_FIELD, term))
        clauses.append(Term(S.TITLE, term, boost=TITLE_BOOST))
        clauses.append(Term(S.SPEAKER, term, boost=SPEAKER_BOOST))
    return Or(clauses)


def find_candidates(
    searcher: Searcher, claim: Claim, where: ArticleFilter, limit: int
) -> list[Candidate]:
    """The ``limit`` best sentences by BM25 for the claim's terms, within ``where``.

    A union of every claim term reads every posting of every term, which grows with the archive
    (seconds at a million sentences). So only the rarest terms, the ones that decide, retrieve:
    their postings are scored clause by clause into a pool of the best sentences; the commoner
    terms then add their scores to the pool alone, skipping through their postings.
    """
    if not claim.terms:
        return []
    deciding, common = _split_by_frequency(searcher, claim)
    restriction = where.query()
    # A set, not docs_for_query's generator: membership tests would consume a generator.
    allowed = (
        set(searcher.docs_for_query(And([Term(S.KIND, S.SENTENCE_KIND), restriction])))
        if restriction
        else None
    )
    pool = _accumulate(searcher, _clauses(claim_query(deciding)), allowed)
    pool = {d: pool[d] for d in heapq.nlargest(POOL_FACTOR * limit, pool, key=pool.get)}
    if common.terms:
        for docnum, score in _scores_of(searcher, _clauses(claim_query(common)), pool).items():
            pool[docnum] += score
    best = heapq.nlargest(limit, pool, key=pool.get)
    return [Candidate(d, dict(searcher.stored_fields(d)), pool[d]) for d in best]


def _split_by_frequency(searcher: Searcher, claim: Claim) -> tuple[Claim, Claim]:
    """The claim's rarest terms, at least MIN_DECIDING, within the postings budget; the rest."""
    frequency = {t: searcher.doc_frequency(S.TEXT_FIELD, t) for t in claim.terms}
    deciding: set[str] = set()
    postings = 0
    for term in sorted(claim.terms, key=frequency.get):
        if len(deciding) >= MIN_DECIDING and postings + frequency[term] > POSTINGS_BUDGET:
            break
        deciding.add(term)
        postings += frequency[term]
    return _with_terms(claim, deciding), _with_terms(claim, set(claim.terms) - deciding)


def _with_terms(claim: Claim, terms: set[str]) -> Claim:
    words = (ClaimWord(w.surface, tuple(t for t in w.terms if t in terms)) for w in claim.words)
    return Claim(claim.text, tuple(w for w in words if w.terms))


def _clauses(query) -> list:
    """The clauses whose scores an OR query adds up."""
    return list(query.subqueries) if isinstance(query, Or) else [query]


def _accumulate(searcher: Searcher, clauses: list, allowed: set[int] | None) -> dict[int, float]:
    """Every document matching any clause, with the sum of the clauses' scores (an OR)."""
    scores: dict[int, float] = defaultdict(float)
    context = searcher.context()
    for sub, offset in searcher.leaf_searchers():
        for clause in clauses:
            matcher = clause.matcher(sub, context)
            while matcher.is_active():
                docnum = matcher.id() + offset
                if allowed is None or docnum in allowed:
                    scores[docnum] += matcher.score()
                matcher.next()
    return scores


def _scores_of(searcher: Searcher, clauses: list, docnums) -> dict[int, float]:
    """The summed clause scores of the given documents only, skipping through the postings."""
    scores: dict[int, float] = defaultdict(float)
    context = searcher.context()
    ordered = sorted(docnums)
    for sub, offset in searcher.leaf_searchers():
        end = offset + sub.reader().doc_count_all()
        local = [d - offset for d in ordered if offset <= d < end]
        for clause in clauses if local else ():
            matcher = clause.matcher(sub, context)
            for docnum in local:
                if not matcher.is_active():
                    break
                if matcher.id() < docnum:
                    matcher.skip_to(docnum)
                if matcher.is_active() and matcher.id() == docnum:
                    scores[docnum + offset] += matcher.score()
    return scores
