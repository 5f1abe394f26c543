"""The article store: a Whoosh index on disk with all-or-nothing writes per article.

Writers from several processes (gunicorn workers, the CLI) take Whoosh's file lock, waiting at
most ``lock_timeout`` seconds before giving up with :class:`IndexBusy`. Readers keep one
long-lived searcher and replace it when any process has committed.

Whoosh-Reloaded 2.7.5's ``Searcher.refresh()`` re-adds the segments of the old reader to the
new one (deleted documents come back, merged ones are counted twice), so a stale searcher is
replaced by a freshly opened one instead of being refreshed.
"""

from __future__ import annotations

import fcntl
import json
import queue
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing import Queue
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.query import And, Or, Term, TermRange
from whoosh.reading import SegmentReader
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from . import schema as S
from .articles import Article, published_day
from .errors import ArticleConflict, ArticleNotFound, IndexBusy, WriteIncomplete
from .provenance import attribute_all
from .sentences import Sentence, split_sentences

CREATED, UNCHANGED, REPLACED = "created", "unchanged", "replaced"
#: Articles per commit with one writer process, and with several: each multi-process commit
#: starts the processes and leaves one segment per process, so bulk loads commit rarely.
BATCH, PROCS_BATCH = 500, 50_000
#: Segments left after a multi-process load; the smallest beyond these are merged. Every query
#: looks each claim term up in every segment, while merging rewrites what it merges.
MAX_SEGMENTS = 8
RESULT_WAIT = 60.0  # seconds to wait for a writer process's segment once it has exited


@dataclass(frozen=True)
class StoredArticle:
    """An article as stored, with its sentences."""

    article: Article
    sentences: list[Sentence]
    content_hash: str


@dataclass(frozen=True)
class WriteResult:
    """What one article write did: ``created``, ``unchanged`` or ``replaced``."""

    id: str
    status: str
    sentences: int


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

    def query(self):
        """The Whoosh query restricting documents to this filter, or None for everything."""
        parts = []
        if self.sources:
            parts.append(Or([Term(S.SOURCE_KEY, S.source_key(s)) for s in self.sources]))
        if self.published_from or self.published_to:
            parts.append(TermRange(S.DAY, self.published_from, self.published_to))
        return And(parts) if parts else None


@dataclass
class Store:
    """Open (creating if needed) the index at ``path``."""

    path: Path
    lock_timeout: float = 10.0
    #: Processes that analyse and index a batch; above 1, each adds its own segment per commit.
    procs: int = 1
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _searcher: Searcher | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self.path.mkdir(parents=True, exist_ok=True)
        # Several processes may start on an empty directory at once: one creates the index.
        with open(self.path / ".create.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if whoosh_index.exists_in(str(self.path)):
                self.ix = whoosh_index.open_dir(str(self.path))
            else:
                self.ix = whoosh_index.create_in(str(self.path), S.build_schema())

    # --- reading -----------------------------------------------------------------------------

    def searcher(self) -> Searcher:
        """The shared searcher, refreshed if any process committed since it was opened."""
        with self._lock:
            if self._searcher is None or not self._searcher.up_to_date():
                self._searcher = self.ix.searcher()
            return self._searcher

    def generation(self) -> int | None:
        """The index generation searched now: every commit, by any process, starts a new one."""
        return self.searcher().reader().generation()

    def get(self, article_id: str, searcher: Searcher | None = None) -> StoredArticle:
        """The stored article with its sentences, or raise :class:`ArticleNotFound`.

        With ``searcher``, read from that snapshot: an answer built from one search stays
        consistent while other processes commit.
        """
        found = _stored_article(searcher or self.searcher(), article_id)
        if found is None:
            raise ArticleNotFound(article_id)
        return found

    def list(self, where: ArticleFilter, cursor: str | None, limit: int) -> ArticlePage:
        """Articles matching ``where`` in id order, starting after ``cursor``."""
        parts = [Term(S.KIND, S.ARTICLE_KIND)]
        if where.query() is not None:
            parts.append(where.query())
        if cursor:
            parts.append(TermRange(S.ARTICLE_ID, cursor, None, startexcl=True))
        hits = self.searcher().search(And(parts), limit=limit + 1, sortedby=S.ARTICLE_ID)
        articles = [_decode(hit[S.PAYLOAD]).article for hit in hits[:limit]]
        more = len(hits) > limit
        return ArticlePage(articles, articles[-1].id if more and articles else None)

    def counts(self) -> dict[str, int]:
        """Number of articles and sentences searchable now."""
        s = self.searcher()
        reader = s.reader()
        articles = s.doc_frequency(S.KIND, S.ARTICLE_KIND)
        if reader.has_deletions():  # doc_frequency still counts deleted documents
            articles = sum(
                1
                for n in s.docs_for_query(Term(S.KIND, S.ARTICLE_KIND))
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
        self, articles: Iterable[Article], *, replace: bool = False, batch_size: int | None = None
    ) -> list[WriteResult]:
        """Add articles, committing every ``batch_size``; each article is all-or-nothing.

        With several processes, commits merge no segments (a merge rewrites the index so far,
        which made large loads quadratic); the smallest are merged once at the end when more
        than MAX_SEGMENTS remain.

        Raises :class:`ArticleConflict` (before writing anything of that batch) when an id
        exists with different content and ``replace`` is false, and :class:`WriteIncomplete`
        (committing nothing of that batch) when a writer process ended without its segment.
        """
        results: list[WriteResult] = []
        for batch in _batches(articles, batch_size or self.batch_size):
            # Not ``with writer``: its exit does not cancel when commit itself raises
            # (WriteIncomplete), which would leave the lock held and the segments half made.
            writer = self._writer()
            try:
                results.extend(_write_batch(writer, batch, replace))
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
        if self.procs > 1 and len(self.ix._segments()) > MAX_SEGMENTS:
            with self._writer(procs=1) as writer:
                writer.mergetype = _merge_smallest
        return results

    @property
    def batch_size(self) -> int:
        """Articles per commit when the caller does not say."""
        return BATCH if self.procs == 1 else PROCS_BATCH

    def delete(self, article_id: str) -> None:
        """Remove an article and its sentences, or raise :class:`ArticleNotFound`."""
        with self._writer() as writer:
            if _stored_article(writer.searcher(), article_id) is None:
                raise ArticleNotFound(article_id)
            writer.delete_by_term(S.ARTICLE_ID, article_id)

    def _writer(self, procs: int | None = None) -> IndexWriter:
        procs = procs or self.procs
        options = {"procs": procs, "multisegment": True} if procs > 1 else {}
        try:
            writer = self.ix.writer(timeout=self.lock_timeout, delay=0.05, limitmb=256, **options)
        except LockError:
            raise IndexBusy(
                f"The index is being written by another process; tried for {self.lock_timeout}s."
            ) from None
        writer.merge = procs == 1
        if procs > 1:  # before the writer starts its processes, which inherit the queue
            writer.resultqueue = _Results(writer.resultqueue)
        return writer

    def close(self) -> None:
        """Close the searcher and index files."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
        self.ix.close()


def _write_batch(writer: IndexWriter, batch: list[Article], replace: bool) -> list[WriteResult]:
    """Plan every article of the batch first, so a conflict leaves the batch unwritten."""
    searcher = writer.searcher()
    planned: dict[str, tuple[Article, str]] = {}
    results = []
    for article in batch:
        existing = _stored_article(searcher, article.id)
        earlier = planned.get(article.id)
        current_hash = (
            earlier[0].content_hash() if earlier else (existing.content_hash if existing else None)
        )
        if current_hash == article.content_hash():
            results.append(WriteResult(article.id, UNCHANGED, 0))
            continue
        if current_hash is not None and not replace:
            raise ArticleConflict(article.id)
        status = REPLACED if current_hash is not None else CREATED
        planned[article.id] = (article, status)
        results.append(WriteResult(article.id, status, -1))
    counts = {}
    for article, status in planned.values():
        if status == REPLACED:
            writer.delete_by_term(S.ARTICLE_ID, article.id)
        counts[article.id] = _add_documents(writer, article)
    return [
        r if r.status == UNCHANGED else WriteResult(r.id, r.status, counts[r.id]) for r in results
    ]


class _Results:
    """The writer processes' result queue, where each process's segment is waited for.

    Whoosh's multi-process writer waits one second for each and commits without the ones
    that do not come, losing their documents; here a missing one fails the commit instead.
    """

    def __init__(self, results: Queue) -> None:
        self._results = results

    def put(self, item, timeout: float | None = None) -> None:
        self._results.put(item, timeout=timeout)

    def get(self, timeout: float | None = None):
        try:  # the processes have exited by now: a result is in the pipe or never comes
            return self._results.get(timeout=RESULT_WAIT)
        except queue.Empty:
            raise WriteIncomplete("A writer process ended without its segment.") from None


def _merge_smallest(writer: IndexWriter, segments: list) -> list:
    """A merge policy: the smallest segments go into the new one, leaving MAX_SEGMENTS."""
    ordered = sorted(segments, key=lambda s: s.doc_count_all())
    merged = max(0, len(ordered) - MAX_SEGMENTS + 1)
    for segment in ordered[:merged]:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return ordered[merged:]


def _add_documents(writer: IndexWriter, article: Article) -> int:
    sentences = split_sentences(article.text)
    day = published_day(article.published)
    common = {S.ARTICLE_ID: article.id, S.SOURCE_KEY: S.source_key(article.source)}
    if day:
        common[S.DAY] = day
    payload = {
        "article": {**article.metadata(), "text": article.text},
        "spans": [[s.start, s.end] for s in sentences],
        "hash": article.content_hash(),
    }
    writer.add_document(
        **common,
        **{S.DOC_ID: f"a:{article.id}", S.KIND: S.ARTICLE_KIND, S.PAYLOAD: json.dumps(payload)},
    )
    meta = json.dumps(article.metadata())
    title = article.title or ""
    attributions = attribute_all([s.text for s in sentences])
    for s, said in zip(sentences, attributions, strict=True):
        writer.add_document(
            **common,
            **{
                S.KIND: S.SENTENCE_KIND,
                S.TEXT_FIELD: s.text,
                S.TITLE: title,
                S.SENTENCE_INDEX: s.index,
                S.SPAN: (s.start, s.end),
                S.META: meta,
                S.SPEAKER: said.speaker if said else "",
                S.ATTRIBUTION: (said.speaker, said.quoted) if said else None,
            },
        )
    return len(sentences)


def _stored_article(searcher: Searcher, article_id: str) -> StoredArticle | None:
    fields = searcher.document(**{S.DOC_ID: f"a:{article_id}"})
    return _decode(fields[S.PAYLOAD]) if fields else None


def _decode(payload: str) -> StoredArticle:
    data = json.loads(payload)
    article = Article(**data["article"])
    sentences = [
        Sentence(i, start, end, article.text[start:end])
        for i, (start, end) in enumerate(data["spans"])
    ]
    return StoredArticle(article, sentences, data["hash"])


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
