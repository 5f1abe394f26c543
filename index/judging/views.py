"""A candidate sentence as the rules read it, and how it covers each claim term.

:class:`SentenceView` (tokens, speaker, title, the sentence it refers back to, the verifier's
readings), :func:`match_term` (the same word, a variant, the speaker, a synonym), the
per-pair :class:`Reading` and the resulting :class:`Judgement` (with its :class:`Conflict`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from index.judging.claims import Claim, Token, analyse, terms_of
from index.judging.lexicon import lexicon


@dataclass(frozen=True)
class SentenceView:
    """A candidate sentence: its analysed tokens, its speaker's and its article title's terms.

    A quote attributed to "Dmitry Peskov" states what Peskov said even when the sentence itself
    only says "he said", so the speaker's terms count as the sentence's own. ``retrieval`` is
    the sentence's BM25 score relative to the best candidate for the claim.
    """

    text: str
    tokens: tuple[Token, ...]
    title_terms: frozenset[str]
    speaker_terms: frozenset[str] = frozenset()
    retrieval: float = 1.0
    speaker: str | None = None
    neighbour: tuple[Token, ...] = ()  # the sentence before, when this one refers back to it
    neighbour_text: str = ""
    #: The claim's cosine with the sentence, in semantic mode (index.models.semantic); else None.
    similarity: float | None = None
    #: What the verifier read (index.judging.verifier): per claim (or claim part) text,
    #: P(entailment) and P(contradiction); empty when the sentence was not read.
    readings: tuple[tuple[str, float, float], ...] = ()

    @classmethod
    def of(
        cls,
        text: str,
        title: str | None,
        speaker: str | None = None,
        retrieval: float = 1.0,
        before: str | None = None,
        similarity: float | None = None,
    ) -> SentenceView:
        """The view of a sentence; ``before`` is read with it when it opens by referring back."""
        near = before if before and refers_back(text) else ""
        return cls(
            text,
            analyse(text),
            terms_of(title),
            terms_of(speaker),
            retrieval,
            speaker,
            analyse(near),
            near,
            similarity,
        )

    def reading(self, claim_text: str) -> tuple[float, float] | None:
        """P(entailment), P(contradiction) the verifier read for this claim, if it read it."""
        return next(((e, c) for t, e, c in self.readings if t == claim_text), None)

    @cached_property
    def own_terms(self) -> frozenset[str]:
        return frozenset(t.term for t in self.tokens)

    @cached_property
    def terms(self) -> frozenset[str]:
        return self.own_terms | self.speaker_terms


# A sentence opening with a pronoun or demonstrative ('"This is undeniable," he said') states
# its subject in the sentence before it.
_REFERS_BACK = re.compile(
    r"^\W*(?:this|that|these|those|it|its|he|his|she|her|they|their|such)\b", re.IGNORECASE
)


def refers_back(text: str) -> bool:
    """Whether the sentence opens with a pronoun or demonstrative."""
    return bool(_REFERS_BACK.match(text))


EXACT, VARIANT, SYNONYM, SPEAKER, NEIGHBOUR = "exact", "variant", "synonym", "speaker", "neighbour"


@dataclass(frozen=True)
class Match:
    """How the sentence covers one claim term: ``how`` and the sentence's word for it."""

    how: str
    word: str
    term: str  # the sentence's term (the claim's own, or its synonym)


def match_term(term: str, surface: str, s: SentenceView) -> Match | None:
    """How the sentence states a claim term: the same word, a variant of it (another
    inflection or spelling), its speaker's name, or a WordNet synonym; None when it does not."""
    for t in s.tokens:
        if t.term == term:
            word = s.text[t.start : t.end]
            # "non" of "non-negotiable" is as written
            exact = word.lower() in re.split(r"[^\w.]+", surface.lower())
            return Match(EXACT if exact else VARIANT, word, term)
    if term in s.speaker_terms:
        return Match(SPEAKER, s.speaker or term, term)
    synonym = lexicon().synonym_of(term, s.own_terms)
    if synonym:
        word = next(s.text[t.start : t.end] for t in s.tokens if t.term == synonym)
        return Match(SYNONYM, word, synonym)
    for t in s.neighbour:
        if t.term == term:
            return Match(NEIGHBOUR, s.neighbour_text[t.start : t.end], term)
    return None


@dataclass(frozen=True)
class Reading:
    """A sentence read for a claim: how it covers each claim term; computed once per pair."""

    claim: Claim
    s: SentenceView
    idf: dict[str, float]

    @cached_property
    def matches(self) -> dict[str, Match]:
        found = {}
        for w in self.claim.words:
            for term in w.terms:
                if term not in found and (m := match_term(term, w.surface, self.s)):
                    found[term] = m
        return found

    @cached_property
    def total(self) -> float:
        return sum(self.idf[t] for t in self.claim.terms)

    def share(self, terms) -> float:
        """IDF-weighted share of the claim's terms that ``terms`` hold."""
        return sum(self.idf[t] for t in terms) / self.total if self.total else 0.0


@dataclass(frozen=True)
class Conflict:
    """What a refuting sentence disagrees on: the kind of conflict (see
    :mod:`index.judging.conflicts`), and the value the claim and the sentence each state, as
    written ("500" against "about 300")."""

    kind: str
    claim: str
    sentence: str


@dataclass(frozen=True)
class Judgement:
    """The support score in [0, 1], the stance, the features behind them, and the matches."""

    score: float
    stance: str
    features: dict[str, float]
    matches: dict[str, Match] = field(default_factory=dict)
    #: What the verifier read, P(entailment) and P(contradiction); None when it did not read
    #: the sentence (lexical mode, or ranked below the candidates it reads: ``unread``).
    reading: tuple[float, float] | None = None
    unread: bool = False
    #: What disagrees, when the stance is ``refutes``; None otherwise.
    conflict: Conflict | None = None
