"""Does a sentence support a claim? Small feature functions, a calibrated score, a stance.

Each feature is a function of (claim, sentence) listed in FEATURES, so it can be tested and
ablated on its own; the score is a logistic model over them and the stance adds the checks
that turn topical overlap into disagreement (negation, numbers).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cache, cached_property, lru_cache
from pathlib import Path

from .claims import Claim, Token, analyse, analyse_claim
from .lexicon import lexicon
from .records import Stance

SUPPORTS, REFUTES, RELATED = Stance.SUPPORTS, Stance.REFUTES, Stance.RELATED

# Negative polarity: operators ("not", "never") and words that deny, refuse or declare untrue.
# Same-polarity paraphrases ("cannot pay" / "lacks the funds to pay") both carry a cue.
_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nor|neither|cannot|without|n't|no longer|unable|"
    r"den(?:y|ies|ied|ying)|reject(?:s|ed|ing)?|refus(?:e|es|ed|ing)|"
    r"rul(?:e|es|ed|ing) out|dismiss(?:es|ed|ing)?|unwilling|false|"
    r"lack(?:s|ed|ing)?|fail(?:s|ed|ing)? to)\b|n't\b",
    re.IGNORECASE,
)
# Two negatives that make a positive: "cannot rule out" a change says it may happen, "not
# impossible" says possible. Taken out of a clause before its cues are read.
_DOUBLE_NEGATIVE = re.compile(
    r"\b(?:can(?:not|'t| not)|could(?:n't| not)|did(?:n't| not)|not|never)\s+"
    r"(?:be\s+)?(?:rul(?:e|ed)\s+out|impossible|unlikely|den(?:y|ied)|dismiss(?:ed)?|"
    r"reject(?:ed)?|fail(?:s|ed)?\s+to|without)\b",
    re.IGNORECASE,
)
# Where one clause ends and another begins: punctuation that sets a clause apart, and the
# conjunctions and relative words that open a new one after a comma.
_CLAUSE_BREAK = re.compile(
    r"\s*(?:[;:()\u2014\u2013]|\s--?\s)\s*|"
    r",\s+(?=(?:but|while|whereas|although|though|which|who|whom|yet|as|after|before|when|"
    r"because|since|unlike|except)\b)|\s+(?=but\b)",
    re.IGNORECASE,
)
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
    speaker: str | None = None
    neighbour: tuple[Token, ...] = ()  # the sentence before, when this one refers back to it
    neighbour_text: str = ""
    #: The claim's cosine with the sentence, in semantic mode (index.semantic); else None.
    similarity: float | None = None
    #: What the verifier read (index.verifier): per claim (or claim part) text, P(entailment)
    #: and P(contradiction); empty when the sentence was not read.
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
            _terms(title),
            _terms(speaker),
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


def _terms(text: str | None) -> frozenset[str]:
    return frozenset(t.term for t in analyse(text or ""))


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


# --- features --------------------------------------------------------------------------------


def coverage(r: Reading) -> float:
    """IDF-weighted share of the claim's terms the sentence (or its speaker) states as such.

    Terms only the sentence referred back to states are not counted here: they tell the
    editor what the sentence covers and keep the key-word checks fair, but scoring them did
    not pay on the even claims (docs/quality.md).
    """
    return r.share(t for t, m in r.matches.items() if m.how not in (SYNONYM, NEIGHBOUR))


def synonym_coverage(r: Reading) -> float:
    """IDF-weighted share of the claim's terms the sentence states by a synonym."""
    return r.share(t for t, m in r.matches.items() if m.how == SYNONYM)


def title_coverage(r: Reading) -> float:
    """IDF-weighted share of the claim's terms missing from the sentence but in its title."""
    return r.share(t for t in r.claim.terms if t not in r.matches and t in r.s.title_terms)


def retrieval(r: Reading) -> float:
    """BM25 of the sentence relative to the claim's best candidate."""
    return r.s.retrieval


def similarity(r: Reading) -> float:
    """The claim's cosine with the sentence (its title before it), in semantic mode; the
    lexical model has no weight for it."""
    return r.s.similarity or 0.0


def entailment(r: Reading) -> float:
    """The verifier's P(entailment) of the claim given the sentence (0 when not read)."""
    read = r.s.reading(r.claim.text)
    return read[0] if read else 0.0


def contradiction(r: Reading) -> float:
    """The verifier's P(contradiction) of the claim given the sentence (0 when not read)."""
    read = r.s.reading(r.claim.text)
    return read[1] if read else 0.0


def order(r: Reading) -> float:
    """Share of adjacent claim-term pairs that occur within three positions, in order."""
    pairs = list(zip(r.claim.tokens, r.claim.tokens[1:], strict=False))
    if not pairs:
        return 0.0
    positions: dict[str, list[int]] = {}
    for t in r.s.tokens:
        positions.setdefault(t.term, []).append(t.pos)
    near = sum(
        1
        for a, b in pairs
        if any(
            0 < pb - pa <= 3 for pa in positions.get(a.term, ()) for pb in positions.get(b.term, ())
        )
    )
    return near / len(pairs)


def negation_mismatch(r: Reading) -> float:
    """1 when exactly one of claim and sentence is negative where it states the claim.

    Negation counts in the clause that holds most of the claim's matched words: "…, a notion
    also ruled out by Russia" does not negate the clause before it.
    """
    claim_weights = {t: r.idf[t] for t in r.claim.terms}
    sentence_weights = {m.term: r.idf[t] for t, m in r.matches.items()}
    return float(
        negated(r.claim.text, r.claim.tokens, claim_weights)
        != negated(r.s.text, r.s.tokens, sentence_weights)
    )


def number_conflict(r: Reading) -> float:
    """1 when the claim states a quantity, year, month or weekday the sentence lacks while
    stating another of its kind (2014 vs 2016, 2 degrees vs 3 degrees, June vs May); a
    quantity counts as stated when it is the claimed one as the claim rounds it (see
    :func:`states`)."""
    steps = rounded_quantities(r.claim.text)
    claimed, stated = _kinded(r.claim.text), _kinded(r.s.text)
    kinds = {kind for kind, _ in stated}
    return float(any(kind in kinds and not states(stated, kind, v, steps) for kind, v in claimed))


def number_missing(r: Reading) -> float:
    """1 when the claim states a quantity the sentence does not: it cannot fully support it."""
    steps, stated = rounded_quantities(r.claim.text), quantities(r.s.text)
    return float(any(not states(stated, unit, v, steps) for unit, v in steps))


def states(
    stated: frozenset[tuple[str, object]],
    kind: str,
    value: object,
    steps: dict[tuple[str, float], float],
) -> bool:
    """Whether ``stated`` holds the claimed ``(kind, value)``: exactly, or, for a quantity,
    within half its rounding step (:func:`rounded_quantities`): "7 m" is stated by 7.2 m and
    "about 30 percent" by 26%, but "2 degrees" not by 1.5 nor "100 people" by 140. Years,
    months and weekdays compare exactly."""
    if (kind, value) in stated:
        return True
    half = steps.get((kind, value), 0.0) / 2
    return half > 0 and any(
        k == kind and isinstance(v, float) and abs(v - value) < half for k, v in stated
    )


def antonym(r: Reading) -> float:
    """1 when the sentence states the opposite of a claim word where it would state the word
    ("decreased" for "increased" next to the claim's words around it)."""
    lex = lexicon()
    for at, w in enumerate(r.claim.words):
        term = w.terms[-1]
        if term in r.matches or term not in lex.antonyms:
            continue
        slot = _slot(r, at, both=False)
        if slot and lex.antonym_of(term, frozenset(t.term for t in slot)):
            return 1.0
    return 0.0


def predicate_missing(r: Reading) -> float:
    """1 when the claim's key predicate is stated neither as such nor by a synonym."""
    key = key_predicate(r.claim)
    return float(key is not None and key not in r.matches)


def predicate_swapped(r: Reading) -> float:
    """1 when another word stands where the sentence would state the claim's key predicate:
    the claim words on both sides of it are in the sentence, at most SLOT words apart, with
    no claim word between ("Kyiv has seized hundreds" for "Kyiv has lost hundreds").

    Only in a sentence that otherwise states most of the claim (SWAP_MIN_STATED): one word
    changed in the same statement. In a looser paraphrase the word in the slot is more often
    one the lexicon does not know as a synonym; there the rule blocked true support as often
    as refutation (docs/quality.md)."""
    key = key_predicate(r.claim)
    if key is None or key in r.matches:
        return 0.0
    if r.share(t for t, m in r.matches.items() if m.how != NEIGHBOUR) < SWAP_MIN_STATED:
        return 0.0
    at = next(i for i, w in enumerate(r.claim.words) if key in w.terms)
    slot = _slot(r, at, both=True)
    claimed = set(r.claim.terms)
    return float(bool(slot) and not any(t.term in claimed for t in slot))


# How many words may stand in for a claim word ("seized back" for "lost").
SLOT = 2
# The share of the claim (synonyms included) a sentence must state for a swapped key word to
# count: above it, the sentence is the claim's statement with a word changed.
SWAP_MIN_STATED = 0.6


def _slot(r: Reading, at: int, both: bool) -> list[Token]:
    """The sentence's words where it would state claim word ``at``: between the sentence's
    words for the claim words around it (or, unless ``both``, next to the one it has), when
    at most SLOT words stand there."""
    before = _stated_word(r, reversed(r.claim.words[:at]))
    after = _stated_word(r, r.claim.words[at + 1 :])
    if before is None and after is None or both and (before is None or after is None):
        return []
    low = before if before is not None else after - SLOT - 1
    high = after if after is not None else before + SLOT + 1
    slot = [t for t in r.s.tokens if low < t.pos < high]
    return slot if 0 < len(slot) <= SLOT else []


def _stated_word(r: Reading, words) -> int | None:
    """The sentence position of the first of ``words`` the sentence states as such."""
    for w in words:
        m = r.matches.get(w.terms[0])
        if m and m.how in (EXACT, VARIANT):
            return next(t.pos for t in r.s.tokens if t.term == m.term)
    return None


FEATURES = {
    "coverage": coverage,
    "synonym_coverage": synonym_coverage,
    "title_coverage": title_coverage,
    "retrieval": retrieval,
    "similarity": similarity,
    "entailment": entailment,
    "contradiction": contradiction,
    "order": order,
    "negation_mismatch": negation_mismatch,
    "number_conflict": number_conflict,
    "number_missing": number_missing,
    "antonym": antonym,
    "predicate_missing": predicate_missing,
    "predicate_swapped": predicate_swapped,
}
# The sentence itself must state a fifth of the claim's weight in its own words to support it
# (the title can add context, synonyms can add weight, not the content), and most of it,
# synonyms included, to refute it.
SUPPORT_MIN_COVERAGE = 0.2
REFUTE_MIN_COVERAGE = 0.4


@dataclass(frozen=True)
class Model:
    """Logistic weights over :data:`FEATURES`, the score from which a sentence supports, and
    the share of the claim's best supporting score below which a sentence no longer does; with
    the verifier, ``refute`` is the P(contradiction) from which a sentence refutes and
    ``entail`` the P(entailment) a supporting sentence needs at least."""

    bias: float
    weights: dict[str, float]
    threshold: float
    relative: float
    refute: float | None = None
    entail: float | None = None

    def score(self, features: dict[str, float]) -> float:
        """The logistic score of a feature vector."""
        z = self.bias + sum(self.weights[name] * features[name] for name in self.weights)
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self) -> str:
        """The model as the JSON of :data:`WEIGHTS_FILE`."""
        fields = {k: v for k, v in asdict(self).items() if v is not None}
        return json.dumps(fields, indent=2) + "\n"


WEIGHTS_FILE = Path(__file__).with_name("support_weights.json")
#: The model of semantic mode: the same features plus ``similarity``.
SEMANTIC_WEIGHTS_FILE = Path(__file__).with_name("support_weights_semantic.json")
#: The model of sentences the verifier read: its probabilities beside the lexical features.
VERIFIER_WEIGHTS_FILE = Path(__file__).with_name("support_weights_verifier.json")


def weights_file(semantic: bool, verified: bool = False) -> Path:
    """Where the model of a mode is kept: one for sentences the verifier read (either
    ranking), else the lexical or the semantic one."""
    if verified:
        return VERIFIER_WEIGHTS_FILE
    return SEMANTIC_WEIGHTS_FILE if semantic else WEIGHTS_FILE


_models: dict[Path, Model] = {}


def model(semantic: bool = False, verified: bool = False) -> Model:
    """The model of a mode: the shipped one, fitted on even Climate-FEVER claims by
    ``python -m lab eval climate-fever PATH --train``, unless :func:`use_model` set another."""
    path = weights_file(semantic, verified)
    if path not in _models:
        _models[path] = Model(**json.loads(path.read_text()))
    return _models[path]


def use_model(m: Model | None, semantic: bool = False, verified: bool = False) -> None:
    """Judge with ``m`` in this process from now on (``None``: the shipped file again); the
    lab's sweeps try models without writing them."""
    path = weights_file(semantic, verified)
    if m is None:
        _models.pop(path, None)
    else:
        _models[path] = m


_NUMBER = re.compile(r"(?<![\w.])(?<![A-Za-z]-)\d[\d,]*(?:\.\d+)?(?![\d])")
_AFTER = re.compile(r"\s*(%|°\s*[CF]?|per\s?cent\b|[A-Za-z]+)?")
_BEFORE = re.compile(r"([A-Za-z][\w-]*)\s+$")
_MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_UNITS = {
    "%": "percent",
    "percent": "percent",
    "per cent": "percent",
    "pct": "percent",
    "degree": "degree",
    "degrees": "degree",
}
# Letters glued to a number that make it a quantity ("10km", "5bn"), not a name ("5G", "3D").
# fmt: off
_GLUED_UNITS = {
    "km", "m", "cm", "mm", "kg", "mg", "ft", "mi", "bn", "tn", "ppm", "ppb", "gw", "mw", "kw",
    "gt", "mt", "s", "th", "st", "nd", "rd",
}
# fmt: on


@lru_cache(maxsize=50_000)
def quantities(text: str) -> frozenset[tuple[str, float]]:
    """The quantities a text states, as ``(unit, value)``; a bare number's unit is ``""``.

    Digits inside names are not quantities: "COVID-19", "SARS-CoV-2", "G7", "F-16", "5G",
    "Boeing 737", "Windows 11", "Article 5". A unit is the word after the number, past a
    multiplier ("3 million people" is 3e6 ``people``), so "2 degrees" and "40 percent" never
    compare, and years stand apart as ``year``.
    """
    return frozenset(rounded_quantities(text))


# A hedge before a number says it is rounded: "about 30 percent" is 25 to 35.
_HEDGE = re.compile(
    r"\b(?:about|around|roughly|approximately|nearly|almost|some|circa|an estimated)\s+$|~\s*$",
    re.IGNORECASE,
)


@lru_cache(maxsize=50_000)
def rounded_quantities(text: str) -> dict[tuple[str, float], float]:
    """Each quantity of :func:`quantities` with its rounding step: the place of its last digit
    as written ("7.2 m": 0.1; "29 billion": 1e9), or, after a hedge, of its last nonzero
    digit ("about 30 percent": 10)."""
    found: dict[tuple[str, float], float] = {}
    for m in _NUMBER.finditer(text):
        raw = m.group().replace(",", "")
        value = float(raw)
        glued = re.match(r"[A-Za-z]+", text[m.end() :])
        if glued and glued.group().lower() not in _GLUED_UNITS:
            continue  # "5G", "3D": a name
        before = _BEFORE.search(text[: m.start()])
        if before and _names_a_thing(before.group(1), before.start(1)) and not _is_year(raw):
            continue  # "Boeing 737", "Article 5"
        if _is_year(raw) and not glued:
            found[("year", value)] = 0.0
            continue
        digits = Decimal(raw)
        if _HEDGE.search(text[: m.start()]):
            digits = digits.normalize()
        multiplier = _multiplier(text, m.end())
        step = 10.0 ** min(digits.as_tuple().exponent, 12) * multiplier
        found[(_unit(text, m.end(), glued), value * multiplier)] = step
    return found


def _names_a_thing(word: str, at: int) -> bool:
    """A capitalised word, not a month or a sentence's first word, that a number may name."""
    return (
        word[0].isupper()
        and at > 0
        and not any(month.startswith(word.rstrip(".")) for month in _MONTHS)
        and word.lower() not in ("in", "on", "by", "of", "at", "to", "and", "or", "than")
    )


def _unit(text: str, end: int, glued: re.Match | None) -> str:
    if glued:
        return glued.group().lower()
    words = text[end:].split()
    while words and words[0].lower().strip(",.") in _MULTIPLIERS:
        words.pop(0)
    m = _AFTER.match(" " + " ".join(words[:2]))
    word = (m.group(1) or "").lower() if m else ""
    if word.startswith("°"):
        return "degree"
    if word in _UNITS:
        return _UNITS[word]
    terms = _terms(word)
    return next(iter(terms)) if terms else ""


def _multiplier(text: str, end: int) -> float:
    words = text[end:].split()
    return _MULTIPLIERS.get(words[0].lower().strip(",."), 1.0) if words else 1.0


def numbers(text: str) -> set[str]:
    """The numbers a text states as quantities (names with digits left out), as written."""
    return {f"{v:g}" for _, v in quantities(text)}


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


@lru_cache(maxsize=50_000)
def _kinded(text: str) -> frozenset[tuple[str, object]]:
    """The quantities, years, months and weekdays a text states, each with its kind."""
    # Month and weekday names apart from quantities: "6 months" is not a month's name.
    return quantities(text) | {(f"named {kind}", name) for kind, name in date_words(text)}


def _is_year(n: str) -> bool:
    return n.isdigit() and len(n) == 4 and 1000 <= int(n) <= 2100


def clauses(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each clause of the text (see :data:`_CLAUSE_BREAK`)."""
    spans, at = [], 0
    for m in _CLAUSE_BREAK.finditer(text):
        spans.append((at, m.start()))
        at = m.end()
    spans.append((at, len(text)))
    return [(a, b) for a, b in spans if b > a]


def negated(text: str, tokens: tuple[Token, ...], weights: dict[str, float]) -> bool:
    """Whether the clause holding most of ``weights`` (term -> weight) carries a negation cue
    ("cannot rule out", "not impossible": two negatives read as a positive).

    With no weighted term in the text, any cue in it counts.
    """
    spans = clauses(text)
    held = [sum(weights.get(t.term, 0.0) for t in tokens if a <= t.start < b) for a, b in spans]
    if not any(held):
        return _negative(text)
    a, b = spans[held.index(max(held))]
    return _negative(text[a:b])


def _negative(clause: str) -> bool:
    """Whether a negation cue remains once double negatives are read as positives."""
    return bool(_NEGATION.search(_DOUBLE_NEGATIVE.sub(" ", clause)))


# Verbs that report, link or name rather than state: a claim's "said" is covered by
# attribution, and in "called the report false" what is claimed is "false".
_LIGHT_VERBS = (
    "say said says tell told be was were been being has had have do does did get got "
    "call called calls describe described consider considered label labelled labeled "
    "term termed"
)


@cache
def _light_terms() -> frozenset[str]:
    return _terms(_LIGHT_VERBS) | frozenset(_LIGHT_VERBS.split())


# Words after which the next content word is what the clause predicates.
_AUXILIARIES = frozenset(
    "is are was were be been being has have had will would can could may might shall should "
    "must does do did not never also".split()
)


@lru_cache(maxsize=1024)
def key_predicate(claim: Claim) -> str | None:
    """The term of the claim's key predicate (its main verb or adjective), if it has one.

    Read from the words, without a parser: the first content word after an auxiliary ("is
    causing", "are non-negotiable"), else the first past form ("ruled", "annexed"), else the
    first word WordNet knows mostly as a verb, else as an adjective. Reporting and linking
    verbs ("said", "was") are not what a claim states.
    """
    lex, light = lexicon(), _light_terms()
    ranked: list[tuple[int, int, str]] = []
    for i, w in enumerate(claim.words):
        term = w.terms[-1]
        before = claim.text[: claim.text.find(w.surface)].split()
        previous = before[-1].lower() if before else ""
        if term in light:
            continue
        if previous in _AUXILIARIES:
            ranked.append((0, i, term))
        elif w.surface.lower().endswith("ed"):
            ranked.append((1, i, term))
        elif term in lex.verbs:
            ranked.append((2, i, term))
        elif term in lex.adjectives:
            ranked.append((3, i, term))
    return min(ranked)[2] if ranked else None


def features(claim: Claim, s: SentenceView, idf: dict[str, float]) -> dict[str, float]:
    """Every feature of the sentence for the claim."""
    r = Reading(claim, s, idf)
    return {name: fn(r) for name, fn in FEATURES.items()}


def judge(claim: Claim, s: SentenceView, idf: dict[str, float]) -> Judgement:
    """Score the sentence for the claim and decide its stance; a long claim part by part, the
    sentence judged by the part it states best."""
    return max((_judge_part(p, s, idf) for p in claim_parts(claim)), key=lambda j: j.score)


def supports_part(part: Claim, s: SentenceView, idf: dict[str, float]) -> bool:
    """Whether the sentence supports this part of a long claim on its own."""
    return _judge_part(part, s, idf).stance == SUPPORTS


def _judge_part(claim: Claim, s: SentenceView, idf: dict[str, float]) -> Judgement:
    r = Reading(claim, s, idf)
    feats = {name: fn(r) for name, fn in FEATURES.items()}
    verified = bool(s.readings)
    m = model(s.similarity is not None, verified)
    score = m.score(feats)
    decided = verified_stance(feats, score, m) if verified else stance(feats, score, m.threshold)
    return Judgement(round(score, 4), decided, feats, r.matches, s.reading(claim.text))


# Claims longer than this many words are judged clause by clause: a sentence rarely states all
# of a long claim, and its share of the whole claim says little.
LONG_CLAIM = 25
MIN_PART_WORDS = 3


@lru_cache(maxsize=1024)
def claim_parts(claim: Claim) -> tuple[Claim, ...]:
    """A long claim's clauses of at least MIN_PART_WORDS content words; else the claim."""
    if len(claim.text.split()) <= LONG_CLAIM:
        return (claim,)
    parts = (analyse_claim(claim.text[a:b]) for a, b in clauses(claim.text))
    terms = set(claim.terms)
    kept = tuple(p for p in parts if len(p.words) >= MIN_PART_WORDS and terms.issuperset(p.terms))
    return kept if len(kept) > 1 else (claim,)


def stance(feats: dict[str, float], score: float, threshold: float) -> str:
    """Supports: scored at least ``threshold``, no disagreement, enough of the claim stated.

    A sentence covering most of the claim while negating it or stating another number refutes.
    A sentence lacking a claimed number may still support it ("about 0.04%" vs "400 ppm"):
    ``number_missing`` lowers its score instead.
    """
    disagrees = (
        feats["negation_mismatch"]
        or feats["number_conflict"]
        or feats["antonym"]
        or feats["predicate_swapped"]
    )
    stated = feats["coverage"] + feats["synonym_coverage"]
    if disagrees and stated >= REFUTE_MIN_COVERAGE:
        return REFUTES
    if score >= threshold and feats["coverage"] >= SUPPORT_MIN_COVERAGE and not disagrees:
        return SUPPORTS
    return RELATED


def verified_stance(feats: dict[str, float], score: float, m: Model) -> str:
    """The stance of a sentence the verifier read: refutes when it reads a contradiction (at
    least ``m.refute``, above its entailment) in a sentence stating most of the claim; supports
    when scored at least the floor, read as entailment (at least ``m.entail``) more than
    contradiction, with a fifth of the claim in its own words and no other number or date than
    the claim's."""
    entailed, contradicted = feats["entailment"], feats["contradiction"]
    stated = feats["coverage"] + feats["synonym_coverage"]
    refute = m.refute if m.refute is not None else 0.5
    if contradicted >= refute and contradicted > entailed and stated >= REFUTE_MIN_COVERAGE:
        return REFUTES
    if (
        score >= m.threshold
        and entailed > contradicted
        and entailed >= (m.entail or 0.0)
        and feats["coverage"] >= SUPPORT_MIN_COVERAGE
        and not feats["number_conflict"]
    ):
        return SUPPORTS
    return RELATED


# A near-verbatim match raises the bar for the claim's other supports no higher than a strong
# support would: the even claims' best scores are under this nine times in ten.
NEAR_VERBATIM = 0.3


def within_reach(scores: list[float], stances: list[str], relative: float) -> list[str]:
    """The stances with ``supports`` kept only within ``relative`` of the best supporting score.

    Scores of one claim vary by orders of magnitude between claims (a rare-worded claim scores
    high, a vague one low), so besides the global threshold the answer is cut per claim: a
    sentence far below the claim's best support (capped at :data:`NEAR_VERBATIM`, so that a
    verbatim match does not cut its paraphrases) is ``related``, not supporting.
    """
    best = max((s for s, st in zip(scores, stances, strict=True) if st == SUPPORTS), default=0.0)
    best = min(best, NEAR_VERBATIM)
    return [
        RELATED if st == SUPPORTS and s < relative * best else st
        for s, st in zip(scores, stances, strict=True)
    ]


def matched_words(claim: Claim, s: SentenceView) -> list[str]:
    """The claim's words, as written, whose terms all occur in the sentence."""
    return [w.surface for w in claim.words if all(t in s.terms for t in w.terms)]


def highlights(
    claim: Claim, s: SentenceView, matches: dict[str, Match] | None = None
) -> list[list[int]]:
    """``[start, end)`` spans of the sentence's words that match claim terms (or state them by
    a synonym, per ``matches``), adjacent spans merged."""
    spans: list[list[int]] = []
    wanted = set(claim.terms) | {m.term for m in (matches or {}).values()}
    for t in s.tokens:
        if t.term not in wanted:
            continue
        if spans and s.text[spans[-1][1] : t.start] in ("", "-", " "):
            spans[-1][1] = t.end
        else:
            spans.append([t.start, t.end])
    return spans


@dataclass(frozen=True)
class Cover:
    """One claim word the sentence covers: how (exact, variant, synonym, speaker, neighbour)
    and the sentence's word (or the speaker's name) standing for it."""

    claim_word: str
    how: str
    sentence_word: str


def covers(claim: Claim, matches: dict[str, Match]) -> list[Cover]:
    """The claim's words the sentence covers, in claim order, each once."""
    found: dict[str, Cover] = {}
    for w in claim.words:
        hits = [matches[t] for t in w.terms if t in matches]
        if w.surface not in found and len(hits) == len(w.terms):
            joint = "-" if "-" in w.surface else " "
            found[w.surface] = Cover(w.surface, hits[0].how, joint.join(h.word for h in hits))
    return list(found.values())


_HOW_WORDS = {
    EXACT: "as written",
    VARIANT: "as a variant",
    SYNONYM: "by a synonym",
    SPEAKER: "through the speaker",
    NEIGHBOUR: "from the sentence it refers back to",
}


def explain(claim: Claim, j: Judgement) -> str:
    """The score and the stance in words: what the verifier read, what the sentence covers,
    and what disagrees."""
    found = covers(claim, j.matches)
    counts = {how: sum(c.how == how for c in found) for how in _HOW_WORDS}
    parts = [f"{n} {words}" for how, words in _HOW_WORDS.items() if (n := counts[how])]
    said = f"States {len(found)} of {len(claim.words)} claim words"
    said += f" ({', '.join(parts)})" if parts else ""
    if j.unread:
        return f"Not read by the verifier (below the claim's best candidates). {said}."
    if j.reading is not None:
        entailed, contradicted = j.reading
        verdict = {SUPPORTS: "states", REFUTES: "contradicts"}.get(
            j.stance, "neither states nor denies"
        )
        return (
            f"The verifier reads that it {verdict} the claim (entailment {entailed:.2f}, "
            f"contradiction {contradicted:.2f}). {said}."
        )
    reasons = [text for name, text in _DISAGREEMENTS.items() if j.features.get(name)]
    if j.stance == SUPPORTS or not reasons:
        return said + "."
    return said + "; but " + " and ".join(reasons) + "."


_DISAGREEMENTS = {
    "negation_mismatch": "negates what the claim states",
    "number_conflict": "states another number or date",
    "antonym": "states the opposite of a claim word",
    "predicate_swapped": "puts another word in place of the claim's key word",
}
