"""Evidence for people: the plain-text answer (curl, the CLI) and the pieces the web page marks up.

One renderer, so ``curl -H 'Accept: text/plain'`` and ``provenance search`` print the same thing.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .evidence import Evidence, EvidenceResult
from .support import SUPPORTS

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
    return "\n\n".join(blocks) + "\n"


def _block(item: Evidence) -> str:
    a = item.article
    stance = "" if item.stance == SUPPORTS else f" · {item.stance}"
    lines = [origin(a.published, a.source, a.url) + stance, f"  {one_line(item.sentence)}"]
    if item.attribution and item.attribution.speaker:
        lines.append(f"  said by: {item.attribution.speaker}")
    lines.append(f"  why: {item.explanation}")
    lines += [f"  also in: {origin(c.published, c.source, c.url)}" for c in item.also_in]
    return "\n".join(lines)


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
