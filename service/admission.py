"""Admission: each worker takes a bounded amount of work at once and refuses the rest at once.

Work is counted in claims judged: an evidence request is one, a draft one per sentence its
size allows for (it is weighed from its Content-Length, before its body is read), any other
counted request one. A worker holding ``PROVENANCE_MAX_INFLIGHT`` refuses what would take it
over with a 503, ``Retry-After`` and problem+json, at once: a burst it cannot serve is refused,
not queued until its clients time out. A request heavier than the whole budget is taken when
the worker holds nothing else. Probes and metrics are never counted.

Why 503 and not 429: the limit is the worker's, not a client's quota (the service has none; a
proxy in front sets per-client rates, docs/operations.md).

Judging requests also take the worker's turns at computing
(:func:`index.models.runtime.computing`), so the event loop answers probes and refusals between
any two steps of the work it holds. Writes do not: one waiting for the index lock would hold
the turn while it waits.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask, current_app, request
from werkzeug.exceptions import ServiceUnavailable

from index.models.runtime import computing

from .config import Config

KEY = "provenance.admission"
#: What a draft's JSON or text takes per sentence, about: a draft is weighed by its size.
DRAFT_BYTES_PER_SENTENCE = 125


class Admission:
    """One worker's count of the work it holds, against its budget."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.held = 0
        self._lock = threading.Lock()

    @contextmanager
    def holding(self, weight: int) -> Iterator[None]:
        """Count ``weight`` for the block, or raise a 503 when it would exceed the budget."""
        weight = min(weight, self.budget)
        with self._lock:
            if self.held + weight > self.budget:
                raise ServiceUnavailable(
                    f"The service is at capacity: this worker holds {self.held} of the "
                    f"{self.budget} claims it judges at once (PROVENANCE_MAX_INFLIGHT); this "
                    f"request weighs {weight}. Retry after the time Retry-After gives.",
                    retry_after=current_app.config["PROVENANCE"].retry_after,
                )
            self.held += weight
        try:
            yield
        finally:
            with self._lock:
                self.held -= weight


@dataclass(frozen=True)
class Work:
    """What one request of an operation costs its worker."""

    weight: Callable[[Config], int]
    #: It judges claims: it computes on the worker's turns.
    judges: bool


def _draft_weight(config: Config) -> int:
    """The sentences a draft's size allows for (the most a draft may hold, when unsaid)."""
    if request.content_length is None:
        return config.max_draft_sentences
    return max(1, min(math.ceil(request.content_length / DRAFT_BYTES_PER_SENTENCE), 10_000))


#: Reading or writing an article: counted, no turn (a write may wait for the index lock).
LIGHT = Work(lambda config: 1, judges=False)
#: One claim judged (GET or POST /v1/evidence, the page's claim).
CLAIM = Work(lambda config: 1, judges=True)
#: A draft: one per sentence its size allows for.
DRAFT = Work(_draft_weight, judges=True)


@contextmanager
def admitted(work: Work | None) -> Iterator[None]:
    """Run the block as ``work`` on this worker: counted, and on its turns when it judges;
    refused with a 503 when the worker is full. ``None`` (probes, metrics): just run it."""
    if work is None:
        yield
        return
    config = current_app.config["PROVENANCE"]
    with current_app.extensions[KEY].holding(work.weight(config)):
        if work.judges:
            with computing():
                yield
        else:
            yield


def init_admission(app: Flask) -> None:
    """This worker's count, against the configured budget."""
    app.extensions[KEY] = Admission(app.config["PROVENANCE"].max_inflight)
