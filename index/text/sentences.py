"""Sentence segmentation with character offsets into the stored article text.

pysbd is used (see README for the comparison with syntok): it keeps quotations with inner full
stops together and knows abbreviations, initials and decimal numbers. Paragraphs are segmented
one at a time, and page furniture (headings, captions, link lines) yields no sentences.

pysbd costs about a millisecond a sentence, so it only sees the text that needs it. A paragraph
of plain characters (no quotation marks, ``!``/``?`` or line breaks) is first cut where a full
stop certainly ends a sentence: after a word of two or more letters, lower-case but for its
first, that is no abbreviation or Roman numeral, before a space and a capital. A piece with no
other full stop is one sentence as it stands; only pieces with another full stop (a number, an
initial, ``U.S.``, ``Feb.``) go to pysbd.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache

import pysbd
from pysbd.lang.english import English

from index.text.articles import is_furniture

_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*")
# Text whose every full stop is either sure or left to pysbd: no line breaks, !?, list markers,
# quotation marks or non-ASCII; brackets only around text without a full stop.
_PLAIN = re.compile(r"[A-Za-z0-9 ,.;:%$&/+'()<>-]*")
_STOP_INSIDE = re.compile(r"\([^)]*\.[^)]*\)")
_DECIMAL = re.compile(r"(?<=\d)\.(?=\d)")
_SURE_STOP = re.compile(r"(?<![A-Za-z0-9.'-])([A-Za-z][a-z]+)\. +(?=[A-Z])")
_QUOTE_MARK = re.compile(r"(?<![A-Za-z])'")
_ABBREVIATIONS = frozenset(English.Abbreviation.ABBREVIATIONS)
_ROMAN = re.compile(r"[ivxlcdm]+")


@dataclass(frozen=True)
class Sentence:
    """A sentence and its ``[start, end)`` offsets in the article text."""

    index: int
    start: int
    end: int
    text: str


#: Regular expressions Python keeps compiled. pysbd passes pattern strings to ``re`` (several
#: per abbreviation it knows, some 800 in all), more than the 512 Python keeps, so it compiled
#: ~20 patterns per paragraph it segmented, a third of its time.
REGEX_CACHE = 4096


@cache
def _segmenter() -> pysbd.Segmenter:
    re._MAXCACHE = max(re._MAXCACHE, REGEX_CACHE)  # read by re at each compile; set once
    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> list[Sentence]:
    """Split article text into sentences whose offsets slice ``text`` exactly."""
    spans = [span for span, furniture in paragraph_sentences(text) if not furniture]
    return [Sentence(i, s, e, text[s:e]) for i, (s, e) in enumerate(spans)]


def paragraph_sentences(text: str) -> list[tuple[tuple[int, int], bool]]:
    """Every sentence span of ``text``, paragraph by paragraph, each with whether its paragraph
    is page furniture (a heading, a caption, a link line): articles drop those, drafts keep
    them to say why they were not checked."""
    found = []
    for para in _PARAGRAPH.finditer(text):
        furniture = is_furniture(para.group())
        found += [(span, furniture) for span in _paragraph_spans(para.group(), para.start())]
    return found


def _paragraph_spans(paragraph: str, base: int) -> list[tuple[int, int]]:
    if not _is_plain(paragraph):
        return _pysbd_spans(paragraph, base)
    spans = []
    for start, end in _sure_pieces(paragraph):
        piece = paragraph[start:end]
        stripped = piece.strip()
        if "." in _DECIMAL.sub("", stripped[:-1]):  # an unsure full stop: pysbd decides
            spans.extend(_pysbd_spans(piece, base + start))
        elif any(ch.isalnum() for ch in stripped):
            first = start + len(piece) - len(piece.lstrip())
            spans.append((base + first, base + first + len(stripped)))
    return spans


def _is_plain(paragraph: str) -> bool:
    """True when cutting at sure stops cannot change what pysbd makes of the paragraph."""
    return (
        bool(_PLAIN.fullmatch(paragraph))
        and not _QUOTE_MARK.search(paragraph)
        and paragraph.count("(") == paragraph.count(")")
        and not _STOP_INSIDE.search(paragraph)
    )


def _sure_pieces(paragraph: str) -> list[tuple[int, int]]:
    """The paragraph cut just after each full stop that surely ends a sentence."""
    cuts = [0]
    for m in _SURE_STOP.finditer(paragraph):
        word = m.group(1).lower()
        if word not in _ABBREVIATIONS and not _ROMAN.fullmatch(word):
            cuts.append(m.end(1) + 1)
    cuts.append(len(paragraph))
    return list(itertools.pairwise(cuts))


#: Control characters, which pysbd reads as part of a list marker's number and then fails on
#: ("a \\x1f0. b"); it is shown spaces instead, one for one, so offsets stay the text's.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _pysbd_spans(paragraph: str, base: int) -> list[tuple[int, int]]:
    paragraph = _CONTROL.sub(" ", paragraph)
    spans = []
    cursor = 0
    # The processor's sentences are located here; Segmenter.segment() would compile a regex per
    # sentence to find them, which costs more than the segmentation.
    for piece in _segmenter().processor(paragraph).process():
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
