"""One consistent read of the cluster for one answer: candidates by BM25, statistics,
articles, keeping only sentences of each article's current generation.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.errors import ArticleNotFound
from index.records import (
    ArticleFilter,
    ArticleRef,
    Attribution,
    SentenceHit,
    StoredArticle,
)
from index.stores import fields as F
from index.stores.base import inverse_document_frequency
from index.stores.opensearch.layout import EVERYTHING
from index.text.articles import Article
from index.text.sentences import Sentence

if TYPE_CHECKING:
    from index.stores.opensearch.store import OpenSearchStore


#: How many times a search is widened when stale generations crowd out live sentences.
WIDEN = 4


@dataclass(frozen=True)
class _Current:
    """An article document as read: the article, its generation and its version for CAS."""

    stored: StoredArticle
    generation: str
    seq_no: int
    primary_term: int

    @property
    def size(self) -> int:
        return len(self.stored.sentences)


def _decode(hit: dict) -> _Current:
    src = hit["_source"]
    article = Article(**src["article"])
    spans = enumerate(src["spans"])
    sentences = [Sentence(i, start, end, article.text[start:end]) for i, (start, end) in spans]
    return _Current(
        StoredArticle(article, sentences, src["hash"]),
        src["gen"],
        hit["_seq_no"],
        hit["_primary_term"],
    )


class OpenSearchSnapshot:
    """One answer's view: each article is read once and its sentences are kept consistent with it.

    The first time an article is seen (as a candidate's article or by :meth:`article`) its
    current generation is pinned; only sentences of that generation are returned afterwards.
    """

    def __init__(self, store: OpenSearchStore) -> None:
        self._store = store
        self._articles: dict[str, _Current | None] = {}
        #: Sentences with each term in their text, and (key None) in all.
        self._counts: dict[str | None, int] = {}

    def candidates(
        self, terms: Sequence[str], where: ArticleFilter, limit: int
    ) -> list[SentenceHit]:
        """The ``limit`` best live sentences by OpenSearch's BM25, best first (see the protocol)."""
        if not terms or limit <= 0:
            return []
        size = limit
        for _ in range(WIDEN):
            # The claim's term counts ride along with the first search: idf() then costs nothing.
            uncounted = [t for t in (None, *terms) if t not in self._counts]
            hits, counts = self._store._search_sentences(terms, where, size, uncounted)
            self._counts.update(counts)
            self._pin({h["_source"][F.ARTICLE_ID] for h in hits})
            live = [h for h in hits if self._is_live(h["_source"])]
            if len(live) >= limit or len(hits) < size:
                return [self._hit(h) for h in live[:limit]]
            size += size - len(live)  # as many more as were stale
        return [self._hit(h) for h in live[:limit]]

    def idf(self, terms: Iterable[str]) -> dict[str, float]:
        """``log(sentences / (df + 1)) + 1`` of each term among sentence texts."""
        terms = list(dict.fromkeys(terms))
        uncounted = [t for t in (None, *terms) if t not in self._counts]
        if uncounted:
            self._counts.update(self._store._search_sentences((), EVERYTHING, 0, uncounted)[1])
        total = max(self._counts[None], 1)
        return {t: inverse_document_frequency(total, self._counts[t]) for t in terms}

    def article(self, article_id: str) -> StoredArticle:
        """The article as pinned by this snapshot, or raise :class:`ArticleNotFound`."""
        self._pin({article_id})
        current = self._articles[article_id]
        if current is None:
            raise ArticleNotFound(article_id)
        return current.stored

    def articles(self, article_ids: Iterable[str]) -> dict[str, StoredArticle]:
        """The articles of these ids as pinned by this snapshot (read in one request), by id;
        one not stored is left out."""
        wanted = list(dict.fromkeys(article_ids))
        self._pin(set(wanted))
        found = {i: self._articles[i] for i in wanted}
        return {i: current.stored for i, current in found.items() if current is not None}

    def _pin(self, ids: set[str]) -> None:
        missing = sorted(ids - self._articles.keys())
        if missing:
            self._articles.update(self._store._read(missing))

    def _is_live(self, src: dict) -> bool:
        current = self._articles.get(src[F.ARTICLE_ID])
        return current is not None and current.generation == src["gen"]

    def _hit(self, hit: dict) -> SentenceHit:
        src = hit["_source"]
        article = self._articles[src[F.ARTICLE_ID]].stored.article
        said = src.get("said")
        return SentenceHit(
            article=ArticleRef.of(article),
            index=src[F.SENTENCE_INDEX],
            text=src[F.TEXT_FIELD],
            span=tuple(src[F.SPAN]),
            said=Attribution(said["speaker"], said["quoted"]) if said else None,
            score=hit["_score"],
            vector=base64.b64decode(src[F.VECTOR]) if src.get(F.VECTOR) else None,
        )
