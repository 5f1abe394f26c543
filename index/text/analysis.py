"""The text analyzer, declared once: normalise -> tokenise -> variants -> stop -> stem.

Sentences, titles and claims go through the same steps, so a claim's terms are the archive's
terms on either backend (Whoosh indexes with it; OpenSearch is sent its output).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from operator import itemgetter

from whoosh.analysis import STOP_WORDS, Filter, Token, Tokenizer
from whoosh.lang.porter import stem
from whoosh.system import pack_uint

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


class ClaimAnalyzer(Tokenizer):
    """normalise -> tokenise -> variants -> stop -> stem in one step; for sentences, titles, claims.

    Each step maps one word to at most one term, so a word's folded form and term are worked
    out once and looked up after that, where Whoosh's chain (``RegexTokenizer(WORD_PATTERN) |
    CasedVariantFilter() | LowercaseFilter() | SpellingFilter() | StopFilter(minsize=1) |
    StemFilter()``, still in the schema of indexes made before this class) ran six generators
    per word. The tokens are that chain's, keyword for keyword (positions renumbered over stop
    words, ``removestops``, ``no_morph``, ``tokenize``, ``keeporiginal``).
    """

    is_morph = True

    def __init__(self, expression: str = WORD_PATTERN, cachesize: int = 100_000) -> None:
        self.expression = expression
        self.cachesize = cachesize
        self._compile()

    def _compile(self) -> None:
        self._words = re.compile(self.expression)
        #: word -> (folded word, its stem or None for a stop word, the stem's bytes)
        self._terms: dict[str, tuple[str, str | None, bytes | None]] = {}
        #: text -> its postings: an article's title is indexed with each of its sentences
        self._postings: dict[tuple[str, float], list] = {}

    def __getstate__(self) -> dict:
        return {"expression": self.expression, "cachesize": self.cachesize}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._compile()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.expression == self.expression

    def __hash__(self) -> int:
        return hash((type(self), self.expression))

    def _entries(self, words: list[str]) -> list[tuple[str, str | None, bytes | None]]:
        """Each word's (folded word, its term, the term's bytes), the term None for a stop word."""
        entries = list(map(self._terms.get, words))
        if None in entries:
            entries = [e or self._learn(w) for w, e in zip(words, entries, strict=True)]
        return entries

    def _learn(self, word: str) -> tuple[str, str | None, bytes | None]:
        folded = fold_spelling(CASED_VARIANTS.get(word, word).lower())
        stop = not folded or folded in STOP_WORDS  # StopFilter(minsize=1)
        term = None if stop else stem(folded)
        # One bytes object per term, shared by its postings in the writer's pool.
        entry = (folded, term, None if stop else term.encode())
        if len(self._terms) >= self.cachesize:  # a long-lived process sees an open vocabulary
            self._terms.clear()
        self._terms[word] = entry
        return entry

    def postings(self, value: str, boost: float) -> list[tuple[bytes, int, float, bytes]]:
        """``(term, frequency, weight, encoded frequency)`` of each term, as Whoosh's TEXT
        (``Frequency`` format) indexes ``value``, without a Token per word."""
        key = (value, boost)
        if key in self._postings:
            return self._postings[key]
        counts = Counter(map(itemgetter(2), self._entries(self._words.findall(value))))
        counts.pop(None, None)  # stop words
        found = [(t, n, float(n) * boost, _packed(n)) for t, n in counts.items()]
        if len(self._postings) >= 64:  # titles repeat; sentences rarely do
            self._postings.clear()
        self._postings[key] = found
        return found

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        no_morph: bool = False,
        **kwargs,
    ):
        """The tokens of ``value``, one Token object re-yielded (Whoosh's convention)."""
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if tokenize:
            matches = [(m.group(), m.start(), m.end()) for m in self._words.finditer(value)]
        else:  # the whole value is one word, and its original text is always kept
            matches = [(value, 0, len(value))]
            keeporiginal = True
        entries = self._entries([word for word, _, _ in matches])
        pos = None  # StopFilter's renumbering: the first kept word keeps its place
        for i, ((word, start, end), (folded, stemmed, _)) in enumerate(
            zip(matches, entries, strict=True)
        ):
            if stemmed is None:
                if removestops:
                    continue
                t.text, t.stopped = folded, True
                if positions:
                    t.pos = start_pos + i
            else:
                t.text, t.stopped = (folded if no_morph else stemmed), False
                if positions:
                    pos = start_pos + i if pos is None else pos + 1
                    t.pos = pos
            t.boost = 1.0
            if keeporiginal:
                t.original = word
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


ANALYZER = ClaimAnalyzer()


@lru_cache(maxsize=256)
def _packed(frequency: int) -> bytes:
    """A frequency as Whoosh's Frequency format encodes it, one object per value."""
    return pack_uint(frequency)
