"""A per-worker cache of evidence answers, keyed by the query and what answers it is made
with (the index generation first), and the validator (ETag) of an answer.

Every commit, by any process, starts a new index generation, so an answer is never served
once a write could have changed it: a new article is found and a deleted one is gone at once.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from dataclasses import asdict, replace

from index.answered import AnsweredWith, answered_with
from index.evidence import EvidenceQuery, EvidenceResult
from index.pages import find_page
from index.stores.whoosh.store import Store


def answer_etag(made_with: AnsweredWith, query: EvidenceQuery, as_text: bool) -> str:
    """The validator of an answer: what it is made with, the question as loaded (defaults
    filled in) and the representation; the same for every worker that answers it."""
    asked = [asdict(made_with), asdict(query), "text" if as_text else "json"]
    return hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()[:32]


class AnswerCache:
    """The last ``size`` answers of this process, least recently used out first (0: none)."""

    def __init__(self, size: int, secret: bytes) -> None:
        self.size = size
        self.secret = secret
        self._answers: OrderedDict[tuple, EvidenceResult] = OrderedDict()
        self._lock = threading.Lock()

    def answer(
        self, store: Store, query: EvidenceQuery, made_with: AnsweredWith | None = None
    ) -> EvidenceResult:
        """The page of the answer the query asks for (:func:`index.pages.find_page`, its
        cursors signed with this cache's secret), from the cache when the index has not
        changed (``made_with``: what answers are made with now, when the caller has read it)."""
        started = time.perf_counter()
        made_with = made_with or answered_with(store)
        key = (query, made_with)
        with self._lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
        if found is not None:
            return replace(found, took_ms=round((time.perf_counter() - started) * 1000, 2))
        result = find_page(store, query, self.secret, made_with=made_with)
        # Kept only if no commit landed meanwhile: the answer may come from the newer snapshot.
        if self.size and str(store.generation()) == made_with.generation:
            with self._lock:
                self._answers[key] = result
                while len(self._answers) > self.size:
                    self._answers.popitem(last=False)
        return result
