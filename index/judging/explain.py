"""Why a sentence was judged as it was, in words: the claim words it states and how (as
written, a variant, a synonym, the speaker), its highlights, and what disagrees.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.judging.claims import Claim
from index.judging.conflicts import DISAGREEMENTS
from index.judging.model import REFUTES, SUPPORTS
from index.judging.views import (
    EXACT,
    NEIGHBOUR,
    SPEAKER,
    SYNONYM,
    VARIANT,
    Judgement,
    Match,
    SentenceView,
)


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
    reasons = [text for name, text in DISAGREEMENTS.items() if j.features.get(name)]
    if j.stance == SUPPORTS or not reasons:
        return said + "."
    return said + "; but " + " and ".join(reasons) + "."
