"""Does a sentence support a claim? Small feature functions, a calibrated score, a stance.

Each feature is a function of (claim, sentence) listed in FEATURES, so it can be tested and
ablated on its own; the score is a logistic model over them and the stance adds the checks
that turn topical overlap into disagreement (negation, numbers).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from functools import cache, cached_property
from pathlib import Path

from .claims import Claim, Token, analyse

SUPPORTS, REFUTES, RELATED = "supports", "refutes", "related"

_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nor|neither|cannot|without|n't|"
    r"den(?:y|ies|ied|ying)|reject(?:s|ed|ing)?|refus(?:e|es|ed|ing)|"
    r"rul(?:e|es|ed|ing) out|dismiss(?:es|ed|ing)?|unwilling|false)\b|n't\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
# Capitalised month names and abbreviations ("Sept."), whole weekday names ("Sun" is also a
# newspaper); "May" only next to a number, where it is not the verb ("May 9", "9 May 2025").
_DATE_WORD = re.compile(
    r"\b(?:(?P<may>May)(?=\s+\d)|(?<=\d\s)(?P<may2>May)\b|"
    r"(?P<name>(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*|"
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)\b)"
)


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

    @classmethod
    def of(
        cls, text: str, title: str | None, speaker: str | None = None, retrieval: float = 1.0
    ) -> SentenceView:
        return cls(text, analyse(text), _terms(title), _terms(speaker), retrieval)

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


def retrieval(claim: Claim, s: SentenceView, idf: dict[str, float]) -> float:
    """BM25 of the sentence relative to the claim's best candidate."""
    return s.retrieval


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
        if any(
            0 < pb - pa <= 3 for pa in positions.get(a.term, ()) for pb in positions.get(b.term, ())
        )
    )
    return near / len(pairs)


def negation_mismatch(claim: Claim, s: SentenceView, idf: dict[str, float]) -> float:
    """1 when exactly one of claim and sentence carries a negation or refusal cue."""
    return float(bool(_NEGATION.search(claim.text)) != bool(_NEGATION.search(s.text)))


def number_conflict(claim: Claim, s: SentenceView, idf: dict[str, float]) -> float:
    """1 when the claim states a number, month or weekday the sentence lacks while stating
    another of its kind (2014 vs 2016, June vs May, Thursday vs Friday)."""
    claimed, stated = _kinded(claim.text), _kinded(s.text)
    kinds = {kind for kind, _ in stated}
    return float(any(kind in kinds for kind, _ in claimed - stated))


def number_missing(claim: Claim, s: SentenceView, idf: dict[str, float]) -> float:
    """1 when the claim states a number the sentence does not: it cannot fully support it."""
    return float(bool(numbers(claim.text) - numbers(s.text)))


FEATURES = {
    "coverage": coverage,
    "title_coverage": title_coverage,
    "retrieval": retrieval,
    "order": order,
    "negation_mismatch": negation_mismatch,
    "number_conflict": number_conflict,
    "number_missing": number_missing,
}
# The sentence itself must state a fifth of the claim's weight to support it (the title can
# add context, not the content), and most of it to refute it.
SUPPORT_MIN_COVERAGE = 0.2
REFUTE_MIN_COVERAGE = 0.4


@dataclass(frozen=True)
class Model:
    """Logistic weights over :data:`FEATURES`, the score from which a sentence supports, and
    the share of the claim's best supporting score below which a sentence no longer does."""

    bias: float
    weights: dict[str, float]
    threshold: float
    relative: float

    def score(self, features: dict[str, float]) -> float:
        """The logistic score of a feature vector."""
        z = self.bias + sum(self.weights[name] * features[name] for name in self.weights)
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self) -> str:
        """The model as the JSON of :data:`WEIGHTS_FILE`."""
        return json.dumps(asdict(self), indent=2) + "\n"


WEIGHTS_FILE = Path(__file__).with_name("support_weights.json")


@cache
def model() -> Model:
    """The shipped model, fitted on even Climate-FEVER claims by ``provenance eval --train``."""
    return Model(**json.loads(WEIGHTS_FILE.read_text()))


def numbers(text: str) -> set[str]:
    """The numbers a text states, without thousands separators."""
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def date_words(text: str) -> set[tuple[str, str]]:
    """The months and weekdays a text names, as ``("month", "June")``/``("weekday", "Friday")``."""
    found = set()
    for m in _DATE_WORD.finditer(text):
        word = m.group("may") or m.group("may2") or m.group("name")
        for kind, names in (("month", _MONTHS), ("weekday", _WEEKDAYS)):
            full = next((n for n in names if n.startswith(word)), None)
            if full:
                found.add((kind, full))
    return found


def _kinded(text: str) -> set[tuple[str, str]]:
    """The numbers, months and weekdays a text states, each with its kind (years apart)."""
    return {("year" if _is_year(n) else "number", n) for n in numbers(text)} | date_words(text)


def _is_year(n: str) -> bool:
    return n.isdigit() and len(n) == 4 and 1000 <= int(n) <= 2100


def features(claim: Claim, s: SentenceView, idf: dict[str, float]) -> dict[str, float]:
    """Every feature of the sentence for the claim."""
    return {name: fn(claim, s, idf) for name, fn in FEATURES.items()}


def judge(claim: Claim, s: SentenceView, idf: dict[str, float]) -> Judgement:
    """Score the sentence for the claim and decide its stance."""
    feats = features(claim, s, idf)
    m = model()
    score = m.score(feats)
    return Judgement(round(score, 4), stance(feats, score, m.threshold), feats)


def stance(feats: dict[str, float], score: float, threshold: float) -> str:
    """Supports: scored at least ``threshold``, no disagreement, enough of the claim stated.

    A sentence covering most of the claim while negating it or stating another number refutes.
    A sentence lacking a claimed number may still support it ("about 0.04%" vs "400 ppm"):
    ``number_missing`` lowers its score instead.
    """
    disagrees = feats["negation_mismatch"] or feats["number_conflict"]
    if disagrees and feats["coverage"] >= REFUTE_MIN_COVERAGE:
        return REFUTES
    if score >= threshold and feats["coverage"] >= SUPPORT_MIN_COVERAGE and not disagrees:
        return SUPPORTS
    return RELATED


def within_reach(scores: list[float], stances: list[str], relative: float) -> list[str]:
    """The stances with ``supports`` kept only within ``relative`` of the best supporting score.

    Scores of one claim vary by orders of magnitude between claims (a rare-worded claim scores
    high, a vague one low), so besides the global threshold the answer is cut per claim: a
    sentence far below the claim's best support is ``related``, not supporting.
    """
    best = max((s for s, st in zip(scores, stances, strict=True) if st == SUPPORTS), default=0.0)
    return [
        RELATED if st == SUPPORTS and s < relative * best else st
        for s, st in zip(scores, stances, strict=True)
    ]


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
