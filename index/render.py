"""Evidence for people: the plain-text answer (curl, the CLI) and the pieces the web page marks up.

One renderer, so ``curl -H 'Accept: text/plain'`` and ``provenance search`` (or ``check``) print
the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from index.answered import AnsweredWith
from index.citations import Status, Verification, VerifyResult
from index.draft import DraftResult, DraftSentence, DraftSummary, Verdict
from index.errors import describe
from index.evidence import Evidence, EvidenceResult
from index.judging.conflicts import ConflictKind
from index.judging.model import SUPPORTS
from index.judging.views import Conflict

UNDATED = "undated"
UNKNOWN_SOURCE = "unknown source"
NO_URL = "no URL"


def origin(published: str | None, source: str | None, url: str | None) -> str:
    """``date · source · URL``, naming what is unknown instead of leaving a gap."""
    return " · ".join((published or UNDATED, source or UNKNOWN_SOURCE, url or NO_URL))


def evidence_text(result: EvidenceResult) -> str:
    """One block per evidence item: date · source · URL, the sentence, then "also in:" lines."""
    blocks = [_block(item) for item in result.evidence] or [
        f"No sentence in the archive supports: {one_line(result.claim)}"
    ]
    unsupported_parts = [p.text for p in result.parts if not p.supported]
    if unsupported_parts:
        blocks.append(
            "claim parts no sentence supports: " + " | ".join(map(one_line, unsupported_parts))
        )
    if result.unsupported_terms:
        blocks.append("not supported by any sentence: " + ", ".join(result.unsupported_terms))
    if result.next is not None:
        blocks.append(f"more: ask again with cursor={result.next}")
    blocks += made_with(result.answered_with)
    return "\n\n".join(blocks) + "\n"


def _block(item: Evidence) -> str:
    a = item.article
    stance = "" if item.stance == SUPPORTS else f" · {item.stance}"
    lines = [origin(a.published, a.source, a.url) + stance, f"  {one_line(item.sentence)}"]
    if item.attribution and item.attribution.speaker:
        lines.append(f"  said by: {item.attribution.speaker}")
    lines.append(f"  why: {item.explanation}")
    if item.conflict is not None:
        lines.append(f"  conflict: {disagreement(item.conflict)}")
    lines.append(f"  cite: {item.citation.compact}")
    lines += [
        f"  also in: {origin(c.published, c.source, c.url)} · cite {c.citation.compact}"
        for c in item.also_in
    ]
    return "\n".join(lines)


def made_with(stamp: AnsweredWith | None) -> list[str]:
    """The answer's last line: what it was made with (the weights' hash cut to 12 digits)."""
    if stamp is None:
        return []
    return [
        f"answered with: generation {stamp.generation} · judge {stamp.judge} · support "
        f"weights {stamp.support_weights_sha256[:12]} · version {stamp.version}"
    ]


def disagreement(conflict: Conflict) -> str:
    """A conflict in a line: ``number · claim: 500 · source: about 300``; what the verifier
    alone read is the whole claim and sentence, shown above, so only named."""
    if conflict.kind == ConflictKind.READING:
        return f"{conflict.kind} · the verifier reads a contradiction"
    claim, source = one_line(conflict.claim), one_line(conflict.sentence)
    return f"{conflict.kind} · claim: {claim} · source: {source}"


def one_line(text: str) -> str:
    """``text`` with its runs of whitespace (line breaks included) as single spaces."""
    return " ".join(text.split())


def highlighted(text: str, spans: list[list[int]]) -> list[tuple[str, bool]]:
    """``text`` cut at the ``[start, end)`` spans into ``(piece, is_match)`` pairs, in order."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    for start, end in sorted(spans):
        start, end = max(start, at), min(end, len(text))
        if start >= end:
            continue
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def safe_link(url: str | None) -> str | None:
    """``url`` if it is an http(s) address a page may link to, else None (no ``javascript:``)."""
    return url if url and urlsplit(url).scheme.lower() in ("http", "https") else None


MARKS = {
    Verdict.SUPPORTED: "✓",
    Verdict.DISPUTED: "±",
    Verdict.CONTRADICTED: "✗",
    Verdict.UNSUPPORTED: "?",
}


@dataclass(frozen=True)
class Footnoted:
    """A checked draft laid out for people: the draft cut into pieces, each checked sentence
    with the numbers of its sources, and the sources numbered once across the draft."""

    pieces: list[tuple[str, DraftSentence | None, list[int]]]
    sources: list[Evidence]


def footnoted(result: DraftResult) -> Footnoted:
    """The draft cut at its sentences (the text between them kept), sources numbered from 1."""
    numbers: dict[tuple[str, int], int] = {}
    sources: list[Evidence] = []
    pieces: list[tuple[str, DraftSentence | None, list[int]]] = []
    at = 0
    for s in result.sentences:
        if s.start > at:
            pieces.append((result.text[at : s.start], None, []))
        cited = []
        for item in s.evidence:
            key = (item.article.id, item.sentence_index)
            if key not in numbers:
                numbers[key] = len(sources) + 1
                sources.append(item)
            cited.append(numbers[key])
        pieces.append((s.text, s, cited))
        at = s.end
    if at < len(result.text):
        pieces.append((result.text[at:], None, []))
    return Footnoted(pieces, sources)


def mark(sentence: DraftSentence, cited: list[int]) -> str:
    """The mark after a checked sentence, its sources' numbers after its verdict's symbol:
    ``[✓ 1,2]``, ``[± 1,3]``, ``[✗ 3]``, ``[? no evidence]``."""
    said = ",".join(map(str, cited)) or "no evidence"
    return f"[{MARKS[sentence.verdict]} {said}]"


def gate(summary: DraftSummary) -> str:
    """The gate in a line: ``verified 0.5 (1 of 2), fail under 0.8: failed``."""
    verdict = "passed" if summary.passed else "failed"
    if summary.verified_fraction is None:
        return f"nothing to verify, fail under {summary.fail_under:g}: {verdict}"
    return (
        f"verified {summary.verified_fraction:g} ({summary.supported} of {summary.checked}), "
        f"fail under {summary.fail_under:g}: {verdict}"
    )


def draft_text(result: DraftResult) -> str:
    """The draft with a mark after each checked sentence, then its numbered sources."""
    laid = footnoted(result)
    marked = "".join(
        f"{text} {mark(s, cited)}" if s is not None and s.checked else text
        for text, s, cited in laid.pieces
    )
    sources = [
        f"[{n}] {origin(e.article.published, e.article.source, e.article.url)} · "
        f"{'' if e.stance == SUPPORTS else f'{e.stance}: '}{one_line(e.sentence)}"
        + (f" [{disagreement(e.conflict)}]" if e.conflict is not None else "")
        + f"\n    cite: {e.citation.compact}"
        for n, e in enumerate(laid.sources, 1)
    ]
    summary = result.summary
    counts = ", ".join(f"{getattr(summary, v)} {v}" for v in Verdict)
    lines = [marked.rstrip("\n"), "", f"{summary.checked} checked: {counts}", gate(summary)]
    trailer = ["", *made_with(result.answered_with)] if result.answered_with else []
    return "\n".join([*lines, *([""] + sources if sources else []), *trailer]) + "\n"


def verification_text(result: VerifyResult) -> str:
    """One line per citation, in the order sent, with its status and what is there now.

    ``moved``: where; ``changed``: the closest sentence and its similarity (see
    :func:`verification_line`)."""
    return "".join(verification_line(n, v) + "\n" for n, v in enumerate(result.results, 1))


def verification_line(n: int, v: Verification) -> str:
    """``holds  <compact>``, ``moved  <compact> -> <compact now> [start, end)``, ``changed
    <compact> -> closest <compact> (similarity 0.71): …`` (without the cited text: ``-> in its
    place <compact>: …``), ``gone  <compact>``, or ``invalid  #n: what is wrong``."""
    if v.status == Status.INVALID:
        return f"invalid  #{n}: {describe(v.problem.errors)}"
    line = f"{v.status:<8} {v.cited}"
    now = v.citation
    if v.status == Status.MOVED:
        line += f" -> {now.compact} [{now.offsets[0]}, {now.offsets[1]})"
    elif v.status == Status.CHANGED and now is not None:
        if v.similarity is None:
            line += f" -> in its place {now.compact}: {one_line(v.sentence)}"
        else:
            line += f" -> closest {now.compact} (similarity {v.similarity:.2f}): "
            line += one_line(v.sentence)
    return line
