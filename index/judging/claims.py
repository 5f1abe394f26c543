"""Text -> analysed terms, for claims and sentences alike: the index's analyzer with offsets.

Backend-neutral: every store indexes and retrieves with these terms, so what a claim matches
does not depend on the engine behind it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from index.text import analysis as A

_WORD = re.compile(r"[\w][\w.'\u2019-]*[\w]|\w")


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
        for t in A.ANALYZER(text, positions=True, chars=True, removestops=True)
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


def terms_of(text: str | None) -> frozenset[str]:
    """The analysed terms of ``text`` (none for None)."""
    return frozenset(t.term for t in analyse(text or ""))
