"""Numbers and dates as a sentence states them: quantities with units and the rounding the
writer used, years, month and weekday names; what the number and date conflicts compare.
"""

from __future__ import annotations

import re
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
    terms = terms_of(word)
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
