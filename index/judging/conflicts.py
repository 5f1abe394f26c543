"""What a refuting sentence disagrees on, as data: the kind of conflict and the value the claim
and the sentence each state, as written, read from the rule that made the stance ``refutes``
(or, when only the verifier saw a contradiction, its reading of the whole sentence).

The rules are listed once, in :data:`DISAGREEMENTS`: the stance (:mod:`.model`) asks whether any
fires, the explanation (:mod:`.explain`) says in words which do, and :func:`conflict` reads the
values of the first that does.
"""

from __future__ import annotations

import re
from enum import StrEnum

from index.judging.claims import Token
from index.judging.features import (
    conflicting_mentions,
    key_predicate,
    opposite_words,
    swapped_words,
)
from index.judging.negation import negation_cue
from index.judging.views import Conflict, Reading


class ConflictKind(StrEnum):
    """What kind of value the claim and a refuting sentence disagree on."""

    NUMBER = "number"  # a quantity: "500" against "about 300"
    DATE = "date"  # a year, a day or a month: "2016" against "2014"
    WEEKDAY = "weekday"  # "Monday" against "Thursday"
    NEGATION = "negation"  # one side denies: "willing to return" against "ruled out returning"
    ANTONYM = "antonym"  # a claim word's opposite, or another word in its key word's place
    NAME = "name"  # another name where the claim's key word names someone or something
    MODALITY = "modality"  # "likely" against "certain", "may" against "will"
    READING = "reading"  # only the verifier read a contradiction: the claim and the sentence


#: The rules that make a sentence refute a claim it states most of, each with what it says in
#: words; in the order a conflict is read from them.
DISAGREEMENTS = {
    "negation_mismatch": "negates what the claim states",
    "number_conflict": "states another number or date",
    "antonym": "states the opposite of a claim word",
    "predicate_swapped": "puts another word in place of the claim's key word",
}


def disagrees(feats: dict[str, float]) -> bool:
    """Whether any rule of :data:`DISAGREEMENTS` fires."""
    return any(feats[name] for name in DISAGREEMENTS)


def conflict(r: Reading, feats: dict[str, float]) -> Conflict:
    """What the sentence of a ``refutes`` judgement disagrees on: read from the first rule of
    :data:`DISAGREEMENTS` that fires, or, when none does (the verifier's contradiction alone),
    the claim and the sentence as the verifier read them."""
    fired = next((name for name in DISAGREEMENTS if feats.get(name)), None)
    if fired == "negation_mismatch":
        return _negation(r)
    if fired == "number_conflict":
        pair = conflicting_mentions(r)
        if pair is not None:
            claimed, stated = pair
            kind = _MENTION_KINDS.get(claimed.kind, ConflictKind.NUMBER)
            return Conflict(
                kind,
                r.claim.text[claimed.start : claimed.end],
                r.s.text[stated.start : stated.end],
            )
    if fired == "antonym":
        pair = opposite_words(r)
        if pair is not None:
            return Conflict(ConflictKind.ANTONYM, *pair)
    if fired == "predicate_swapped":
        pair = swapped_words(r)
        if pair is not None:
            return Conflict(_swap_kind(r.claim.text, *pair), *pair)
    return Conflict(ConflictKind.READING, r.claim.text, r.s.text)


_MENTION_KINDS = {
    "year": ConflictKind.DATE,
    "day": ConflictKind.DATE,
    "named month": ConflictKind.DATE,
    "named weekday": ConflictKind.WEEKDAY,
}
_MODAL = frozenset(
    "may might could would should must can will shall likely unlikely possible possibly "
    "probably certain certainly perhaps".split()
)


def _swap_kind(claim_text: str, claimed: str, stated: str) -> ConflictKind:
    """A swapped key word's kind: modality, a name, or (any other word) antonym."""
    if {claimed.lower(), *stated.lower().split()} & _MODAL:
        return ConflictKind.MODALITY
    named = claimed[:1].isupper() and not claim_text.startswith(claimed)
    if named or all(w[:1].isupper() for w in stated.split()):
        return ConflictKind.NAME
    return ConflictKind.ANTONYM


def _negation(r: Reading) -> Conflict:
    """The negated side from its cue ("ruled out relinquishing"), the other from its word for
    what the cue governs, else from the claim's key word ("willing to return"); each side's
    clauses weighed as the negation rule weighs them."""
    claim_weights = {t: r.idf[t] for t in r.claim.terms}
    sentence_weights = {m.term: r.idf[t] for t, m in r.matches.items()}
    claim_cue = negation_cue(r.claim.text, r.claim.tokens, claim_weights)
    sentence_cue = negation_cue(r.s.text, r.s.tokens, sentence_weights)
    key = key_predicate(r.claim)
    claim_word, stated_word = key, r.matches[key].term if key in r.matches else None
    if claim_cue is not None:
        governed = _after(r.claim.tokens, claim_cue[1])
        if governed is not None and governed.term in r.matches:
            stated_word = r.matches[governed.term].term
    elif sentence_cue is not None:
        governed = _after(r.s.tokens, sentence_cue[1])
        said = [t for t, m in r.matches.items() if governed and m.term == governed.term]
        claim_word = said[0] if said else key
    return Conflict(
        ConflictKind.NEGATION,
        _phrase(r.claim.text, r.claim.tokens, claim_cue, claim_word, claim_weights),
        _phrase(r.s.text, r.s.tokens, sentence_cue, stated_word, sentence_weights),
    )


# What may stand between a phrase's first word and the word it governs ("willing to return").
_JOINED = re.compile(r"[\s\w'-]{1,5}")


def _after(tokens: tuple[Token, ...], end: int) -> Token | None:
    """The first word at or after ``end``."""
    return next((t for t in tokens if t.start >= end), None)


def _phrase(
    text: str,
    tokens: tuple[Token, ...],
    cue: tuple[int, int] | None,
    word: str | None,
    weights: dict[str, float],
) -> str:
    """The words of one side: from its negation cue, else from its ``word`` (a term), else
    from its first word for a claim term (the terms ``weights`` holds), through the word that
    follows when only a short word stands between."""
    anchor = next((t for t in tokens if t.term == word), None) or next(
        (t for t in tokens if t.term in weights), None
    )
    if cue is None and anchor is None:
        return text
    start, end = cue if cue is not None else (anchor.start, anchor.end)
    after = _after(tokens, end)
    if after is not None and _JOINED.fullmatch(" " + text[end : after.start]):
        end = after.end
    return text[start:end]
