"""The article store: a Whoosh index on disk with all-or-nothing writes per article.

Writers from several processes (gunicorn workers, the CLI) take Whoosh's file lock, waiting at
most ``lock_timeout`` seconds before giving up with :class:`IndexBusy`. Readers keep one
long-lived searcher and replace it when any process has committed; a :class:`Snapshot` wraps
one searcher, so an answer built from it stays consistent while others commit.

Whoosh-Reloaded 2.7.5's ``Searcher.refresh()`` re-adds the segments of the old reader to the
new one (deleted documents come back, merged ones are counted twice), so a stale searcher is
replaced by a freshly opened one instead of being refreshed.

This package is the only one that speaks Whoosh: the stored layout is in
:mod:`index.stores.whoosh.documents`, the private internals in :mod:`index.stores.whoosh.internals`.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import STORED
from whoosh.index import LockError
from whoosh.query import And, Term, TermRange
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from index.errors import (
    ArticleConflict,
    ArticleNotFound,
    IndexBusy,
    storage_error,
)
from index.models import semantic
from index.models.semantic import Encoder
from index.records import (
    ArticleFilter,
    ArticlePage,
    Health,
    SentenceHit,
    StoredArticle,
    WriteResult,
    WriteStatus,
)
from index.stores import fields as F
from index.stores.base import inverse_document_frequency
from index.stores.whoosh import documents, integrity
from index.stores.whoosh import internals as internals
from index.stores.whoosh import schema as S
from index.stores.whoosh.search import Retrieval, filter_query
from index.text.articles import Article

#: Articles per commit with one writer process, and with several: each multi-process commit
#: starts the processes and leaves one segment per process, so bulk loads commit rarely.
BATCH, PROCS_BATCH = 500, 50_000
#: Segments left after a multi-process load; the smallest beyond these are merged. Every query
#: looks each claim term up in every segment, while merging rewrites what it merges.
MAX_SEGMENTS = 8
#: Megabytes of postings (as Whoosh estimates them) each writer process holds before sorting
#: them to a temporary run: one process serves the service's small writes; each process of a
#: bulk load holds its share of a whole 50,000-article commit (2.0 GB resident at most when
#: loading news-1m's 1M sentences), because a spilled pool is merged back a posting at a time
#: in Python, which cost a third more CPU per sentence at 200k sentences than not spilling.
POOL_MB, PROCS_POOL_MB = 256, 3072


class Snapshot:
    """One searcher's view of the index: candidates, claim statistics and articles."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        # Closed once nothing holds the snapshot: a store replaces its snapshot at every new
        # generation, and a searcher left to the collector kept its segments' maps and file
        # descriptors for minutes (in a cycle, it waits for a full collection).
        self.close = weakref.finalize(self, searcher.close)

    @cached_property
    def retrieval(self) -> Retrieval:
        return Retrieval(self.searcher)

    @property
    def generation(self) -> int:
        """The index generation searched; 0 for an index without segments (never written, or
        emptied), whose reader states none."""
        found = self.searcher.reader().generation()
        return 0 if found is None else found

    def candidates(
        self, terms: Sequence[str], where: ArticleFilter, limit: int
    ) -> list[SentenceHit]:
        """The ``limit`` best sentences by BM25 over ``terms``, exactly (see :mod:`.search`)."""
        return [
            documents.decode_sentence(self.searcher.stored_fields(hit.docnum), hit.score)
            for hit in self.retrieval.top(terms, where, limit)
        ]

    def idf(self, terms: Iterable[str]) -> dict[str, float]:
        """Inverse document frequency of each term among sentence texts (1 for unseen terms)."""
        count = self.searcher.doc_count()
        return {
            t: inverse_document_frequency(count, self.searcher.doc_frequency(F.TEXT_FIELD, t))
            for t in terms
        }

    def article(self, article_id: str) -> StoredArticle:
        found = _stored_article(self.searcher, article_id)
        if found is None:
            raise ArticleNotFound(article_id)
        return found

    def articles(self, article_ids: Iterable[str]) -> dict[str, StoredArticle]:
        """The stored articles of these ids, by id; one not stored is left out."""
        found = {i: _stored_article(self.searcher, i) for i in dict.fromkeys(article_ids)}
        return {i: a for i, a in found.items() if a is not None}


@dataclass
class Store:
    """Open (creating if needed) the index at ``path``."""

    path: Path
    lock_timeout: float = 10.0
    #: Processes that analyse and index a batch; above 1, each adds its own segment per commit.
    procs: int = 1
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _snapshot: Snapshot | None = field(default=None, repr=False)
    #: Semantic mode: every sentence written gets its embedding (see :mod:`index.models.semantic`).
    encoder: Encoder | None = None
    backend = "whoosh"

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        with self._storage_errors():
            self.path.mkdir(parents=True, exist_ok=True)
        try:
            lock = open(self.path / ".create.lock", "w")
        except OSError as exc:  # a read-only directory: an index already there is read as it is
            if not whoosh_index.exists_in(str(self.path)):
                raise storage_error(exc, self.path) or exc from exc
            self.ix = whoosh_index.open_dir(str(self.path))
            return
        # Several processes may start on an empty directory at once: one creates the index.
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if whoosh_index.exists_in(str(self.path)):
                self.ix = whoosh_index.open_dir(str(self.path))
            else:
                with self._storage_errors():
                    self.ix = whoosh_index.create_in(str(self.path), S.build_schema())
            if self.encoder is not None and F.VECTOR not in self.ix.schema:
                self._add_vector_field()

    def _add_vector_field(self) -> None:
        """An index made before vectors existed gets their field, so semantic writes can store
        them; its sentences so far have none and are embedded when a claim meets them."""
        with self._writing() as writer:
            writer.add_field(F.VECTOR, STORED)
        self.ix = whoosh_index.open_dir(str(self.path))

    # --- reading -----------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The shared snapshot, replaced if any process committed since it was opened."""
        with self._lock:
            if self._snapshot is None or not self._snapshot.searcher.up_to_date():
                self._snapshot = Snapshot(self.ix.searcher())
            return self._snapshot

    def searcher(self) -> Searcher:
        """The current snapshot's Whoosh searcher (for this backend's own tools and tests)."""
        return self.snapshot().searcher

    def generation(self) -> int:
        """The index generation searched now: every commit, by any process, starts a new one."""
        return self.snapshot().generation

    def get(self, article_id: str) -> StoredArticle:
        """The stored article with its sentences, or raise :class:`ArticleNotFound`."""
        return self.snapshot().article(article_id)

    def list(self, where: ArticleFilter, cursor: str | None, limit: int) -> ArticlePage:
        """Articles matching ``where`` in id order, starting after ``cursor``."""
        parts = [Term(F.KIND, F.ARTICLE_KIND)]
        restriction = filter_query(where)
        if restriction is not None:
            parts.append(restriction)
        if cursor:
            parts.append(TermRange(F.ARTICLE_ID, cursor, None, startexcl=True))
        hits = self.searcher().search(And(parts), limit=limit + 1, sortedby=F.ARTICLE_ID)
        articles = [documents.decode_article(hit.fields()).article for hit in hits[:limit]]
        more = len(hits) > limit
        return ArticlePage(articles, articles[-1].id if more and articles else None)

    def counts(self) -> dict[str, int]:
        """Number of articles and sentences searchable now."""
        s = self.searcher()
        reader = s.reader()
        articles = s.doc_frequency(F.KIND, F.ARTICLE_KIND)
        if reader.has_deletions():  # doc_frequency still counts deleted documents
            articles = sum(
                1
                for n in s.docs_for_query(Term(F.KIND, F.ARTICLE_KIND))
                if not reader.is_deleted(n)
            )
        return {"articles": articles, "sentences": s.doc_count() - articles}

    def is_empty(self) -> bool:
        """True when no article has ever been committed (or all were deleted)."""
        return self.searcher().doc_count() == 0

    # --- writing -----------------------------------------------------------------------------

    def add(self, article: Article, *, replace: bool = False) -> WriteResult:
        """Add one article; identical content is a no-op; different content needs ``replace``."""
        return self.add_many([article], replace=replace)[0]

    def add_many(
        self,
        articles: Iterable[Article],
        *,
        replace: bool = False,
        batch_size: int | None = None,
        rewrite: bool = False,
    ) -> list[WriteResult]:
        """Add articles, committing every ``batch_size``; each article is all-or-nothing.

        With several processes, commits merge no segments (a merge rewrites the index so far,
        which made large loads quadratic); the smallest are merged once at the end when more
        than MAX_SEGMENTS remain.

        ``rewrite`` writes an article again even when its content is unchanged (``replaced``),
        as :func:`~index.stores.base.embed_archive` does to give old sentences their vectors.

        Raises :class:`ArticleConflict` (before writing anything of that batch) when an id
        exists with different content and ``replace`` is false, and :class:`WriteIncomplete`
        (committing nothing of that batch) when a writer process ended without its segment.
        """
        results: list[WriteResult] = []
        for batch in _batches(articles, batch_size or self.batch_size):
            # Not ``with writer``: its exit does not cancel when commit itself raises
            # (WriteIncomplete), which would leave the lock held and the segments half made.
            # Before the lock: the slow part of a semantic write.
            vectors = self._vectors(batch, rewrite)
            with self._writing() as writer:
                results.extend(_write_batch(writer, batch, replace, self.encoder, vectors, rewrite))
        if self.procs > 1 and internals.segment_count(self.ix) > MAX_SEGMENTS:
            with self._writing(procs=1) as writer:
                writer.mergetype = internals.merge_smallest(MAX_SEGMENTS)
        return results

    def _vectors(self, batch: list[Article], rewrite: bool) -> dict[str, list[bytes]] | None:
        """In semantic mode, the sentence vectors of the batch's articles to be written."""
        if self.encoder is None:
            return None
        searcher = self.snapshot().searcher
        changed = []
        for article in batch:
            stored = _stored_article(searcher, article.id)
            if rewrite or stored is None or stored.content_hash != article.content_hash():
                changed.append(article)
        return semantic.embed(self.encoder, changed)

    @property
    def batch_size(self) -> int:
        """Articles per commit when the caller does not say."""
        return BATCH if self.procs == 1 else PROCS_BATCH

    def delete(self, article_id: str) -> None:
        """Remove an article and its sentences, or raise :class:`ArticleNotFound`."""
        with self._writing() as writer:
            if _stored_article(writer.searcher(), article_id) is None:
                raise ArticleNotFound(article_id)
            writer.delete_by_term(F.ARTICLE_ID, article_id)

    @contextmanager
    def _writing(self, procs: int | None = None) -> Iterator[IndexWriter]:
        """A writer committed when the block ends, or abandoned when it (or the commit) fails.

        Not Whoosh's ``with writer``: its exit does not cancel when commit itself raises (a
        full disk, WriteIncomplete), which would leave the lock held and the segment half made.
        """
        writer = self._writer(procs)
        try:
            with self._storage_errors():
                yield writer
                writer.commit()
        except BaseException:
            internals.abandon(writer)
            raise
        # Committed: a checksum that cannot be written now is written at the next commit.
        with contextlib.suppress(OSError):
            integrity.record_checksums(self.path)

    def _writer(self, procs: int | None = None) -> IndexWriter:
        procs = procs or self.procs
        options = {"procs": procs, "multisegment": True, "limitmb": PROCS_POOL_MB}
        if procs == 1:
            options = {"limitmb": POOL_MB}
        try:
            with self._storage_errors():
                writer = internals.locked_writer(
                    self.ix, timeout=self.lock_timeout, delay=0.05, **options
                )
        except LockError:
            raise IndexBusy(
                f"The index is being written by another process; tried for {self.lock_timeout}s."
            ) from None
        writer.merge = procs == 1
        if procs > 1:
            internals.check_segments(writer)
        return writer

    @contextmanager
    def _storage_errors(self) -> Iterator[None]:
        """A full disk or a read-only directory met writing: the library's error for it."""
        try:
            yield
        except OSError as exc:
            mapped = storage_error(exc, self.path)
            if mapped is None:
                raise
            raise mapped from exc

    def writes_refused(self) -> str | None:
        """Why writes are refused now (a read-only or full file system), or None."""
        try:
            fs = os.statvfs(self.path)
        except OSError as exc:
            return f"The index directory {self.path} cannot be read: {exc.strerror}."
        if fs.f_flag & os.ST_RDONLY or not os.access(self.path, os.W_OK):
            return f"The index directory {self.path} is read-only: writes are refused."
        if fs.f_bavail == 0:
            return f"The index's file system ({self.path}) has no space left: writes fail."
        return None

    def health(self) -> Health:
        """An open directory on this machine is ``ok``; it says when writes are refused."""
        return Health(self.backend, "ok", writes_refused=self.writes_refused())

    def close(self) -> None:
        """Close the searcher and index files."""
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.close()
                self._snapshot = None
        self.ix.close()


def _write_batch(
    writer: IndexWriter,
    batch: list[Article],
    replace: bool,
    encoder: Encoder | None = None,
    vectors: dict[str, list[bytes]] | None = None,
    rewrite: bool = False,
) -> list[WriteResult]:
    """Plan every article of the batch first, so a conflict leaves the batch unwritten.

    ``vectors`` (semantic mode) holds the sentence vectors by content hash; an article another
    writer changed since they were computed is embedded here.
    """
    searcher = writer.searcher()
    planned: dict[str, tuple[Article, str, str]] = {}
    results = []
    for article in batch:
        digest = article.content_hash()
        existing = _stored_article(searcher, article.id)
        earlier = planned.get(article.id)
        current_hash = earlier[2] if earlier else (existing.content_hash if existing else None)
        if current_hash == digest and not rewrite:
            results.append(WriteResult(article.id, WriteStatus.UNCHANGED, 0))
            continue
        if current_hash is not None and not replace:
            raise ArticleConflict(article.id)
        status = WriteStatus.REPLACED if current_hash is not None else WriteStatus.CREATED
        planned[article.id] = (article, status, digest)
        results.append(WriteResult(article.id, status, -1))
    if encoder is not None:
        vectors = dict(vectors or {})
        missed = [a for a, _, digest in planned.values() if digest not in vectors]
        vectors.update(semantic.embed(encoder, missed))
    counts = {}
    for article, status, digest in planned.values():
        if status == WriteStatus.REPLACED:
            writer.delete_by_term(F.ARTICLE_ID, article.id)
        counts[article.id] = _add_documents(writer, article, digest, vectors)
    return [
        r if r.status == WriteStatus.UNCHANGED else WriteResult(r.id, r.status, counts[r.id])
        for r in results
    ]


def _add_documents(
    writer: IndexWriter, article: Article, digest: str, vectors: dict[str, list[bytes]] | None
) -> int:
    own, sentences = documents.encode(
        article, digest, vectors[digest] if vectors is not None else None
    )
    writer.add_document(**own)
    for sentence in sentences:
        writer.add_document(**sentence)
    return len(sentences)


def _stored_article(searcher: Searcher, article_id: str) -> StoredArticle | None:
    fields = searcher.document(**{F.DOC_ID: documents.article_key(article_id)})
    return documents.decode_article(fields) if fields else None


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
