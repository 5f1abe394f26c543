"""The store interface every backend implements, and the one place that picks a backend.

The evidence pipeline asks a :class:`Snapshot` for candidates, claim statistics and articles;
the service and the CLI use an :class:`ArticleStore` for writes, listing and health. Whoosh
(:mod:`index.store`) is the embedded default.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Protocol

from .articles import Article
from .records import ArticleFilter, ArticlePage, SentenceHit, StoredArticle, WriteResult


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
        self, articles: Iterable[Article], *, replace: bool = False, batch_size: int | None = None
    ) -> list[WriteResult]: ...

    def delete(self, article_id: str) -> None: ...

    def health(self) -> dict[str, object]:
        """What ``/readyz`` reports of the backend: ``{"backend": ..., "status": ...}``."""
        ...

    def close(self) -> None: ...
