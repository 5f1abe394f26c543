"""Claim -> candidate sentences: the claim is analysed as text, never parsed as query syntax."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from whoosh.query import And, Or, Term
from whoosh.searching import Searcher

from . import schema as S
from .store import ArticleFilter

_WORD = re.compile(r"[\w][\w.'\u2019-]*[\w]|\w")
TITLE_BOOST = 0.3
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
    """The ``limit`` best sentences by BM25 for the claim's terms, within ``where``."""
    if not claim.terms:
        return []
    restriction = where.query()
    hits = searcher.search(
        claim_query(claim),
        limit=limit,
        filter=And([Term(S.KIND, S.SENTENCE_KIND), restriction]) if restriction else None,
    )
    return [Candidate(hit.docnum, dict(hit.fields()), hit.score) for hit in hits]
