"""Citations: where a sentence of an answer sits, sealed by sha256, and checking one later.

A :class:`Citation` names an article, the sentence's index and ``[start, end)`` offsets in the
stored article text, the sha256 of that text and of the sentence (after Unicode NFC), and a
compact form ``<article_id>:<sentence_index>:<first 12 hex of the sentence hash>`` for a
footnote or a URL. Article ids may hold ``:``, never the index or the hash, so the compact form
is read from the right.

:func:`verify` says of each citation sent back whether the archive still says it: ``holds``,
``moved``, ``changed`` (with the closest sentence) or ``gone``; a malformed one is ``invalid``.
"""

from __future__ import annotations

import hashlib
import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from index.errors import InvalidCitation
from index.records import StoredArticle
from index.stores.base import ArticleStore, Snapshot
from index.text.articles import ID_PATTERN
from index.text.sentences import Sentence

#: Hex digits of the sentence hash in the compact form.
COMPACT_HEX = 12
#: Citations one HTTP request verifies at most (the library takes any number).
MAX_CITATIONS = 1000
_HEX = re.compile(r"[0-9a-fA-F]+")
_INDEX = re.compile(r"[0-9]{1,9}")
_WORD = re.compile(r"\w+")
_SURROGATE = re.compile("[\ud800-\udfff]")


def sentence_sha256(text: str) -> str:
    """The sha256 (hex) of a sentence's text after Unicode NFC, as UTF-8."""
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()


def compact(article_id: str, sentence_index: int, sentence_hash: str) -> str:
    """``<article_id>:<sentence_index>:<first 12 hex of the sentence hash>``."""
    return f"{article_id}:{sentence_index}:{sentence_hash[:COMPACT_HEX]}"


@dataclass(frozen=True)
class Citation:
    """A sentence of the archive, as an answer cites it."""

    article_id: str
    sentence_index: int
    offsets: list[int]
    article_sha256: str
    sentence_sha256: str
    compact: str


def cite(stored: StoredArticle, sentence_index: int) -> Citation:
    """The citation of the article's sentence at ``sentence_index``."""
    s = stored.sentences[sentence_index]
    return citation_of(stored, s, sentence_sha256(s.text))


def citation_of(stored: StoredArticle, s: Sentence, digest: str) -> Citation:
    """The citation of the article's sentence ``s``, whose hash is ``digest``."""
    article_id = stored.article.id
    return Citation(
        article_id,
        s.index,
        [s.start, s.end],
        stored.text_sha256,
        digest,
        compact(article_id, s.index, digest),
    )


# --- reading a citation sent back --------------------------------------------------------------


@dataclass(frozen=True)
class Cited:
    """A citation as sent back: the sentence hash may be the compact form's prefix, the offsets
    are optional, and ``sentence`` (the cited text, when sent) lets a ``changed`` answer say how
    close the nearest sentence is. An ``article_sha256`` sent is checked for form only: whether
    the cited sentence holds does not depend on the rest of the article."""

    article_id: str
    sentence_index: int
    sentence_sha256: str
    offsets: tuple[int, int] | None = None
    sentence: str | None = None

    @property
    def compact(self) -> str:
        return compact(self.article_id, self.sentence_index, self.sentence_sha256)

    def names(self, digest: str) -> bool:
        """Whether a sentence with this full hash is the one cited."""
        return digest.startswith(self.sentence_sha256)


COMPACT_FORM = (
    "A compact citation is <article_id>:<sentence_index>:<12 to 64 hex digits of the "
    "sentence's sha256>."
)


def parse_citation(entry: object) -> Cited:
    """A citation sent back: an object (as answers give it) or its compact string; raises
    :class:`InvalidCitation` naming what is wrong."""
    if isinstance(entry, str):
        return _parse_compact(entry)
    if not isinstance(entry, dict):
        raise InvalidCitation({"_schema": ["A citation is an object or a compact string."]})
    errors = {name: ["Unknown field."] for name in entry if name not in (*REQUIRED, *OPTIONAL)}
    for name, check in REQUIRED.items():
        problem = check(entry[name]) if name in entry else "Missing data for required field."
        if problem:
            errors[name] = [problem]
    for name, check in OPTIONAL.items():
        problem = check(entry[name]) if entry.get(name) is not None else ""
        if problem:
            errors[name] = [problem]
    if errors:
        raise InvalidCitation(errors)
    offsets, sentence = entry.get("offsets"), entry.get("sentence")
    cited = Cited(
        entry["article_id"],
        entry["sentence_index"],
        entry["sentence_sha256"].lower(),
        tuple(offsets) if offsets is not None else None,
        sentence,
    )
    _check_agrees(cited, entry.get("compact"))
    return cited


def _parse_compact(text: str) -> Cited:
    article_id, _, rest = text.strip().rpartition(":")
    article_id, _, index = article_id.rpartition(":")
    if (
        _article_id(article_id)
        or not _INDEX.fullmatch(index)
        or not (COMPACT_HEX <= len(rest) <= 64 and _HEX.fullmatch(rest))
    ):
        raise InvalidCitation({"_schema": [COMPACT_FORM]})
    return Cited(article_id, int(index), rest.lower())


def _article_id(value: object) -> str:
    ok = isinstance(value, str) and ID_PATTERN.fullmatch(value)
    return "" if ok else "Ids are 1-128 characters of letters, digits, '.', '_', ':' or '-'."


def _index(value: object) -> str:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**9
    return "" if ok else "A sentence index is a whole number from 0."


def _sha256(value: object) -> str:
    ok = isinstance(value, str) and len(value) == 64 and _HEX.fullmatch(value)
    return "" if ok else "A sha256 is 64 hex digits."


def _offsets(value: object) -> str:
    ok = (
        isinstance(value, list)
        and len(value) == 2
        and not _index(value[0])
        and not _index(value[1])
        and value[0] <= value[1]
    )
    return "" if ok else "Offsets are [start, end): two whole numbers, start <= end."


def _text(value: object) -> str:
    ok = isinstance(value, str) and not _SURROGATE.search(value)
    return "" if ok else "The cited sentence is Unicode text."


def _compact_text(value: object) -> str:
    return "" if isinstance(value, str) else "The compact form is a string."


#: Each field of a citation object and what checks it (a message when it is wrong).
REQUIRED = {"article_id": _article_id, "sentence_index": _index, "sentence_sha256": _sha256}
OPTIONAL = {
    "offsets": _offsets,
    "article_sha256": _sha256,
    "compact": _compact_text,
    "sentence": _text,
}


def _check_agrees(cited: Cited, given: str | None) -> None:
    """A citation's parts must agree: its sentence with its hash, its compact form with both."""
    if cited.sentence is not None and sentence_sha256(cited.sentence) != cited.sentence_sha256:
        raise InvalidCitation({"sentence": ["Its sha256 (after NFC) is not sentence_sha256."]})
    if given is None:
        return
    try:
        named = _parse_compact(given)
    except InvalidCitation:
        named = None
    if (
        named is None
        or (named.article_id, named.sentence_index) != (cited.article_id, cited.sentence_index)
        or not cited.sentence_sha256.startswith(named.sentence_sha256)
    ):
        raise InvalidCitation({"compact": [f"Not this citation's compact form: {cited.compact}."]})


# --- verifying ---------------------------------------------------------------------------------


class Status(StrEnum):
    """What the archive says now of a cited sentence."""

    HOLDS = "holds"  # the same sentence, same text, same place
    MOVED = "moved"  # the article was replaced; the same sentence is elsewhere in it
    CHANGED = "changed"  # the article is there, the sentence is not: the closest is given
    GONE = "gone"  # no article has the id (deleted, or never stored)
    INVALID = "invalid"  # the citation is malformed


@dataclass(frozen=True)
class Problem:
    """What is wrong with one citation, in the shape of an HTTP problem (RFC 9457): the
    request as a whole still succeeds, the entry says 422."""

    detail: str
    errors: dict[str, list[str]]
    status: int = 422
    title: str = "Unprocessable Content"
    type: str = "about:blank"


@dataclass(frozen=True)
class Verification:
    """What one citation finds: the sentence now (held, moved, or the closest one) and how
    like the cited text it is (1 when the same), or what is wrong with the citation."""

    status: Status
    cited: str | None
    citation: Citation | None = None
    sentence: str | None = None
    similarity: float | None = None
    problem: Problem | None = None


@dataclass(frozen=True)
class VerifySummary:
    """How many citations got each status."""

    holds: int
    moved: int
    changed: int
    gone: int
    invalid: int

    @classmethod
    def of(cls, results: list[Verification]) -> VerifySummary:
        statuses = [v.status for v in results]
        return cls(*(statuses.count(s) for s in Status))


@dataclass(frozen=True)
class VerifyResult:
    """Every citation's verification, in the order sent, with the archive generation they
    were checked on."""

    results: list[Verification]
    summary: VerifySummary
    generation: str
    took_ms: float

    @property
    def all_hold(self) -> bool:
        return all(v.status == Status.HOLDS for v in self.results)


def verify_citations(store: ArticleStore, entries: Sequence[object]) -> VerifyResult:
    """:func:`verify` on the store's current snapshot."""
    started = time.perf_counter()
    generation = str(store.generation())
    results = verify(store.snapshot(), entries)
    took_ms = round((time.perf_counter() - started) * 1000, 2)
    return VerifyResult(results, VerifySummary.of(results), generation, took_ms)


def verify(snapshot: Snapshot, entries: Sequence[object]) -> list[Verification]:
    """Each citation checked on one snapshot, in order; every article read once."""
    parsed: list[Cited | InvalidCitation] = []
    for entry in entries:
        try:
            parsed.append(parse_citation(entry))
        except InvalidCitation as exc:
            parsed.append(exc)
    ids = {c.article_id for c in parsed if isinstance(c, Cited)}
    articles = {i: _Read(a) for i, a in snapshot.articles(sorted(ids)).items()}
    return [
        Verification(Status.INVALID, None, problem=Problem(str(c), c.errors))
        if isinstance(c, InvalidCitation)
        else _verify_one(c, articles.get(c.article_id))
        for c in parsed
    ]


class _Read:
    """A stored article and its sentences' hashes, each worked out once however often cited."""

    def __init__(self, stored: StoredArticle) -> None:
        self.stored = stored
        self._digests: list[str | None] = [None] * len(stored.sentences)

    def digest(self, j: int) -> str:
        found = self._digests[j]
        if found is None:
            found = self._digests[j] = sentence_sha256(self.stored.sentences[j].text)
        return found


def _verify_one(cited: Cited, read: _Read | None) -> Verification:
    if read is None:
        return Verification(Status.GONE, cited.compact)
    sentences, i = read.stored.sentences, cited.sentence_index
    if (
        i < len(sentences)
        and cited.names(read.digest(i))
        and cited.offsets in (None, (sentences[i].start, sentences[i].end))
    ):
        return _found(Status.HOLDS, cited, read, i, 1.0)
    same = [j for j in range(len(sentences)) if cited.names(read.digest(j))]
    if same:
        return _found(Status.MOVED, cited, read, min(same, key=lambda j: abs(j - i)), 1.0)
    if not sentences:
        return Verification(Status.CHANGED, cited.compact)
    if cited.sentence is None:
        return _found(Status.CHANGED, cited, read, _nearest_place(cited, sentences), None)
    scores = [similarity(cited.sentence, s.text) for s in sentences]
    best = max(range(len(sentences)), key=lambda j: (scores[j], -abs(j - i)))
    return _found(Status.CHANGED, cited, read, best, scores[best])


def _found(status: Status, cited: Cited, read: _Read, j: int, sim: float | None) -> Verification:
    s = read.stored.sentences[j]
    citation = citation_of(read.stored, s, read.digest(j))
    return Verification(status, cited.compact, citation, s.text, sim)


def _nearest_place(cited: Cited, sentences: list[Sentence]) -> int:
    """Without the cited text, the closest sentence is the one where it was: the most overlap
    with the cited offsets, else the same index (the last one, past the end)."""
    if cited.offsets is not None:
        start, end = cited.offsets
        overlaps = [min(end, s.end) - max(start, s.start) for s in sentences]
        best = max(range(len(sentences)), key=lambda j: overlaps[j])
        if overlaps[best] > 0:
            return best
    return min(cited.sentence_index, len(sentences) - 1)


def words(text: str) -> set[str]:
    """The distinct words of a text, NFC and case-folded."""
    return set(_WORD.findall(unicodedata.normalize("NFC", text).casefold()))


def similarity(a: str, b: str) -> float:
    """Token Jaccard: the share of the two texts' distinct words (NFC, case-folded) that both
    hold, from 0 (none) to 1 (the same words), to four places."""
    x, y = words(a), words(b)
    union = x | y
    return round(len(x & y) / len(union), 4) if union else 1.0
