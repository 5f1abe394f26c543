"""Claim -> candidate sentences: the claim is analysed as text, never parsed as query syntax."""

from __future__ import annotations

import bisect
import heapq
import json
import math
import re
import weakref
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.query import And, Term
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from . import schema as S
from .store import ArticleFilter

_WORD = re.compile(r"[\w][\w.'\u2019-]*[\w]|\w")
TITLE_BOOST = 0.3
#: Retrieval reads the postings of the claim's rarest terms, at least MIN_DECIDING of them, up to
#: about POSTINGS_BUDGET postings; POOL_FACTOR times the asked number are rescored in full.
POSTINGS_BUDGET = 3000
MIN_DECIDING = 2
POOL_FACTOR = 2
SPEAKER_BOOST = 0.5


@dataclass(frozen=True)
class Token:
    """One analysed term of a text and where its word sits: ``[start, end)`` and position."""

    term: str
    start: int
    end: int
    pos: int


@lru_cache(maxsize=50_000)
def analyse(text: str) -> tuple[Token, ...]:
    """Analyse text with the index's analyzer, keeping character offsets and positions.

    Cached: the same candidate sentences come back for many claims.
    """
    return tuple(
        Token(t.text, t.startchar, t.endchar, t.pos)
        for t in S.ANALYZER(text, positions=True, chars=True, removestops=True)
    )


_ANALYZED_WORD = re.compile(S.WORD_PATTERN)


def term_counts(text: str) -> Counter[str]:
    """How often each index term occurs in the text: ``analyse`` without offsets, word by word.

    The analyzer's steps after tokenising map one word to at most one term, so each distinct
    word is analysed once and remembered; rescoring pooled sentences needs only these counts.
    """
    counts = Counter(map(_word_term, _ANALYZED_WORD.findall(text)))
    counts.pop(None, None)
    return counts


@lru_cache(maxsize=200_000)
def _word_term(word: str) -> str | None:
    terms = [t.text for t in S.ANALYZER(word, removestops=True)]
    return terms[0] if terms else None


@dataclass(frozen=True)
class ClaimWord:
    """A word of the claim as written and the index terms it analyses to."""

    surface: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Claim:
    """A claim analysed for search: its content words and distinct terms in order."""

    text: str
    words: tuple[ClaimWord, ...]

    @cached_property
    def terms(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for w in self.words:
            for t in w.terms:
                seen.setdefault(t, None)
        return tuple(seen)

    @cached_property
    def tokens(self) -> tuple[Token, ...]:
        return analyse(self.text)


def analyse_claim(text: str) -> Claim:
    """Split the claim into words (hyphenated words stay whole) and analyse each."""
    words = []
    for m in _WORD.finditer(text):
        terms = tuple(t.term for t in analyse(m.group()))
        if terms:
            words.append(ClaimWord(m.group(), terms))
    return Claim(text, tuple(words))


@dataclass(frozen=True)
class Candidate:
    """A sentence the index returned for a claim, with its stored fields and BM25 score."""

    docnum: int
    fields: dict
    bm25: float

    @property
    def text(self) -> str:
        return self.fields[S.TEXT_FIELD]


def claim_idf(searcher: Searcher, claim: Claim) -> dict[str, float]:
    """Inverse document frequency of each claim term among sentences (1 for unseen terms)."""
    count = max(searcher.doc_count(), 1)
    return {
        t: math.log(count / (searcher.doc_frequency(S.TEXT_FIELD, t) + 1)) + 1 for t in claim.terms
    }


def find_candidates(
    searcher: Searcher, claim: Claim, where: ArticleFilter, limit: int
) -> list[Candidate]:
    """The ``limit`` best sentences by BM25 for the claim's terms, within ``where``.

    A union of every claim term reads every posting of every term, which grows with the archive
    (seconds at a million sentences). So only the rarest terms, the ones that decide, retrieve:
    their postings are read a block at a time and scored into a pool of the best sentences.
    The commoner terms then add their scores to the pool alone, counted in the pooled
    sentences' own stored text, which costs the same at any archive size.
    """
    if not claim.terms:
        return []
    deciding, common = _split_by_frequency(searcher, claim)
    restriction = where.query()
    # A set, not docs_for_query's generator: membership tests would consume a generator.
    allowed = (
        set(searcher.docs_for_query(And([Term(S.KIND, S.SENTENCE_KIND), restriction])))
        if restriction
        else None
    )
    pool = _accumulate(searcher, deciding, allowed)
    pooled = heapq.nlargest(POOL_FACTOR * limit, pool, key=pool.get)
    fields = {d: dict(searcher.stored_fields(d)) for d in pooled}
    scores = {d: pool[d] for d in pooled}
    if common:
        for docnum, score in _stored_scores(searcher, common, fields).items():
            scores[docnum] += score
    best = heapq.nlargest(limit, scores, key=scores.get)
    return [Candidate(d, fields[d], scores[d]) for d in best]


def _split_by_frequency(
    searcher: Searcher, claim: Claim
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The claim's rarest terms, at least MIN_DECIDING, within the postings budget; the rest.

    Both in claim order.
    """
    frequency = {t: searcher.doc_frequency(S.TEXT_FIELD, t) for t in claim.terms}
    deciding: set[str] = set()
    postings = 0
    for term in sorted(claim.terms, key=frequency.get):
        if len(deciding) >= MIN_DECIDING and postings + frequency[term] > POSTINGS_BUDGET:
            break
        deciding.add(term)
        postings += frequency[term]
    return (
        tuple(t for t in claim.terms if t in deciding),
        tuple(t for t in claim.terms if t not in deciding),
    )


#: Where a claim term is looked for, and the weight of a match there (the sentence's own text
#: counts fully, its article's title and its speaker less).
FIELD_BOOSTS = {S.TEXT_FIELD: 1.0, S.TITLE: TITLE_BOOST, S.SPEAKER: SPEAKER_BOOST}


def _accumulate(searcher: Searcher, terms: tuple[str, ...], allowed: set[int] | None):
    """Every sentence holding any of the terms in any field, with its summed BM25 (an OR).

    The scores Whoosh's matchers give an OR of ``Term(field, term, boost)`` over
    :data:`FIELD_BOOSTS`, at a fraction of the cost per posting: postings are decoded a block
    at a time and BM25 is computed inline.
    """
    scores: dict[int, float] = defaultdict(float)
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        for field, boost in FIELD_BOOSTS.items():
            present = [t for t in terms if (field, t) in reader]
            if not present:  # an empty segment has no length columns to read either
                continue
            lengths, norm = _field_lengths(reader, field), _bm25_norms(searcher, field)
            for term in present:
                weight = boost * _bm25_weight(searcher, field, term)
                for ids, tfs in _postings(reader, field, term):
                    for docnum, tf in zip(ids, tfs, strict=True):
                        if allowed is None or docnum + offset in allowed:
                            scores[docnum + offset] += weight * tf / (tf + norm[lengths[docnum]])
    return scores


def _stored_scores(
    searcher: Searcher, terms: tuple[str, ...], fields: dict[int, dict]
) -> dict[int, float]:
    """The summed BM25 of ``terms`` in each given sentence, counted in its stored fields.

    The score the postings would give: the stored text, title and speaker analyse to the
    indexed terms, and field lengths are read from the index.
    """
    wanted = set(terms)
    norms = {field: _bm25_norms(searcher, field) for field in FIELD_BOOSTS}
    weights = {
        (field, t): boost * _bm25_weight(searcher, field, t)
        for field, boost in FIELD_BOOSTS.items()
        for t in terms
    }
    leaves = searcher.leaf_searchers()
    starts = [offset for _, offset in leaves]
    scores: dict[int, float] = defaultdict(float)
    for docnum, stored in fields.items():
        leaf = bisect.bisect_right(starts, docnum) - 1
        reader, local = leaves[leaf][0].reader(), docnum - starts[leaf]
        for field, text in _scored_texts(stored).items():
            counts = term_counts(text)
            norm = norms[field][_field_lengths(reader, field)[local]]
            for term in wanted.intersection(counts):
                tf = counts[term]
                scores[docnum] += weights[(field, term)] * tf / (tf + norm)
    return scores


def _scored_texts(stored: dict) -> dict[str, str]:
    """A sentence's indexed text per field, as ingest indexed it, from its stored fields."""
    said = stored.get(S.ATTRIBUTION)
    return {
        S.TEXT_FIELD: stored[S.TEXT_FIELD],
        S.TITLE: json.loads(stored[S.META]).get("title") or "",
        S.SPEAKER: said[0] if said else "",
    }


def _bm25_weight(searcher: Searcher, field: str, term: str) -> float:
    """The term's part of BM25 in the field: ``idf * (k1 + 1)`` with Whoosh's global idf."""
    return searcher.idf(field, term) * (searcher.weighting.K1 + 1)


def _bm25_norms(searcher: Searcher, field: str) -> list[float]:
    """BM25's length part, ``k1 * (1 - b + b * length / average)``, for each length byte.

    BM25 is then ``weight * tf / (tf + norms[length byte])``: the figures of Whoosh's BM25F
    scorer, with the length part computed once per searcher for the 256 lengths Whoosh stores.
    """
    per_field = _NORMS.setdefault(searcher, {})
    if field not in per_field:
        per_field[field] = _norms(searcher, field)
    return per_field[field]


def _norms(searcher: Searcher, field: str) -> list[float]:
    weighting = searcher.weighting
    k1, b = weighting.K1, weighting._field_B.get(field, weighting.B)
    average = searcher.avg_field_length(field) or 1
    return [k1 * ((1 - b) + b * byte_to_length(n) / average) for n in range(256)]


#: Each segment's field lengths, one byte per document, read once per open segment; and each
#: searcher's BM25 length parts per field (they depend on the average length).
_LENGTHS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_NORMS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _field_lengths(reader, field: str) -> bytes:
    """The length byte of every document of a segment in ``field`` (0 when it has none).

    Read whole from Whoosh's length column (a private layout of whoosh-reloaded 2.7.5, pinned):
    looking lengths up one posting at a time cost more than the scoring itself.
    """
    per_field = _LENGTHS.setdefault(reader, {})
    if field not in per_field:
        column = reader._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
        count = reader.doc_count_all()
        raw = column._dbfile.get(column._basepos, column._count) if column else b""
        per_field[field] = raw + bytes(count - len(raw))
    return per_field[field]


def _postings(reader, field: str, term: str) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
    """A term's postings in one segment, a block at a time: (docnums, term frequencies)."""
    matcher = reader.postings(field, term)
    if isinstance(matcher, W3LeafMatcher):  # block-wise decoding, skipping per-posting calls
        while not matcher._atend:
            matcher._read_ids()
            matcher._read_weights()
            yield matcher._ids, matcher._weights
            matcher._next_block()
        return
    ids, tfs = [], []  # short lists stored inline in the term index
    while matcher.is_active():
        ids.append(matcher.id())
        tfs.append(matcher.weight())
        matcher.next()
    yield ids, tfs
