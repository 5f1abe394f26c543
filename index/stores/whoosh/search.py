"""Claim terms -> the best sentences by BM25, exactly, over a Whoosh index.

The top ``k`` of an OR of every claim term in the sentence text, its article's title and its
speaker (:data:`FIELD_BOOSTS`), the same documents and scores Whoosh's own OR query gives, at a
fraction of the cost. Term-level MaxScore makes skipping safe rather than a guess:

1. Terms are taken in falling order of their score bound (the most any one sentence can get
   from them, from Whoosh's per-term statistics): rare terms first. Each one's postings are
   added into one array of scores, a whole posting list per numpy operation.
2. After each term, the ``k``-th best score so far is a floor no final top-``k`` score is
   under. Once the bounds of the terms left add up to less than that floor, a sentence none of
   the read terms reaches cannot enter the top ``k``, so the long lists of the common terms
   are never walked: they are only looked up (binary search) for the sentences that can still
   make it.

Decoded posting lists are kept in a bounded cache keyed by segment, which never changes once
written: a commit adds segments and a merge makes new ones, so the cache stays in step with
the index without being told.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from whoosh.query import And, Or, Term, TermRange
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from index.records import ArticleFilter
from index.stores import fields as F
from index.stores.fields import FIELD_BOOSTS
from index.stores.whoosh import internals

#: Decoded postings kept per process, in megabytes (8 bytes a posting).
CACHE_MB = float(os.environ.get("PROVENANCE_POSTINGS_CACHE_MB", "128"))


@dataclass(frozen=True)
class Scored:
    """A document of the searcher and its BM25 score for the claim."""

    docnum: int
    score: float


class PostingsCache:
    """Decoded posting lists by (segment, field, term), least recently used out first."""

    def __init__(self, megabytes: float) -> None:
        self.budget = int(megabytes * 1e6)
        self.used = 0
        self._entries: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, reader, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        key = (internals.segment_key(reader), field, term)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        found = internals.postings(reader, field, term)
        size = found[0].nbytes + found[1].nbytes
        with self._lock:
            if key not in self._entries and size <= self.budget:
                self._entries[key] = found
                self.used += size
                while self.used > self.budget:
                    _, (ids, tfs) = self._entries.popitem(last=False)
                    self.used -= ids.nbytes + tfs.nbytes
        return found


POSTINGS = PostingsCache(CACHE_MB)


@dataclass
class _Part:
    """One term's postings in one field of one segment, scored for this searcher.

    Document numbers stay the segment's own (the cached arrays, never copied); the segment's
    documents are ``[offset, stop)`` among the searcher's.
    """

    ids: np.ndarray  # the segment's document numbers, ascending
    tfs: np.ndarray
    lengths: np.ndarray  # the segment's length bytes in the field, by segment document number
    offset: int
    stop: int
    weight: float
    norms: np.ndarray

    def scores(self, at: np.ndarray | None = None) -> np.ndarray:
        """BM25 of the postings (or of those at positions ``at``)."""
        ids = self.ids if at is None else self.ids[at]
        tfs = self.tfs if at is None else self.tfs[at]
        # float64 throughout: the norms are, and float32 frequencies would round the scores.
        return tfs / (tfs + self.norms[self.lengths[ids]]) * self.weight

    def add_into(self, scores: np.ndarray) -> None:
        # A document occurs once in a part's postings, so a fancy-index add is exact.
        scores[self.offset : self.stop][self.ids] += self.scores()

    def reach(self, seen: np.ndarray) -> np.ndarray:
        """Mark the part's documents reached; those not reached before, as searcher numbers."""
        mine = seen[self.offset : self.stop]
        new = self.ids[~mine[self.ids]]
        mine[new] = True
        return new + self.offset

    def searcher_ids(self) -> np.ndarray:
        return self.ids + self.offset

    def add_found(self, scores: np.ndarray, docs: np.ndarray) -> None:
        """Add this part's BM25 to the given documents (searcher numbers) that hold the term."""
        local = docs[(docs >= self.offset) & (docs < self.stop)] - self.offset
        at = np.searchsorted(self.ids, local)
        at[at == len(self.ids)] = 0
        hit = self.ids[at] == local
        scores[self.offset : self.stop][local[hit]] += self.scores(at[hit])


@dataclass
class _Term:
    term: str
    bound: float = 0.0
    parts: list[_Part] = field(default_factory=list)


class Retrieval:
    """Exact top-``k`` BM25 over one searcher (one snapshot of the index)."""

    def __init__(self, searcher: Searcher, cache: PostingsCache = POSTINGS) -> None:
        self.searcher = searcher
        self.cache = cache
        self.leaves = [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]
        self.size = searcher.doc_count_all()
        weighting = searcher.weighting
        self.k1 = weighting.K1
        self._b = {f: weighting._field_B.get(f, weighting.B) for f in FIELD_BOOSTS}
        self._average = {f: searcher.avg_field_length(f) or 1 for f in FIELD_BOOSTS}
        lengths = np.array([byte_to_length(n) for n in range(256)], dtype=np.float64)
        self.norms = {f: self._norm(f, lengths) for f in FIELD_BOOSTS}
        self._lock = threading.Lock()
        self._free: list[tuple[np.ndarray, np.ndarray]] = []  # clean score arrays to reuse
        self._deleted: np.ndarray | None = None

    def _norm(self, field: str, length):
        """BM25's length part, ``k1 * (1 - b + b * length / average)``."""
        b = self._b[field]
        return self.k1 * ((1 - b) + b * length / self._average[field])

    def top(
        self, terms: Sequence[str], where: ArticleFilter, limit: int, *, prune: bool = True
    ) -> list[Scored]:
        """The ``limit`` best sentences for an OR of ``terms``, best first (ties: index order).

        ``prune=False`` reads every posting of every term: the exhaustive reference.
        """
        plan = sorted(self._plan(terms), key=lambda t: -t.bound)
        if not plan or limit <= 0:
            return []
        with self._scratch(where) as (scores, seen, touched):
            return self._top(plan, scores, seen, touched, limit, prune)

    def _top(
        self,
        plan: list[_Term],
        scores: np.ndarray,
        seen: np.ndarray,
        touched: list[np.ndarray],  # filled with each document once, as first reached
        limit: int,
        prune: bool,
    ) -> list[Scored]:
        best, floor = _EMPTY, -np.inf
        rest = sum(t.bound for t in plan)
        read = len(plan)
        for i, term in enumerate(plan):
            if prune and rest < floor:  # no document unreached so far can enter the top
                read = i
                break
            for part in term.parts:
                part.add_into(scores)
                touched.append(part.reach(seen))
            rest -= term.bound
            if prune:
                reached = [p.searcher_ids() for p in term.parts]
                best, floor = _best(scores, seen, best, reached, limit)
        docs = np.concatenate(touched) if touched else _EMPTY
        for term in plan[read:]:
            docs = docs[scores[docs] + rest >= floor]  # those that can still make the top
            for part in term.parts:
                part.add_found(scores, docs)
            rest -= term.bound
            floor = max(floor, _kth(scores[docs], limit))
        docs = docs[np.isfinite(scores[docs]) & (scores[docs] > 0)]
        ranked = docs[np.lexsort((docs, -scores[docs]))][:limit]
        return [Scored(int(d), float(scores[d])) for d in ranked]

    def _plan(self, terms: Sequence[str]) -> list[_Term]:
        """Each term's postings in every field and segment, with its bound; absent terms dropped."""
        planned = []
        for text in dict.fromkeys(terms):
            term = _Term(text)
            for name, boost in FIELD_BOOSTS.items():
                holding = [(r, offset) for r, offset in self.leaves if (name, text) in r]
                if not holding:  # Whoosh's idf needs a document count above zero
                    continue
                weight = boost * self.searcher.idf(name, text) * (self.k1 + 1)
                field_bound = 0.0
                for reader, offset in holding:
                    most, shortest = internals.term_bound(reader, name, text)
                    field_bound = max(
                        field_bound, weight * most / (most + self._norm(name, shortest))
                    )
                    ids, tfs = self.cache.get(reader, name, text)
                    lengths = internals.field_lengths(reader, name)
                    stop = offset + reader.doc_count_all()
                    term.parts.append(
                        _Part(ids, tfs, lengths, offset, stop, weight, self.norms[name])
                    )
                term.bound += field_bound
            if term.parts:
                term.bound *= 1 + 1e-9  # float rounding must never make a bound too low
                planned.append(term)
        return planned

    @contextmanager
    def _scratch(
        self, where: ArticleFilter
    ) -> Iterator[tuple[np.ndarray, np.ndarray, list[np.ndarray]]]:
        """Score and reached-flag arrays over every document, zero but for excluded ones.

        Unfiltered queries reuse a pair (one per concurrent query, threads or greenlets alike)
        and zero only what they touched: clearing a million scores per query cost more than
        scoring the rare terms.
        """
        if not where.is_everything:
            scores = np.full(self.size, -np.inf)
            allowed = self.searcher.docs_for_query(
                And([Term(F.KIND, F.SENTENCE_KIND), filter_query(where)])
            )
            scores[np.fromiter(allowed, dtype=np.int64)] = 0.0
            scores[self.deleted] = -np.inf
            yield scores, np.zeros(self.size, dtype=bool), []
            return
        with self._lock:
            scratch = self._free.pop() if self._free else None
        if scratch is None:
            scratch = np.zeros(self.size), np.zeros(self.size, dtype=bool)
            scratch[0][self.deleted] = -np.inf
        scores, seen = scratch
        touched: list[np.ndarray] = []
        yield scores, seen, touched  # a query that fails leaves its arrays to the collector
        for docs in touched:
            scores[docs] = 0.0
            seen[docs] = False
        scores[self.deleted] = -np.inf
        with self._lock:
            self._free.append(scratch)

    @property
    def deleted(self) -> np.ndarray:
        with self._lock:
            if self._deleted is None:
                parts = [internals.deleted_docs(r) + offset for r, offset in self.leaves]
                self._deleted = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            return self._deleted


_EMPTY = np.zeros(0, dtype=np.int64)


def _kth(values: np.ndarray, k: int) -> float:
    """The ``k``-th highest of ``values`` (minus infinity when fewer)."""
    if len(values) < k:
        return -np.inf
    return float(np.partition(values, len(values) - k)[len(values) - k])


def _best(
    scores: np.ndarray, mark: np.ndarray, best: np.ndarray, changed: list[np.ndarray], k: int
) -> tuple[np.ndarray, float]:
    """The ``k`` best of ``best`` and the ``changed`` documents, and the ``k``-th score.

    Any ``k`` distinct documents' partial scores give a floor the final ``k``-th score is not
    under; taking the previous best and the documents the last term reached keeps it high.
    ``mark`` (every entry true for reached documents) is borrowed to drop duplicates.
    """
    pieces = [best]
    mark[best] = False
    for docs in changed:
        fresh = docs[mark[docs]]
        mark[fresh] = False
        pieces.append(fresh)
    candidates = np.concatenate(pieces)
    mark[candidates] = True
    if len(candidates) <= k:
        return candidates, _kth(scores[candidates], k)
    at = np.argpartition(scores[candidates], len(candidates) - k)[len(candidates) - k :]
    chosen = candidates[at]
    return chosen, float(scores[chosen].min())


def filter_query(where: ArticleFilter):
    """The Whoosh query restricting documents to ``where`` (None for everything)."""
    parts = []
    if where.sources:
        parts.append(Or([Term(F.SOURCE_KEY, F.source_key(s)) for s in where.sources]))
    if where.published_from or where.published_to:
        parts.append(TermRange(F.DAY, where.published_from, where.published_to))
    return And(parts) if parts else None
