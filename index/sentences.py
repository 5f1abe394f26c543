"""Sentence segmentation with character offsets into the stored article text.

pysbd is used (see README for the comparison with syntok): it keeps quotations with inner full
stops together and knows abbreviations, initials and decimal numbers. Paragraphs are segmented
one at a time, and page furniture (headings, captions, link lines) yields no sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pysbd

from .articles import is_furniture

_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*")


@dataclass(frozen=True)
class Sentence:
    """A sentence and its ``[start, end)`` offsets in the article text."""

    index: int
    start: int
    end: int
    text: str


@cache
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> list[Sentence]:
    """Split article text into sentences whose offsets slice ``text`` exactly."""
    spans: list[tuple[int, int]] = []
    for para in _PARAGRAPH.finditer(text):
        if is_furniture(para.group()):
            continue
        spans.extend(_paragraph_spans(para.group(), para.start()))
    return [Sentence(i, s, e, text[s:e]) for i, (s, e) in enumerate(spans)]


def _paragraph_spans(paragraph: str, base: int) -> list[tuple[int, int]]:
    spans = []
    cursor = 0
    for piece in _segmenter().segment(paragraph):
        piece = piece.strip()
        if not piece:
            continue
        start = paragraph.find(piece, cursor)
        if start < 0:  # pysbd altered the text: keep the rest of the paragraph as one sentence
            rest = paragraph[cursor:]
            start = cursor + len(rest) - len(rest.lstrip())
            spans.append((base + start, base + len(rest.rstrip()) + cursor))
            break
        end = start + len(piece)
        if any(ch.isalnum() for ch in piece):
            spans.append((base + start, base + end))
        cursor = end
    return spans
