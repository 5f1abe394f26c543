"""The Whoosh schema and the text analyzer, declared once; other modules use these names.

One document per sentence (kind ``sentence``) carries the sentence text, its place in the
article, who it quotes (resolved once, at ingest) and the article metadata needed to answer
without a second lookup. One document per
article (kind ``article``) stores the full text, sentence spans and content hash, so adding,
replacing or deleting an article is one write of both kinds of document.
"""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh.analysis import (
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.fields import ID, STORED, TEXT, Schema

# Field names
DOC_ID = "doc_id"
KIND = "kind"
ARTICLE_ID = "article_id"
TEXT_FIELD = "text"
TITLE = "title"
SPEAKER = "speaker"
ATTRIBUTION = "attribution"
SOURCE_KEY = "source_key"
DAY = "day"
SENTENCE_INDEX = "sentence_index"
SPAN = "span"
META = "meta"
PAYLOAD = "payload"

ARTICLE_KIND = "article"
SENTENCE_KIND = "sentence"

# Written forms of one name that should match each other; keys are case-sensitive raw tokens.
CASED_VARIANTS = {"US": "usa", "U.S": "usa", "U.S.A": "usa", "USA": "usa", "U.K": "uk", "U.N": "un"}
SPELLING_VARIANTS = {
    "lugansk": "luhansk",
    "kiev": "kyiv",
    "odessa": "odesa",
    "kharkov": "kharkiv",
    "zaporozhye": "zaporizhzhia",
    "zaporizhia": "zaporizhzhia",
    "artemovsk": "bakhmut",
    "defence": "defense",
    "offence": "offense",
    "licence": "license",
    "grey": "gray",
    "programme": "program",
    "programmes": "programs",
    "tonne": "ton",
    "tonnes": "tons",
}
# British spellings folded to American ones: normalise -> normalize, colour -> color,
# kilometres -> kilometers, catalogue -> catalog.
_BRITISH_SUFFIXES = [
    (re.compile(r"(?<=\w{3})is(e|ed|es|ing|ation|ations|er|ers)$"), r"iz\1"),
    (re.compile(r"(?<=\w{2}[^aeiou])our(s|ed|ing|ful|ite|ites)?$"), r"or\1"),
    (re.compile(r"(?<=\w{2}[^aeiou])tre(s)?$"), r"ter\1"),
    (re.compile(r"(?<=\w{3})ogue(s)?$"), r"og\1"),
    (re.compile(r"(?<=\w{3})ll(ed|ing|er|ers)$"), r"l\1"),
]


class CasedVariantFilter(Filter):
    """Fold abbreviations whose meaning depends on case (US, U.S.) before lower-casing."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = CASED_VARIANTS.get(t.text, t.text)
            yield t


class SpellingFilter(Filter):
    """Fold transliteration and British/American spelling variants to one form."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = fold_spelling(t.text)
            yield t


@lru_cache(maxsize=100_000)
def fold_spelling(word: str) -> str:
    """One spelling for the variants of a lower-case word (cached: the regexes are slow)."""
    if word in SPELLING_VARIANTS:
        return SPELLING_VARIANTS[word]
    for pattern, repl in _BRITISH_SUFFIXES:
        folded = pattern.sub(repl, word)
        if folded != word:
            return folded
    return word


#: What the analyzer takes as a word; every later step maps one word to at most one term.
WORD_PATTERN = r"\w+(?:\.\w+)*"


def claim_analyzer():
    """normalise -> tokenise -> variants -> stop -> stem; used for sentences, titles and claims."""
    return (
        RegexTokenizer(WORD_PATTERN)
        | CasedVariantFilter()
        | LowercaseFilter()
        | SpellingFilter()
        | StopFilter(minsize=1)
        | StemFilter(cachesize=100_000)
    )


ANALYZER = claim_analyzer()


def build_schema() -> Schema:
    """The index schema (see the module docstring)."""
    return Schema(
        **{
            DOC_ID: ID(unique=True, stored=True),
            KIND: ID(stored=True),
            ARTICLE_ID: ID(stored=True, sortable=True),
            # No positions: no query reads them (proximity is computed from the stored text).
            TEXT_FIELD: TEXT(analyzer=ANALYZER, stored=True, phrase=False),
            TITLE: TEXT(analyzer=ANALYZER, phrase=False),
            SPEAKER: TEXT(analyzer=ANALYZER, phrase=False),
            ATTRIBUTION: STORED,
            SOURCE_KEY: ID,
            DAY: ID(sortable=True),
            SENTENCE_INDEX: STORED,  # read, never searched: no numeric terms to index
            SPAN: STORED,
            META: STORED,
            PAYLOAD: STORED,
        }
    )


def source_key(source: str | None) -> str:
    """The filter key of a source name: case and spacing do not matter."""
    return " ".join((source or "").lower().split())
