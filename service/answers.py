"""A per-worker cache of evidence answers, keyed by the query and the index generation.

Every commit, by any process, starts a new index generation, so an answer is never served
once a write could have changed it: a new article is found and a deleted one is gone at once.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import replace

from index.evidence import EvidenceQuery, EvidenceResult
from index.pages import find_page
from index.stores.whoosh.store import Store


class AnswerCache:
    """The last ``size`` answers of this process, least recently used out first (0: none)."""

    def __init__(self, size: int, secret: bytes) -> None:
        self.size = size
        self.secret = secret
        self._answers: OrderedDict[tuple, EvidenceResult] = OrderedDict()
        self._lock = threading.Lock()

    def answer(self, store: Store, query: EvidenceQuery) -> EvidenceResult:
        """The page of the answer the query asks for (:func:`index.pages.find_page`, its
        cursors signed with this cache's secret), from the cache when the index has not
        changed."""
        started = time.perf_counter()
        key = (query, store.generation())
        with self._lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
        if found is not None:
            return replace(found, took_ms=round((time.perf_counter() - started) * 1000, 2))
        result = find_page(store, query, self.secret)
        # Kept only if no commit landed meanwhile: the answer may come from the newer snapshot.
        if self.size and store.generation() == key[1]:
            with self._lock:
                self._answers[key] = result
                while len(self._answers) > self.size:
                    self._answers.popitem(last=False)
        return result
