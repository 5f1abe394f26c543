"""Numbers and dates as a sentence states them: quantities with units and the rounding the
writer used, years, month and weekday names; what the number and date conflicts compare.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from index.judging.claims import terms_of

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
    compare, and years stand apart as ``year`` and days of a month as ``day``. Numbers written
    as words count as their digits would ("five hundred" is 500, "two dozen" 24).
    """
    return frozenset(rounded_quantities(text))


# A hedge before a number says it is rounded: "about 30 percent" is 25 to 35.
_HEDGE = re.compile(
    r"\b(?:about|around|roughly|approximately|nearly|almost|some|circa|an estimated)\s+$|~\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Mention:
    """A number, year, day, month or weekday as a text states it: its kind (a unit, ``""``
    for a bare number, ``year``, ``day``, ``named month``, ``named weekday``), its value (a
    float, or the full name), the rounding step of a quantity, and ``text[start:end]`` as
    written (with its hedge: "about 300")."""

    kind: str
    value: float | str
    step: float
    start: int
    end: int

    @property
    def is_quantity(self) -> bool:
        return isinstance(self.value, float)


@lru_cache(maxsize=50_000)
def rounded_quantities(text: str) -> dict[tuple[str, float], float]:
    """Each quantity of :func:`quantities` with its rounding step: the place of its last digit
    as written ("7.2 m": 0.1; "29 billion": 1e9), or, after a hedge or in words, of its last
    nonzero digit ("about 30 percent": 10; "five hundred": 100)."""
    return {(m.kind, m.value): m.step for m in mentions(text) if m.is_quantity}


@lru_cache(maxsize=50_000)
def mentions(text: str) -> tuple[Mention, ...]:
    """The numbers (in digits or words), years, days, months and weekdays a text states, in
    the order it states them."""
    named = _named_mentions(text)
    found = [*_digit_mentions(text, named), *_word_mentions(text), *named]
    return tuple(sorted(found, key=lambda m: m.start))


def _digit_mentions(text: str, named: list[Mention]) -> list[Mention]:
    """The numbers in digits; one next to a month's name (of ``named``) is a day."""
    months = [m for m in named if m.kind == "named month"]
    found = []
    for m in _NUMBER.finditer(text):
        raw = m.group().replace(",", "")
        value = float(raw)
        written = m.start() + len(m.group().rstrip(","))  # "27," of "February 27, 2025"
        glued = re.match(r"[A-Za-z]+", text[m.end() :])
        if glued and glued.group().lower() not in _GLUED_UNITS:
            continue  # "5G", "3D": a name
        before = _BEFORE.search(text[: m.start()])
        if before and _names_a_thing(before.group(1), before.start(1)) and not _is_year(raw):
            continue  # "Boeing 737", "Article 5"
        if _is_year(raw) and not glued:
            found.append(Mention("year", value, 0.0, m.start(), written))
            continue
        if months and _is_day(text, m.start(), m.end(), raw, months):
            found.append(Mention("day", value, 0.0, m.start(), written))
            continue
        digits = Decimal(raw)
        hedge = _HEDGE.search(text[: m.start()])
        if hedge:
            digits = digits.normalize()
        multiplier, end = _multiplier(text, m.end())
        step = 10.0 ** min(digits.as_tuple().exponent, 12) * multiplier
        start = hedge.start() if hedge else m.start()
        if glued:
            written = m.end() + glued.end()  # "10km" whole
        unit = _unit(text, m.end(), glued)
        found.append(Mention(unit, value * multiplier, step, start, max(end, written)))
    return found


def _word_mentions(text: str) -> list[Mention]:
    found = []
    for m in _NUMBER_WORDS.finditer(text):
        if m.start() and text[m.start() - 1] == "-":
            continue  # "COVID-nineteen", "one-on-one": part of a word
        value = _word_value(m.group().lower())
        if value is None:
            continue  # "one" alone is more often a pronoun; "a" alone is no number
        hedge = _HEDGE.search(text[: m.start()])
        step = 10.0 ** Decimal(int(value)).normalize().as_tuple().exponent if value else 1.0
        start = hedge.start() if hedge else m.start()
        found.append(Mention(_unit(text, m.end(), None), value, step, start, m.end()))
    return found


def _named_mentions(text: str) -> list[Mention]:
    found = []
    for m in _DATE_WORD.finditer(text):
        word = m.group("may") or m.group("may2") or m.group("name")
        for kind, names in (("month", _MONTHS), ("weekday", _WEEKDAYS)):
            full = next((n for n in names if n.startswith(word)), None)
            if full:
                found.append(Mention(f"named {kind}", full, 0.0, m.start(), m.end()))
    return found


_SMALL = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_WORD_VALUES = {
    **{w: float(i) for i, w in enumerate(_SMALL)},
    **{w: float(20 + 10 * i) for i, w in enumerate(_TENS)},
}
_SCALES = {"dozen": 12.0, "hundred": 100.0, **_MULTIPLIERS}
_COUNTS = "|".join([*_SMALL, *_TENS])
_NUMBER_WORD = f"(?:{_COUNTS}|{'|'.join(_SCALES)})"
# A run of number words ("two dozen", "five hundred and twenty-five", "a million"), not glued
# to another word by a hyphen ("three-year", "two-thirds": names of a span or a share).
# The lookahead lets the engine pass over most words at once (every number word starts so).
_NUMBER_WORDS = re.compile(
    rf"\b(?=[aefnostz])(?:an?|{_COUNTS})(?:(?:\s+and)?[\s-]+{_NUMBER_WORD})*\b(?!-\w)",
    re.IGNORECASE,
)


def _word_value(phrase: str) -> float | None:
    """The value of a run of number words; None for a lone "a" or "one"."""
    words = [w for w in re.split(r"[\s-]+", phrase) if w != "and"]
    if len(words) == 1 and words[0] in ("a", "an", "one"):
        return None
    total = current = 0.0
    for w in words:
        if w in ("a", "an"):
            current = 1.0
        elif w in _WORD_VALUES:
            current += _WORD_VALUES[w]
        elif w in ("dozen", "hundred"):
            current = max(current, 1.0) * _SCALES[w]
        else:
            total += max(current, 1.0) * _SCALES[w]
            current = 0.0
    return total + current


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
    terms = terms_of(word)
    return next(iter(terms)) if terms else ""


def _multiplier(text: str, end: int) -> tuple[float, int]:
    """The multiplier word after a number ("3 million") and where it ends (1 and 0: none)."""
    word = re.match(r"\s+([A-Za-z]+)", text[end:])
    if word and word.group(1).lower() in _MULTIPLIERS:
        return _MULTIPLIERS[word.group(1).lower()], end + word.end()
    return 1.0, 0


def _is_day(text: str, start: int, end: int, raw: str, months: list[Mention]) -> bool:
    """A number of one or two digits next to one of the ``months``: "February 27", "27 Feb."."""
    if not raw.isdigit() or not 1 <= int(raw) <= 31:
        return False
    return any(
        m.end <= start
        and re.fullmatch(r"\.?\s+", text[m.end : start])
        or m.start >= end
        and re.fullmatch(r"\s+", text[end : m.start])
        for m in months
    )


def date_words(text: str) -> set[tuple[str, str]]:
    """The months and weekdays a text names, as ``("month", "June")``/``("weekday", "Friday")``."""
    return {(m.kind.removeprefix("named "), m.value) for m in _named_mentions(text)}


@lru_cache(maxsize=50_000)
def _kinded(text: str) -> frozenset[tuple[str, object]]:
    """The quantities, years, months and weekdays a text states, each with its kind."""
    # Month and weekday names apart from quantities: "6 months" is not a month's name.
    return frozenset((m.kind, m.value) for m in mentions(text))


def _is_year(n: str) -> bool:
    return n.isdigit() and len(n) == 4 and 1000 <= int(n) <= 2100
