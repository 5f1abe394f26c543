"""Every page of an answer: a ``cursor`` to the next page, bound to the archive it started on.

One big answer is well defined however deep it goes. Candidates are taken in retrieval order
(BM25 best first, equal scores in the backend's order, which a longer list keeps:
:meth:`~index.stores.base.Snapshot.candidates`) in *pools* of
:func:`~index.evidence.pool_size` (100, or three per item of ``limit``): pool 0 is the first
page's own, so the first page is :func:`~index.evidence.find_evidence`'s answer. Each pool is
judged and folded on its own (retrieval relative to the claim's best candidate, the per-claim
cut from the best support of the pools so far), its items best first; the answer is pool 0's
items, then pool 1's, and so on. It goes on past a pool only while that pool was full and held
at least a page (``limit``) of items, and never past :data:`MAX_CANDIDATES`: an answer thinning
out ends. A copy of a sentence that a later pool holds is an item of that pool (pools never
reach back into items already answered).

The cursor says where the next page starts (pool, items of it answered, best support before
it), for which query, on which generation of the archive; it is base64url JSON and an
HMAC-SHA256 tag under a secret the service's workers share, so a changed or made-up cursor is
refused (:class:`~index.errors.InvalidCursor`), and a cursor of an older generation is stale
(:class:`~index.errors.StaleCursor`): the answer may have changed, ask again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from collections.abc import Hashable
from dataclasses import astuple, dataclass

from index.answered import AnsweredWith, answered_with
from index.errors import InvalidCursor, StaleCursor
from index.evidence import (
    CANDIDATE_POOL,
    EvidenceQuery,
    EvidenceResult,
    Judged,
    Window,
    answer,
    asked_groups,
    fold_copies,
    judge_candidates,
    pool_size,
)
from index.judging.claims import Claim, analyse_claim
from index.judging.model import SUPPORTS
from index.stores.base import ArticleStore, Snapshot

#: How deep an answer goes at most, in candidates: half of OpenSearch's default
#: index.max_result_window (10,000, past which a search is refused), leaving room for the stale
#: sentences its snapshot widens a search by.
MAX_CANDIDATES = 5_000
CURSOR_VERSION = 1
#: Bytes of the HMAC-SHA256 tag a cursor carries.
TAG_BYTES = 16
#: What every cursor looks like: base64url JSON, a dot, the base64url tag.
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,400}\.[A-Za-z0-9_-]{22}$"


@dataclass(frozen=True)
class Position:
    """Where a page starts: the pool, how many of its items came before, and the best
    supporting score of the pools before it."""

    tier: int = 0
    skip: int = 0
    best: float = 0.0


def find_page(
    store: ArticleStore,
    query: EvidenceQuery,
    secret: bytes,
    pool: int = CANDIDATE_POOL,
    made_with: AnsweredWith | None = None,
) -> EvidenceResult:
    """The page of the claim's answer that ``query.cursor`` points to (None: the first), with
    the cursor of the next page in ``next`` (None: the answer is complete); cursors are signed
    with ``secret``."""
    started = time.perf_counter()
    cursor = query.cursor
    generation = store.generation()
    size = pool_size(query, pool)
    start = Position() if cursor is None else read_cursor(cursor, query, size, generation, secret)
    claim = analyse_claim(query.claim)
    snapshot = store.snapshot()
    found = page_groups(snapshot, claim, query, store, size, start)
    if cursor is not None and store.generation() != generation:
        raise StaleCursor(STALE)  # a write landed while the page was read
    following = found[query.limit][0] if len(found) > query.limit else None
    return answer(
        claim,
        query,
        [g for _, g in found[: query.limit]],
        snapshot,
        started,
        following and write_cursor(following, query, size, generation, secret),
        made_with or answered_with(store),
    )


def page_groups(
    snapshot: Snapshot,
    claim: Claim,
    query: EvidenceQuery,
    store: ArticleStore,
    size: int,
    start: Position,
) -> list[tuple[Position, list[Judged]]]:
    """The groups of the answer from ``start`` on, each with its position: a page's worth and
    one more when the answer has more, pool after pool (see the module docstring)."""
    found: list[tuple[Position, list[Judged]]] = []
    tier, skip, best = astuple(start)
    while True:
        window = Window(tier, best)
        judged = judge_candidates(snapshot, claim, query, store.encoder, size, window)
        groups = asked_groups(fold_copies(judged), query)
        found += [(Position(tier, i, best), g) for i, g in enumerate(groups) if i >= skip]
        goes_on = len(judged) == size and len(groups) >= query.limit
        if len(found) > query.limit or not goes_on or (tier + 2) * size > MAX_CANDIDATES:
            return found
        supports = (j.judgement.score for j in judged if j.judgement.stance == SUPPORTS)
        tier, skip, best = tier + 1, 0, max([best, *supports])


STALE = "The archive has changed since this cursor was issued; ask again without a cursor."
FORGED = "Not a cursor this service issued (or it was changed); ask again without a cursor."
ELSEWHERE = (
    "This cursor belongs to another query; send it with the claim, filters, stance, min_score "
    "and limit it was issued for."
)


def write_cursor(
    at: Position, query: EvidenceQuery, size: int, generation: Hashable, secret: bytes
) -> str:
    """The opaque, signed cursor of a page of ``query``'s answer on this ``generation``."""
    fields = [CURSOR_VERSION, str(generation), query_key(query, size), *astuple(at)]
    body = _b64(json.dumps(fields, separators=(",", ":")).encode())
    return f"{body}.{_b64(_tag(body, secret))}"


def read_cursor(
    cursor: str, query: EvidenceQuery, size: int, generation: Hashable, secret: bytes
) -> Position:
    """Where the cursor's page starts; :class:`InvalidCursor` for one this service did not
    issue or issued for another query, :class:`StaleCursor` for one of an older generation."""
    if not re.fullmatch(CURSOR_PATTERN, cursor):
        raise InvalidCursor(FORGED)
    body, _, tag = cursor.partition(".")
    if not hmac.compare_digest(tag, _b64(_tag(body, secret))):
        raise InvalidCursor(FORGED)
    try:
        version, issued_on, key, tier, skip, best = json.loads(_unb64(body))
        at = Position(int(tier), int(skip), float(best))
    except (ValueError, TypeError, binascii.Error):
        raise InvalidCursor(FORGED) from None
    if version != CURSOR_VERSION or key != query_key(query, size):
        raise InvalidCursor(FORGED if version != CURSOR_VERSION else ELSEWHERE)
    if issued_on != str(generation):
        raise StaleCursor(STALE)
    return at


def query_key(query: EvidenceQuery, size: int) -> str:
    """What fixes an answer's items and order: every parameter but ``context``, and the pool."""
    asked = [
        query.claim,
        query.limit,
        query.min_score,
        list(query.sources),
        query.published_from,
        query.published_to,
        query.stance,
        size,
    ]
    return hashlib.sha256(json.dumps(asked).encode()).hexdigest()[:16]


def _tag(body: str, secret: bytes) -> bytes:
    return hmac.new(secret, body.encode(), hashlib.sha256).digest()[:TAG_BYTES]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
