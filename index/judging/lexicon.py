"""Synonyms, antonyms, verbs and adjectives of English, as index terms, from WordNet 3.0.

The table ``lexicon.json`` is generated from Debian's ``wordnet-base`` files by
``scripts/build_lexicon.py`` and shipped with the package, so the service needs no download and
no setup; WordNet's licence notice travels inside the table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LEXICON_FILE = Path(__file__).with_name("lexicon.json")


@dataclass(frozen=True)
class Lexicon:
    """Term -> synonym terms and term -> antonym terms; the terms mostly used as verbs, and
    those mostly used as adjectives (by WordNet's sense-tagged corpus counts)."""

    synonyms: dict[str, list[str]]
    antonyms: dict[str, list[str]]
    verbs: frozenset[str]
    adjectives: frozenset[str]

    def synonym_of(self, term: str, terms: frozenset[str]) -> str | None:
        """A term of ``terms`` meaning the same as ``term`` (WordNet synonyms), if any."""
        return next((t for t in self.synonyms.get(term, ()) if t in terms), None)

    def antonym_of(self, term: str, terms: frozenset[str]) -> str | None:
        """A term of ``terms`` meaning the opposite of ``term`` (WordNet antonyms), if any."""
        return next((t for t in self.antonyms.get(term, ()) if t in terms), None)


@cache
def lexicon() -> Lexicon:
    """The shipped table, read once per process."""
    table = json.loads(LEXICON_FILE.read_text(encoding="utf-8"))
    return Lexicon(
        table["synonyms"],
        table["antonyms"],
        frozenset(table["verbs"]),
        frozenset(table["adjectives"]),
    )
