"""Does a sentence support a claim? Small feature functions, a calibrated score, a stance.

Each feature is a function of (claim, sentence) listed in FEATURES, so it can be tested and
ablated on its own; the score is a logistic model over them and the stance adds the checks
that turn topical overlap into disagreement (negation, numbers).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property

from .search import Claim, Token, analyse

SUPPORTS, REFUTES, RELATED = "supports", "refutes", "related"

_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nor|neither|cannot|without|n't|"
    r"den(?:y|ies|ied|ying)|reject(?:s|ed|ing)?|refus(?:e|es|ed|ing)|"
    r"rul(?:e|es|ed|ing) out|dismiss(?:es|ed|ing)?|unwilling|false)\b|n't\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")


@dataclass(frozen=True)
class SentenceView:
    """A candidate sentence: its analysed tokens, its speaker's and its article title's terms.

    A quote attributed to "Dmitry Peskov" states what Peskov said even when the sentence itself
    only says "he said", so the speaker's terms count as the sentence's own.
    """

    text: str
    tokens: list[Token]
    title_terms: frozenset[str]
    speaker_terms: frozenset[str] = frozenset()

    @classmethod
    def of(cls, text: str, title: str | None, speaker: str | None = None) -> SentenceView:
        return cls(text, analyse(text), _terms(title), _terms(speaker))

    @cached_property
    def terms(self) -> frozenset[str]:
        return frozenset(t.term for t in self.tokens) | self.speaker_terms


def _terms(text: str | None) -> frozenset[str]:
    return frozenset(t.term for t in analyse(text or ""))


@dataclass(frozen=True)
class Judgement:
    """The support score in [0, 1], the stance, and the features behind them."""

    score: float
    stance: str
    features: dict[str, float]


# --- features --------------------------------------------------------------------------------


def coverage(claim: Claim, s: SentenceView, idf: dict[str, float]) -> float:
    """IDF-weighted share of the claim's terms that occur in the sentence."""
    total = sum(idf[t] for t in claim.terms)
    return sum(idf[t] for t in claim.terms if t in s.terms) / total if total else 0.0


def title_coverage(claim: Claim, s: SentenceView, idf: dict[str, float]) -> float:
    """IDF-weighted share of the claim's terms missing from the sentence but in its title."""
    total = sum(idf[t] for t in claim.terms)
    found = sum(idf[t] for t in claim.terms if t not in s.terms and t in s.title_terms)
    return found / total if total else 0.0


def order(claim: Claim, s: SentenceView, idf: dict[str, float]) -> float:
    """Share of adjacent claim-term pairs that occur within three positions, in order."""
    pairs = list(zip(claim.tokens, claim.tokens[1:], strict=False))
    if not pairs:
        return 0.0
    positions: dict[str, list[int]] = {}
    for t in s.tokens:
        positions.setdefault(t.term, []).append(t.pos)
    near = sum(
        1
        for a, b in pairs
        if any(0 < pb - pa <= 3 for pa in positions.get(a.term, ()) for pb in positions.get(b.term, ()))
    )
    return near / len(pairs)


def negation_mismatch(claim: Claim, s: SentenceView, idf: dict[str, float]) -> float:
    """1 when exactly one of claim and sentence carries a negation or refusal cue."""
    return float(bool(_NEGATION.search(claim.text)) != bool(_NEGATION.search(s.text)))


def number_conflict(claim: Claim, s: SentenceView, idf: dict[str, float]) -> float:
    """1 when the claim states a number the sentence lacks while stating another of its kind."""
    claimed, stated = numbers(claim.text), numbers(s.text)
    for n in claimed - stated:
        if any(_is_year(n) == _is_year(m) for m in stated):
            return 1.0
    return 0.0


FEATURES = {
    "coverage": coverage,
    "title_coverage": title_coverage,
    "order": order,
    "negation_mismatch": negation_mismatch,
    "number_conflict": number_conflict,
}

# Logistic weights (bias first); fitted by the evaluation on held-out claims, see README.
WEIGHTS = {
    "bias": -4.0,
    "coverage": 6.0,
    "title_coverage": 1.0,
    "order": 1.5,
    "negation_mismatch": -1.0,
    "number_conflict": -1.0,
}
SUPPORT_THRESHOLD = 0.5
REFUTE_MIN_COVERAGE = 0.5


def numbers(text: str) -> set[str]:
    """The numbers a text states, without thousands separators."""
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def _is_year(n: str) -> bool:
    return n.isdigit() and len(n) == 4 and 1000 <= int(n) <= 2100


def judge(claim: Claim, s: SentenceView, idf: dict[str, float]) -> Judgement:
    """Score the sentence for the claim and decide its stance."""
    feats = {name: fn(claim, s, idf) for name, fn in FEATURES.items()}
    z = WEIGHTS["bias"] + sum(WEIGHTS[name] * value for name, value in feats.items())
    score = 1.0 / (1.0 + math.exp(-z))
    disagrees = feats["negation_mismatch"] or feats["number_conflict"]
    if disagrees and feats["coverage"] >= REFUTE_MIN_COVERAGE:
        stance = REFUTES
    elif score >= SUPPORT_THRESHOLD and not disagrees:
        stance = SUPPORTS
    else:
        stance = RELATED
    return Judgement(round(score, 4), stance, feats)


def matched_words(claim: Claim, s: SentenceView) -> list[str]:
    """The claim's words, as written, whose terms all occur in the sentence."""
    return [w.surface for w in claim.words if all(t in s.terms for t in w.terms)]


def highlights(claim: Claim, s: SentenceView) -> list[list[int]]:
    """``[start, end)`` spans of the sentence's words that match claim terms, adjacent merged."""
    spans: list[list[int]] = []
    wanted = set(claim.terms)
    for t in s.tokens:
        if t.term not in wanted:
            continue
        if spans and s.text[spans[-1][1] : t.start] in ("", "-", " "):
            spans[-1][1] = t.end
        else:
            spans.append([t.start, t.end])
    return spans
