"""What a store hands out and takes in, the same for every backend (Whoosh, OpenSearch).

Typed records only: no engine types cross this line, so the evidence pipeline, the service and
the CLI read the same objects whichever backend holds the archive.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from index.text.articles import Article
from index.text.provenance import Attribution
from index.text.sentences import Sentence


class Stance(StrEnum):
    """Where a sentence stands on a claim; ``ALL`` is asked for, never judged."""

    SUPPORTS = "supports"
    REFUTES = "refutes"
    RELATED = "related"
    ALL = "all"


#: The stances a judged sentence can have.
JUDGED_STANCES = (Stance.SUPPORTS, Stance.REFUTES, Stance.RELATED)
#: The stances a caller may ask for: support only, or every judged sentence.
ASKED_STANCES = (Stance.SUPPORTS, Stance.ALL)


class WriteStatus(StrEnum):
    """What one article write did."""

    CREATED = "created"
    UNCHANGED = "unchanged"
    REPLACED = "replaced"


@dataclass(frozen=True)
class StoredArticle:
    """An article as stored, with its sentences."""

    article: Article
    sentences: list[Sentence]
    content_hash: str

    @cached_property
    def text_sha256(self) -> str:
        """The sha256 of the stored article text (UTF-8), hex: what a citation seals.

        ``content_hash`` covers the metadata too (a corrected title changes it), so it cannot
        say whether the text a citation points into is still the same.
        """
        return hashlib.sha256(self.article.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class WriteResult:
    """What one article write did, and how many sentences it indexed (0 when unchanged)."""

    id: str
    status: WriteStatus
    sentences: int


@dataclass(frozen=True)
class BulkResult:
    """What a batch of writes did: each write, and how many of each status."""

    results: list[WriteResult]
    created: int
    unchanged: int
    replaced: int

    @classmethod
    def of(cls, results: list[WriteResult]) -> BulkResult:
        """The batch of ``results``, counted by status."""
        counts = {s.value: sum(r.status == s for r in results) for s in WriteStatus}
        return cls(results, **counts)


@dataclass(frozen=True)
class ArticlePage:
    """A page of articles in id order and the cursor of the next page, if any."""

    articles: list[Article]
    next_cursor: str | None


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles to list or search: sources (any of) and an inclusive day range."""

    sources: tuple[str, ...] = ()
    published_from: str | None = None
    published_to: str | None = None

    @property
    def is_everything(self) -> bool:
        return not (self.sources or self.published_from or self.published_to)


@dataclass(frozen=True)
class ArticleRef:
    """The article fields an answer shows beside a sentence."""

    id: str
    title: str | None
    source: str | None
    byline: str | None
    published: str | None
    url: str | None

    @classmethod
    def of(cls, article: Article) -> ArticleRef:
        return cls(
            article.id,
            article.title,
            article.source,
            article.byline,
            article.published,
            article.url,
        )


@dataclass(frozen=True)
class SentenceHit:
    """A sentence a store retrieved for a claim: where it sits, who it quotes, its BM25 score.

    ``score`` is BM25 summed over the sentence text, its article's title and its speaker, with
    the field weights of :data:`index.stores.whoosh.search.FIELD_BOOSTS`.
    """

    article: ArticleRef
    index: int
    text: str
    span: tuple[int, int]
    said: Attribution | None
    score: float
    #: Its embedding as stored (int8 bytes), when it was indexed in semantic mode.
    vector: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def speaker(self) -> str | None:
        return self.said.speaker if self.said else None


@dataclass(frozen=True)
class Health:
    """A backend's state as ``/readyz`` reports it: ``ok`` for Whoosh, the cluster's colour."""

    backend: str
    status: str
    nodes: int | None = None
    #: Why writes are refused now (a read-only or full file system); None when they are taken.
    writes_refused: str | None = None
