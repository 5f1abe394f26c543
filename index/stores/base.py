"""The store interface every backend implements, and what both backends share.

The evidence pipeline asks a :class:`Snapshot` for candidates, claim statistics and articles;
the service and the CLI use an :class:`ArticleStore` for writes, listing and health. Whoosh
(:mod:`index.stores.whoosh.store`) is the embedded default; an OpenSearch cluster
(:mod:`index.stores.opensearch.store`, the ``opensearch`` extra) is the scale-out one.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from typing import Protocol

from index.models.semantic import Encoder
from index.records import (
    ArticleFilter,
    ArticlePage,
    Health,
    SentenceHit,
    StoredArticle,
    WriteResult,
)
from index.text.articles import Article


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
        fields, restricted to ``where``. Equal scores come in an order of the backend's that
        holds for the snapshot (Whoosh: document number; OpenSearch: shard, then document, one
        claim read from the same copies), so the first ``n`` of a longer list are a shorter
        list's: the pages of one answer (:mod:`index.pages`) rest on it.
        """
        ...

    def idf(self, terms: Iterable[str]) -> dict[str, float]:
        """``log(sentences / (df + 1)) + 1`` of each term among sentence texts."""
        ...

    def article(self, article_id: str) -> StoredArticle:
        """The article as of this snapshot, or raise :class:`~index.errors.ArticleNotFound`."""
        ...

    def articles(self, article_ids: Iterable[str]) -> dict[str, StoredArticle]:
        """The articles of these ids as of this snapshot, by id (one not stored is left out);
        many at once, as verifying a thousand citations reads them."""
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


REINDEX_BATCH = 500  # articles read and written per step of a reindex
#: Seconds an OpenSearch sentence generation nobody holds is left alone before a sweep deletes
#: it: far longer than any write's window between writing sentences and flipping the article.
SWEEP_GRACE = 600.0
