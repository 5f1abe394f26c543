"""Clauses and the negation that governs them: a denial counts only in the clause it scopes
("..., a notion also ruled out by Russia" does not negate the first clause).
"""

from __future__ import annotations

import re

from index.judging.claims import Token

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
    return negation_cue(text, tokens, weights) is not None


def negation_cue(
    text: str, tokens: tuple[Token, ...], weights: dict[str, float]
) -> tuple[int, int] | None:
    """``[start, end)`` in ``text`` of the negation cue that makes it :func:`negated`, or None."""
    spans = clauses(text)
    held = [sum(weights.get(t.term, 0.0) for t in tokens if a <= t.start < b) for a, b in spans]
    a, b = spans[held.index(max(held))] if any(held) else (0, len(text))
    cue = _cue(text[a:b])
    return (a + cue[0], a + cue[1]) if cue else None


def _cue(clause: str) -> tuple[int, int] | None:
    """Where a negation cue remains once double negatives are read as positives."""
    # Blanked to the same length, so the cue's place is the clause's own.
    kept = _DOUBLE_NEGATIVE.sub(lambda m: " " * len(m.group()), clause)
    found = _NEGATION.search(kept)
    return found.span() if found else None
