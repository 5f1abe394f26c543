"""The store interface every backend implements, and the one place that picks a backend.

The evidence pipeline asks a :class:`Snapshot` for candidates, claim statistics and articles;
the service and the CLI use an :class:`ArticleStore` for writes, listing and health. Whoosh
(:mod:`index.store`) is the embedded default; an OpenSearch cluster
(:mod:`index.opensearch_store`, the ``opensearch`` extra) is the scale-out one.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .articles import Article
from .records import ArticleFilter, ArticlePage, Health, SentenceHit, StoredArticle, WriteResult
from .semantic import Encoder, SemanticUnavailable, encoder_for


def inverse_document_frequency(sentences: int, df: int) -> float:
    """``log(sentences / (df + 1)) + 1``: what :meth:`Snapshot.idf` gives, on any backend."""
    return math.log(max(sentences, 1) / (df + 1)) + 1


class Snapshot(Protocol):
    """One consistent view of the archive: what a single answer is built from."""

    def candidates(
        self, terms: Sequence[str], where: ArticleFilter, limit: int
    ) -> list[SentenceHit]:
        """The ``limit`` best sentences by BM25 over the analysed claim ``terms``, best first.

        Exact: the top ``limit`` of an OR over every term in the text, title and speaker
        fields, restricted to ``where``.
        """
        ...

    def idf(self, terms: Iterable[str]) -> dict[str, float]:
        """``log(sentences / (df + 1)) + 1`` of each term among sentence texts."""
        ...

    def article(self, article_id: str) -> StoredArticle:
        """The article as of this snapshot, or raise :class:`~index.errors.ArticleNotFound`."""
        ...


class ArticleStore(Protocol):
    """An archive of articles and their sentences, all-or-nothing per article."""

    backend: str
    #: Set in semantic mode: writes store sentence vectors, answers rank with them.
    encoder: Encoder | None

    def snapshot(self) -> Snapshot: ...

    def generation(self) -> Hashable:
        """Changes with every committed write, by any process."""
        ...

    def get(self, article_id: str) -> StoredArticle: ...

    def list(self, where: ArticleFilter, cursor: str | None, limit: int) -> ArticlePage: ...

    def counts(self) -> dict[str, int]:
        """``{"articles": n, "sentences": m}`` searchable now."""
        ...

    def is_empty(self) -> bool: ...

    def add(self, article: Article, *, replace: bool = False) -> WriteResult: ...

    def add_many(
        self,
        articles: Iterable[Article],
        *,
        replace: bool = False,
        batch_size: int | None = None,
        rewrite: bool = False,
    ) -> list[WriteResult]:
        """Write each article whose content differs (all of them with ``rewrite``)."""
        ...

    def delete(self, article_id: str) -> None: ...

    def health(self) -> Health:
        """What ``/readyz`` reports of the backend."""
        ...

    def close(self) -> None: ...


BACKENDS = ("whoosh", "opensearch")
REINDEX_BATCH = 500  # articles read and written per step of a reindex
#: Seconds an OpenSearch sentence generation nobody holds is left alone before a sweep deletes
#: it: far longer than any write's window between writing sentences and flipping the article.
SWEEP_GRACE = 600.0


@dataclass(frozen=True)
class OpenSearchSettings:
    """Where the OpenSearch backend keeps the archive, and how its indices are laid out."""

    #: One or more node URLs, comma-separated; requests go to the next when one is down.
    url: str = "http://127.0.0.1:9200"
    username: str | None = None
    password: str | None = None
    #: Indices are ``<prefix>-articles``, ``<prefix>-sentences`` and ``<prefix>-meta``.
    prefix: str = "provenance"
    shards: int = 3
    replicas: int = 1
    refresh_interval: str = "1s"
    timeout: float = 30.0

    @property
    def hosts(self) -> list[str]:
        return [u.strip() for u in self.url.split(",") if u.strip()]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> OpenSearchSettings:
        """Read ``OPENSEARCH_*`` variables (see README, "Configuration")."""
        env = os.environ if env is None else env
        default = cls()
        return cls(
            url=env.get("OPENSEARCH_URL", default.url),
            username=env.get("OPENSEARCH_USERNAME") or None,
            password=env.get("OPENSEARCH_PASSWORD") or None,
            prefix=env.get("OPENSEARCH_INDEX_PREFIX", default.prefix),
            shards=int(env.get("OPENSEARCH_SHARDS", default.shards)),
            replicas=int(env.get("OPENSEARCH_REPLICAS", default.replicas)),
        )


def open_store(
    backend: str = "whoosh",
    *,
    index_dir: Path | str = "var/index",
    lock_timeout: float = 10.0,
    procs: int = 1,
    opensearch: OpenSearchSettings | None = None,
    semantic: bool | None = None,
) -> ArticleStore:
    """Open the archive on ``backend``: a Whoosh directory, or an OpenSearch cluster.

    ``semantic`` turns on semantic ranking (``None``: as ``PROVENANCE_SEMANTIC`` says); it
    raises :class:`~index.semantic.SemanticUnavailable` when its extra is not installed.
    """
    encoder = encoder_for(semantic)
    if backend == "whoosh":
        from .store import Store

        return Store(Path(index_dir), lock_timeout=lock_timeout, procs=procs, encoder=encoder)
    if backend == "opensearch":
        try:
            from .opensearch_store import OpenSearchStore
        except ImportError as exc:  # the client is an optional extra
            raise ImportError(
                "The opensearch backend needs opensearch-py: "
                "pip install 'fact-provenance[opensearch]'"
            ) from exc
        return OpenSearchStore(opensearch or OpenSearchSettings.from_env(), encoder=encoder)
    raise ValueError(f"Unknown backend {backend!r}; one of {', '.join(BACKENDS)}.")


def copy_archive(
    source: ArticleStore, target: ArticleStore, rewrite: bool = False
) -> dict[str, int]:
    """Write every article of ``source`` into ``target``, replacing what differs there (every
    article, with ``rewrite``).

    Articles only ``target`` holds stay. Returns how many were created, replaced, unchanged.
    """
    done: Counter[str] = Counter()
    cursor = None
    while True:
        page = source.list(ArticleFilter(), cursor, REINDEX_BATCH)
        written = target.add_many(page.articles, replace=True, rewrite=rewrite)
        done.update(str(r.status) for r in written)
        if page.next_cursor is None:
            return dict(done)
        cursor = page.next_cursor


def embed_archive(store: ArticleStore) -> dict[str, int]:
    """Write every article again in semantic mode, so that sentences stored before it was on
    get their vectors; a batch of REINDEX_BATCH articles at a time, each all-or-nothing."""
    if store.encoder is None:
        raise SemanticUnavailable(
            "Embedding the archive needs semantic mode: PROVENANCE_SEMANTIC=on"
        )
    return copy_archive(store, store, rewrite=True)
