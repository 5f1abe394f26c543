"""Service configuration: one class reading environment variables, with defaults."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from index.draft import DraftLimits
from index.judging import verifier
from index.models import semantic
from index.stores.open import BACKENDS
from index.stores.opensearch.settings import OpenSearchSettings


def _keys(value: str | None) -> tuple[str, ...]:
    return tuple(k.strip() for k in (value or "").split(",") if k.strip())


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


#: The default of PROVENANCE_MAX_INFLIGHT: claims a worker judges at once for each core it has.
INFLIGHT_PER_CORE = 128


def default_inflight(env: dict[str, str]) -> int:
    """``INFLIGHT_PER_CORE`` for each core a worker has: the cores this process may run on,
    shared by ``WEB_CONCURRENCY`` workers, at least one (service/admission.py)."""
    workers = max(1, int(env.get("WEB_CONCURRENCY", "2")))
    return INFLIGHT_PER_CORE * max(1, len(os.sched_getaffinity(0)) // workers)


#: The NDJSON article limit when semantic ranking is on and none is set: embedding makes a write
#: about 23 times slower, and a thousand articles would take minutes in one request.
SEMANTIC_BULK_ARTICLES = 100


@dataclass(frozen=True)
class Config:
    """Everything the service reads from its environment (see README, "Configuration")."""

    #: ``whoosh`` (an index directory) or ``opensearch`` (a cluster; see OpenSearchSettings).
    backend: str = "whoosh"
    index_dir: Path = Path("var/index")
    opensearch: OpenSearchSettings = field(default_factory=OpenSearchSettings)
    #: Semantic ranking (the ``semantic`` extra): sentence vectors at ingest, cosine in the model.
    semantic: bool = False
    #: The verifier judges the top candidates (index/judging/verifier.py); off: the lexical rules
    #: alone.
    verifier: bool = verifier.DEFAULT == "on"
    api_keys: tuple[str, ...] = ()
    read_keys_required: bool = False
    max_claim_chars: int = 2_000
    #: The largest draft POST /v1/check takes (SPEC §3b), in characters and in sentences.
    max_draft_chars: int = DraftLimits.max_chars
    max_draft_sentences: int = DraftLimits.max_sentences
    max_article_bytes: int = 2 * 1024 * 1024
    max_request_bytes: int = 16 * 1024 * 1024
    #: Articles one NDJSON request may hold: a request is written whole within the worker's
    #: timeout and holds the index lock for seconds, not minutes (docs/operations.md).
    max_bulk_articles: int = 1_000
    lock_timeout: float = 10.0
    #: Claims one worker judges at once (a draft counts its sentences); beyond it, 503.
    max_inflight: int = INFLIGHT_PER_CORE
    retry_after: int = 2
    answer_cache: int = 256
    #: The key that signs evidence cursors; empty: derived (see :attr:`cursor_key`).
    cursor_secret: str = ""

    @property
    def cursor_key(self) -> bytes:
        """The HMAC key of /v1/evidence's cursors: ``PROVENANCE_CURSOR_SECRET``, else derived
        from what every worker (and every replica) of one deployment shares: the archive's
        place, its credentials and the API keys. Cursors then pass between workers and
        survive restarts; only a configured secret keeps them unforgeable (docs/operations.md)."""
        if self.cursor_secret:
            return self.cursor_secret.encode()
        if self.backend == "opensearch":
            place = [self.opensearch.prefix, self.opensearch.password or ""]
        else:
            place = [str(Path(self.index_dir).resolve())]
        shared = ["provenance cursor", self.backend, *place, *self.api_keys]
        return hashlib.sha256("\0".join(shared).encode()).digest()

    @property
    def draft_limits(self) -> DraftLimits:
        """The largest draft one check takes."""
        return DraftLimits(self.max_draft_chars, self.max_draft_sentences)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Config:
        """Read ``PROVENANCE_*`` variables from ``env`` (default: the process environment)."""
        env = os.environ if env is None else env
        default = cls()
        backend = env.get("PROVENANCE_BACKEND", default.backend)
        wants_semantic = semantic.wanted(env)
        if backend not in BACKENDS:
            raise ValueError(f"PROVENANCE_BACKEND must be one of {', '.join(BACKENDS)}.")
        max_inflight = int(env.get("PROVENANCE_MAX_INFLIGHT", default_inflight(env)))
        if max_inflight < 1:
            raise ValueError("PROVENANCE_MAX_INFLIGHT must be at least 1.")
        return cls(
            backend=backend,
            opensearch=OpenSearchSettings.from_env(env),
            semantic=wants_semantic,
            verifier=verifier.wanted(env),
            index_dir=Path(env.get("PROVENANCE_INDEX_DIR", str(default.index_dir))),
            api_keys=_keys(env.get("PROVENANCE_API_KEYS")),
            read_keys_required=_flag(env.get("PROVENANCE_READS_REQUIRE_KEY")),
            max_claim_chars=int(env.get("PROVENANCE_MAX_CLAIM_CHARS", default.max_claim_chars)),
            max_draft_chars=int(env.get("PROVENANCE_MAX_DRAFT_CHARS", default.max_draft_chars)),
            max_draft_sentences=int(
                env.get("PROVENANCE_MAX_DRAFT_SENTENCES", default.max_draft_sentences)
            ),
            max_article_bytes=int(
                env.get("PROVENANCE_MAX_ARTICLE_BYTES", default.max_article_bytes)
            ),
            max_request_bytes=int(
                env.get("PROVENANCE_MAX_REQUEST_BYTES", default.max_request_bytes)
            ),
            max_bulk_articles=int(
                env.get(
                    "PROVENANCE_MAX_BULK_ARTICLES",
                    SEMANTIC_BULK_ARTICLES if wants_semantic else default.max_bulk_articles,
                )
            ),
            lock_timeout=float(env.get("PROVENANCE_LOCK_TIMEOUT", default.lock_timeout)),
            max_inflight=max_inflight,
            answer_cache=int(env.get("PROVENANCE_ANSWER_CACHE", default.answer_cache)),
            cursor_secret=env.get("PROVENANCE_CURSOR_SECRET", default.cursor_secret),
        )
