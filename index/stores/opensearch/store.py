"""The article store on an OpenSearch cluster: the same contract as the Whoosh store, scaled out.

Two indices under one prefix. ``<prefix>-sentences`` holds one document per sentence: its text,
place, speaker and the article fields an answer shows, plus the sentence, title and speaker as
analysed by *our* analyzer (:data:`index.text.analysis.ANALYZER`), space-joined into
fields that OpenSearch only splits on whitespace. So OpenSearch's own BM25 (k1=1.2, b=0.75, Whoosh's
defaults) ranks exactly the terms the Whoosh path ranks, and top-k is computed on the cluster.
``<prefix>-articles`` holds one document per article: text, spans, content hash, sentence count
and the article's current *generation*.

OpenSearch has no multi-document transaction, so a write is made all-or-nothing for readers:
the sentences are written under a new generation (and are searchable, ``refresh=wait_for``),
then the article document is flipped to that generation with a compare-and-set, then the old
generation's sentences are deleted. Readers keep only sentences whose generation is their
article's current one, so they see the old article or the new, never a mix. See
docs/scale-out.md for the exact guarantee.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Hashable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from opensearchpy import helpers
from opensearchpy.exceptions import (
    ConflictError,
    NotFoundError,
    TransportError,
)

from index.errors import ArticleConflict, ArticleNotFound, IndexBusy
from index.models import semantic
from index.models.semantic import Encoder
from index.records import (
    ArticleFilter,
    ArticlePage,
    Health,
    StoredArticle,
    WriteResult,
    WriteStatus,
)
from index.stores import fields as F
from index.stores.base import SWEEP_GRACE
from index.stores.fields import FIELD_BOOSTS
from index.stores.opensearch.client import _batches, _partial, _whole, connect
from index.stores.opensearch.layout import (
    GENERATION_DOC,
    TERMS,
    _sentence_actions,
    _sentence_ids,
    _where,
    create_indices,
)
from index.stores.opensearch.settings import OpenSearchSettings
from index.stores.opensearch.snapshot import OpenSearchSnapshot, _Current, _decode
from index.text.articles import Article, published_day
from index.text.sentences import split_sentences

BATCH = 500  # articles planned and flipped per round of bulk requests
CHUNK = 1_000  # documents per bulk request
BULK_THREADS = 3


class OpenSearchStore:
    """Articles and sentences in an OpenSearch cluster (see the module docstring)."""

    backend = "opensearch"

    def __init__(self, settings: OpenSearchSettings, encoder: Encoder | None = None) -> None:
        self.settings = settings
        self.encoder = encoder
        self.client = connect(settings)
        self.articles = f"{settings.prefix}-articles"
        self.sentences = f"{settings.prefix}-sentences"
        self.meta = f"{settings.prefix}-meta"
        create_indices(self.client, settings, self.sentences, self.articles, self.meta)

    # --- reading -----------------------------------------------------------------------------

    def snapshot(self) -> OpenSearchSnapshot:
        """A fresh view for one answer."""
        return OpenSearchSnapshot(self)

    def generation(self) -> Hashable:
        """The version of the generation document, bumped after every committed write."""
        try:
            return self.client.get(index=self.meta, id=GENERATION_DOC)["_version"]
        except NotFoundError:
            return 0

    def get(self, article_id: str) -> StoredArticle:
        """The stored article with its sentences, or raise :class:`ArticleNotFound`."""
        current = self._read([article_id])[article_id]
        if current is None:
            raise ArticleNotFound(article_id)
        return current.stored

    def list(self, where: ArticleFilter, cursor: str | None, limit: int) -> ArticlePage:
        """Articles matching ``where`` in id order, starting after ``cursor``."""
        filters = _where(where)
        if cursor:
            filters.append({"range": {F.ARTICLE_ID: {"gt": cursor}}})
        found = self.client.search(
            index=self.articles,
            body={
                "size": limit + 1,
                "query": {"bool": {"filter": filters}},
                "sort": [{F.ARTICLE_ID: "asc"}],
                "_source": ["article"],
            },
        )["hits"]["hits"]
        articles = [Article(**h["_source"]["article"]) for h in found[:limit]]
        more = len(found) > limit
        return ArticlePage(articles, articles[-1].id if more and articles else None)

    def counts(self) -> dict[str, int]:
        """Articles, and the sentences of their current generations, searchable now."""
        found = self.client.search(
            index=self.articles,
            body={
                "size": 0,
                "track_total_hits": True,
                "aggs": {"sentences": {"sum": {"field": "sentences"}}},
            },
        )
        return {
            "articles": found["hits"]["total"]["value"],
            "sentences": int(found["aggregations"]["sentences"]["value"]),
        }

    def is_empty(self) -> bool:
        """True when no article is stored."""
        return self.client.count(index=self.articles)["count"] == 0

    def health(self) -> Health:
        """The cluster's health (green, yellow or red) and how many nodes it has."""
        state = self.client.cluster.health()
        return Health(self.backend, state["status"], state["number_of_nodes"])

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
        """Add articles a batch at a time; each article is all-or-nothing for readers.

        ``rewrite`` writes an unchanged article again (``replaced``), as
        :func:`~index.stores.base.embed_archive` does. Raises :class:`ArticleConflict`, before
        writing anything of that batch, when an id exists with different content and
        ``replace`` is false.
        """
        results: list[WriteResult] = []
        for batch in _batches(articles, batch_size or BATCH):
            results.extend(self._write_batch(batch, replace, rewrite))
        return results

    def delete(self, article_id: str) -> None:
        """Remove an article and its sentences, or raise :class:`ArticleNotFound`."""
        while True:
            current = self._read([article_id])[article_id]
            if current is None:
                raise ArticleNotFound(article_id)
            try:  # readers drop the sentences as soon as their article document is gone
                self.client.delete(
                    index=self.articles,
                    id=article_id,
                    if_seq_no=current.seq_no,
                    if_primary_term=current.primary_term,
                    refresh="wait_for",
                )
                break
            except ConflictError:
                continue  # replaced meanwhile: delete what is there now
            except NotFoundError:
                raise ArticleNotFound(article_id) from None
        self._delete_sentences(_sentence_ids(article_id, current.generation, current.size))
        self._bump_generation()

    def sweep(self, grace: float = SWEEP_GRACE) -> int:
        """Delete the sentences of generations no article holds (left by writers that died),
        written more than ``grace`` seconds ago; returns how many were deleted.

        ``grace`` must exceed the longest write: a generation written but not yet flipped looks
        the same as one whose writer died.
        """
        cutoff = int((time.time() - grace) * 1000)
        pairs = {
            "sources": [
                {"a": {"terms": {"field": F.ARTICLE_ID}}},
                {"g": {"terms": {"field": "gen"}}},
            ]
        }
        removed, after = 0, None
        while True:
            composite = {"size": BATCH, **pairs, **({"after": after} if after else {})}
            body = {
                "size": 0,
                "query": {"range": {"written": {"lt": cutoff}}},
                "aggs": {"generations": {"composite": composite}},
            }
            found = self.client.search(index=self.sentences, body=body)["aggregations"]
            buckets = found["generations"]["buckets"]
            current = self._read(sorted({b["key"]["a"] for b in buckets})) if buckets else {}
            for bucket in buckets:
                article_id, generation = bucket["key"]["a"], bucket["key"]["g"]
                if current[article_id] is None or current[article_id].generation != generation:
                    ids = self._generation_ids(article_id, generation)
                    self._delete_sentences(ids)
                    removed += len(ids)
            after = found["generations"].get("after_key")
            if not buckets or after is None:
                return removed

    def _generation_ids(self, article_id: str, generation: str) -> list[str]:
        """The ids of one generation's sentences, found by search (an orphan's count is unknown)."""
        query = {
            "bool": {
                "filter": [{"term": {F.ARTICLE_ID: article_id}}, {"term": {"gen": generation}}]
            }
        }
        hits = helpers.scan(
            self.client, index=self.sentences, query={"query": query, "_source": False}
        )
        return [hit["_id"] for hit in hits]

    def close(self) -> None:
        """Close the client's connections."""
        self.client.close()

    # --- the cluster -------------------------------------------------------------------------

    def _read(self, ids: Sequence[str]) -> dict[str, _Current | None]:
        """The current article documents (real-time: what was flipped, refreshed or not)."""
        docs = _whole(
            lambda: self.client.mget(index=self.articles, body={"ids": list(ids)})["docs"],
            lambda docs: next((f"A read failed: {d['error']}" for d in docs if "error" in d), None),
        )
        return {d["_id"]: _decode(d) if d.get("found") else None for d in docs}

    def _search_sentences(
        self, terms: Sequence[str], where: ArticleFilter, size: int, count: Sequence[str | None]
    ) -> tuple[list[dict], dict[str | None, int]]:
        """The ``size`` best sentences for ``terms`` and the sentences holding each ``count``
        term (None: all sentences), in one round trip."""
        body: list[dict] = []
        if size:
            should = [
                {"term": {TERMS[field]: {"value": term, "boost": boost}}}
                for term in terms
                for field, boost in FIELD_BOOSTS.items()
            ]
            query = {"bool": {"should": should, "minimum_should_match": 1, "filter": _where(where)}}
            # Shard-local term statistics would make a score depend on the shard holding the
            # sentence; dfs_query_then_fetch scores every shard with the index's statistics.
            # A primary and its replica count deleted documents apart until they merge: a claim
            # is read from the same copies, so its scores and its pages hold between requests.
            preference = hashlib.sha256(" ".join(terms).encode()).hexdigest()[:16]
            body += [
                {"search_type": "dfs_query_then_fetch", "preference": preference},
                {"size": size, "query": query, "_source": {"excludes": list(TERMS.values())}},
            ]
        for term in count:
            query = {"match_all": {}} if term is None else {"term": {TERMS[F.TEXT_FIELD]: term}}
            body += [{}, {"size": 0, "track_total_hits": True, "query": query}]
        answers = _whole(
            lambda: self.client.msearch(index=self.sentences, body=body)["responses"], _partial
        )
        for answer in answers:  # msearch answers 200 and reports each search's failure inside
            if "error" in answer:
                raise TransportError(answer["status"], str(answer["error"]))
        hits = answers.pop(0)["hits"]["hits"] if size else []
        totals = [a["hits"]["total"]["value"] for a in answers]
        return hits, dict(zip(count, totals, strict=True))

    def _write_batch(
        self, batch: list[Article], replace: bool, rewrite: bool = False
    ) -> list[WriteResult]:
        """Plan the batch (raising a conflict before any write), then write and flip it."""
        plans: dict[str, tuple[Article, _Current | None]] = {}
        pending: list[tuple[str, Article]] = []
        current = self._read(sorted({a.id for a in batch}))
        for article in batch:
            earlier = plans.get(article.id)
            now = earlier[0].content_hash() if earlier else _hash(current[article.id])
            if now == article.content_hash() and not rewrite:
                pending.append((article.id, article))
                continue
            if now is not None and not replace:
                raise ArticleConflict(article.id)
            plans[article.id] = (article, earlier[1] if earlier else current[article.id])
            pending.append((article.id, article))
        statuses = self._write_planned(plans) if plans else {}
        results = []
        for article_id, article in pending:
            if article_id in statuses and plans[article_id][0] is article:
                results.append(statuses[article_id])
            else:
                results.append(WriteResult(article_id, WriteStatus.UNCHANGED, 0))
        return results

    def _write_planned(
        self, plans: dict[str, tuple[Article, _Current | None]]
    ) -> dict[str, WriteResult]:
        generations = {article_id: uuid.uuid4().hex for article_id in plans}
        spans: dict[str, list[list[int]]] = {}
        written = int(time.time() * 1000)
        vectors = (
            semantic.embed(self.encoder, [a for a, _ in plans.values()]) if self.encoder else {}
        )

        def actions() -> Iterator[dict]:
            # Consumed while earlier chunks are in flight: analysis overlaps the indexing.
            for article_id, (article, _) in plans.items():
                sentences = split_sentences(article.text)
                spans[article_id] = [[s.start, s.end] for s in sentences]
                yield from _sentence_actions(
                    self.sentences,
                    article,
                    sentences,
                    generations[article_id],
                    written,
                    vectors.get(article.content_hash()),
                )

        self._bulk(actions())
        sizes = {article_id: len(article_spans) for article_id, article_spans in spans.items()}
        flips = [
            self._flip_action(article, generations[article_id], spans[article_id], was)
            for article_id, (article, was) in plans.items()
        ]
        conflicts = self._flip(flips)
        if conflicts:
            # A flip the client retried (its node died after applying it) conflicts with
            # itself: the article already holds our generation, and the write succeeded.
            now = self._read(sorted(conflicts))
            conflicts = {i for i in conflicts if not now[i] or now[i].generation != generations[i]}
        results: dict[str, WriteResult] = {}
        stale = []
        for article_id, (article, was) in plans.items():
            if article_id in conflicts:
                # Another writer changed the article after we read it: take our generation
                # back and decide again against what it wrote.
                self._delete_sentences(
                    _sentence_ids(article_id, generations[article_id], sizes[article_id])
                )
                retried = self._write_batch([article], replace=was is not None)
                results[article_id] = retried[0]
                continue
            status = WriteStatus.REPLACED if was is not None else WriteStatus.CREATED
            results[article_id] = WriteResult(article_id, status, sizes[article_id])
            if was is not None:
                stale += _sentence_ids(article_id, was.generation, was.size)
        self._delete_sentences(stale)
        self._bump_generation()
        return results

    def _flip_action(
        self, article: Article, generation: str, spans: list[list[int]], was: _Current | None
    ) -> dict:
        doc = {
            "_index": self.articles,
            "_id": article.id,
            F.ARTICLE_ID: article.id,
            F.SOURCE_KEY: F.source_key(article.source),
            F.DAY: published_day(article.published),
            "gen": generation,
            "hash": article.content_hash(),
            "sentences": len(spans),
            "article": {**article.metadata(), "text": article.text},
            "spans": spans,
        }
        if was is None:
            return {"_op_type": "create", **doc}
        return {"if_seq_no": was.seq_no, "if_primary_term": was.primary_term, **doc}

    def _flip(self, actions: list[dict]) -> set[str]:
        """Index the article documents; the ids whose compare-and-set lost to another writer."""
        conflicts = set()
        for ok, item in helpers.streaming_bulk(
            self.client,
            actions,
            chunk_size=CHUNK,
            refresh="wait_for",
            raise_on_error=False,
            max_retries=3,
        ):
            if ok:
                continue
            (result,) = item.values()
            if result.get("status") != 409:
                raise TransportError(result.get("status", 500), str(result.get("error")))
            conflicts.add(result["_id"])
        return conflicts

    def _bulk(self, actions: Iterable[dict]) -> None:
        """Index ``actions`` a chunk per request, a request in flight per node at most.

        Each node indexes its shards' share meanwhile. Threads from concurrent.futures, not
        the client's parallel_bulk: its multiprocessing pool deadlocks under gevent workers.
        """
        with ThreadPoolExecutor(BULK_THREADS) as pool:
            pending: set[Future] = set()
            for chunk in _batches(actions, CHUNK):
                if len(pending) >= BULK_THREADS:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        future.result()
                pending.add(pool.submit(self._bulk_chunk, chunk))
            for future in pending:
                future.result()

    def _bulk_chunk(self, chunk: list[dict]) -> None:
        try:
            helpers.bulk(self.client, chunk, chunk_size=len(chunk), refresh="wait_for")
        except helpers.BulkIndexError as exc:
            raise IndexBusy(f"The cluster refused part of a write: {exc.errors[:1]}") from None

    def _delete_sentences(self, ids: list[str]) -> None:
        """Delete sentence documents by id (not by query: a generation's ids are known)."""
        actions = [{"_op_type": "delete", "_index": self.sentences, "_id": i} for i in ids]
        for ok, item in helpers.streaming_bulk(
            self.client, actions, chunk_size=CHUNK, refresh="wait_for", raise_on_error=False
        ):
            (result,) = item.values()
            if not ok and result.get("status") != 404:  # already gone is what was wanted
                raise IndexBusy(f"The cluster refused a delete: {result.get('error')}")

    def _bump_generation(self) -> None:
        self.client.index(index=self.meta, id=GENERATION_DOC, body={})


def _hash(current: _Current | None) -> str | None:
    return current.stored.content_hash if current else None
