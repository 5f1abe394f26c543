"""The support model's features: small functions of a (claim, sentence) reading, listed in
:data:`FEATURES` so each can be tested and ablated on its own (coverage, proximity, negation,
number and predicate conflicts, the verifier's reading).
"""

from __future__ import annotations

from functools import cache, lru_cache

from index.judging.claims import Claim, Token, terms_of
from index.judging.lexicon import lexicon
from index.judging.negation import negated
from index.judging.quantities import Mention, _kinded, mentions, quantities, rounded_quantities
from index.judging.views import EXACT, NEIGHBOUR, SYNONYM, VARIANT, Reading, SentenceView

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
    """1 when the claim states a quantity, year, day, month or weekday the sentence lacks while
    stating another of its kind (2014 vs 2016, 2 degrees vs 3 degrees, June vs May, "five
    hundred" vs 300); a quantity counts as stated when it is the claimed one as the claim
    rounds it (see :func:`states`)."""
    return float(conflicting_mentions(r) is not None)


def conflicting_mentions(r: Reading) -> tuple[Mention, Mention] | None:
    """The first claimed quantity, year, day, month or weekday the sentence lacks while stating
    another of its kind, and the sentence's first of that kind; None when none conflicts."""
    steps = rounded_quantities(r.claim.text)
    stated = _kinded(r.s.text)
    kinds = {kind for kind, _ in stated}
    for claimed in mentions(r.claim.text):
        if claimed.kind in kinds and not states(stated, claimed.kind, claimed.value, steps):
            return claimed, next(m for m in mentions(r.s.text) if m.kind == claimed.kind)
    return None


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
    return float(opposite_words(r) is not None)


def opposite_words(r: Reading) -> tuple[str, str] | None:
    """The claim word and the sentence's opposite of it that make :func:`antonym`, as written."""
    lex = lexicon()
    for at, w in enumerate(r.claim.words):
        term = w.terms[-1]
        if term in r.matches or term not in lex.antonyms:
            continue
        slot = _slot(r, at, both=False)
        opposite = lex.antonym_of(term, frozenset(t.term for t in slot)) if slot else None
        if opposite:
            said = next(t for t in slot if t.term == opposite)
            return w.surface, r.s.text[said.start : said.end]
    return None


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
    return float(swapped_words(r) is not None)


def swapped_words(r: Reading) -> tuple[str, str] | None:
    """The claim's key word and the sentence's words in its place that make
    :func:`predicate_swapped`, as written."""
    key = key_predicate(r.claim)
    if key is None or key in r.matches:
        return None
    if r.share(t for t, m in r.matches.items() if m.how != NEIGHBOUR) < SWAP_MIN_STATED:
        return None
    at = next(i for i, w in enumerate(r.claim.words) if key in w.terms)
    slot = _slot(r, at, both=True)
    claimed = set(r.claim.terms)
    if not slot or any(t.term in claimed for t in slot):
        return None
    return r.claim.words[at].surface, r.s.text[slot[0].start : slot[-1].end]


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


# Verbs that report, link or name rather than state: a claim's "said" is covered by
# attribution, and in "called the report false" what is claimed is "false".
_LIGHT_VERBS = (
    "say said says tell told be was were been being has had have do does did get got "
    "call called calls describe described consider considered label labelled labeled "
    "term termed"
)


@cache
def _light_terms() -> frozenset[str]:
    return terms_of(_LIGHT_VERBS) | frozenset(_LIGHT_VERBS.split())


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
