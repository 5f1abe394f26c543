"""The article store on an OpenSearch cluster: the same contract as the Whoosh store, scaled out.

Two indices under one prefix. ``<prefix>-sentences`` holds one document per sentence: its text,
place, speaker and the article fields an answer shows, plus the sentence, title and speaker as
analysed by *our* analyzer (:data:`index.schema.ANALYZER`), space-joined into fields that
OpenSearch only splits on whitespace. So OpenSearch's own BM25 (k1=1.2, b=0.75, Whoosh's
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

import base64
import time
import uuid
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

from opensearchpy import OpenSearch, Transport, helpers
from opensearchpy.exceptions import (
    ConflictError,
    NotFoundError,
    RequestError,
    TransportError,
)
from opensearchpy.exceptions import (
    ConnectionError as NoNodeAnswered,
)

from . import schema as S
from . import semantic
from .articles import Article, published_day
from .backend import SWEEP_GRACE, OpenSearchSettings, inverse_document_frequency
from .errors import ArticleConflict, ArticleNotFound, IndexBusy
from .provenance import attribute_all
from .records import (
    ArticleFilter,
    ArticlePage,
    ArticleRef,
    Attribution,
    Health,
    SentenceHit,
    StoredArticle,
    WriteResult,
    WriteStatus,
)
from .search import FIELD_BOOSTS
from .semantic import Encoder
from .sentences import Sentence, split_sentences

T = TypeVar("T")
BATCH = 500  # articles planned and flipped per round of bulk requests
CHUNK = 1_000  # documents per bulk request
BULK_THREADS = 3
#: How many times a search is widened when stale generations crowd out live sentences.
WIDEN = 4
#: Where each field scored by BM25 keeps its analysed terms.
TERMS = {field: f"{field}_terms" for field in FIELD_BOOSTS}
GENERATION_DOC = "generation"
EVERYTHING = ArticleFilter()
#: A sentence's embedding (semantic mode): base64 in the source, neither indexed nor searched.
VECTOR_MAPPING = {"type": "binary"}


class ClusterUnavailable(IndexBusy):
    """No node of the cluster answered, or it could not serve the request now (a 503)."""


class _Transport(Transport):
    """The client's transport, raising :class:`ClusterUnavailable` when no node can answer.

    The service maps it, as every :class:`IndexBusy`, to a 503 with ``Retry-After``.
    """

    def perform_request(self, *args, **kwargs):
        try:
            return super().perform_request(*args, **kwargs)
        except NoNodeAnswered as exc:  # every node was tried (timeouts are ConnectionErrors)
            raise ClusterUnavailable(f"No OpenSearch node answered: {exc.info}") from exc
        except TransportError as exc:
            if exc.status_code == 503:
                raise ClusterUnavailable(f"The OpenSearch cluster is unavailable: {exc}") from exc
            raise


def analysed(text: str | None) -> str:
    """Our analyzer's terms of ``text``, space-joined for OpenSearch's whitespace analyzer."""
    return " ".join(t.text for t in S.ANALYZER(text or "", removestops=True))


def _where(where: ArticleFilter) -> list[dict]:
    """``where`` as filter clauses: they restrict without scoring."""
    clauses: list[dict] = []
    if where.sources:
        clauses.append({"terms": {S.SOURCE_KEY: sorted({S.source_key(s) for s in where.sources})}})
    if where.published_from or where.published_to:
        bounds = {"gte": where.published_from, "lte": where.published_to}
        clauses.append({"range": {S.DAY: {k: v for k, v in bounds.items() if v}}})
    return clauses


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
            self._pin({h["_source"][S.ARTICLE_ID] for h in hits})
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

    def _pin(self, ids: set[str]) -> None:
        missing = sorted(ids - self._articles.keys())
        if missing:
            self._articles.update(self._store._read(missing))

    def _is_live(self, src: dict) -> bool:
        current = self._articles.get(src[S.ARTICLE_ID])
        return current is not None and current.generation == src["gen"]

    def _hit(self, hit: dict) -> SentenceHit:
        src = hit["_source"]
        article = self._articles[src[S.ARTICLE_ID]].stored.article
        said = src.get("said")
        return SentenceHit(
            article=ArticleRef.of(article),
            index=src[S.SENTENCE_INDEX],
            text=src[S.TEXT_FIELD],
            span=tuple(src[S.SPAN]),
            said=Attribution(said["speaker"], said["quoted"]) if said else None,
            score=hit["_score"],
            vector=base64.b64decode(src[S.VECTOR]) if src.get(S.VECTOR) else None,
        )


class OpenSearchStore:
    """Articles and sentences in an OpenSearch cluster (see the module docstring)."""

    backend = "opensearch"

    def __init__(self, settings: OpenSearchSettings, encoder: Encoder | None = None) -> None:
        self.settings = settings
        self.encoder = encoder
        self.client = OpenSearch(
            hosts=settings.hosts,
            http_auth=(settings.username, settings.password) if settings.username else None,
            timeout=settings.timeout,
            transport_class=_Transport,
            # A node that stops answering is marked dead and the request goes to the next one.
            max_retries=3,
            retry_on_timeout=True,
        )
        self.articles = f"{settings.prefix}-articles"
        self.sentences = f"{settings.prefix}-sentences"
        self.meta = f"{settings.prefix}-meta"
        self._create_indices()

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
            filters.append({"range": {S.ARTICLE_ID: {"gt": cursor}}})
        found = self.client.search(
            index=self.articles,
            body={
                "size": limit + 1,
                "query": {"bool": {"filter": filters}},
                "sort": [{S.ARTICLE_ID: "asc"}],
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
        :func:`~index.backend.embed_archive` does. Raises :class:`ArticleConflict`, before
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
                {"a": {"terms": {"field": S.ARTICLE_ID}}},
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
                "filter": [{"term": {S.ARTICLE_ID: article_id}}, {"term": {"gen": generation}}]
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
            body += [
                {"search_type": "dfs_query_then_fetch"},
                {"size": size, "query": query, "_source": {"excludes": list(TERMS.values())}},
            ]
        for term in count:
            query = {"match_all": {}} if term is None else {"term": {TERMS[S.TEXT_FIELD]: term}}
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
            S.ARTICLE_ID: article.id,
            S.SOURCE_KEY: S.source_key(article.source),
            S.DAY: published_day(article.published),
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

    def _create_indices(self) -> None:
        index_settings = {
            "number_of_shards": self.settings.shards,
            "number_of_replicas": self.settings.replicas,
            "refresh_interval": self.settings.refresh_interval,
        }
        keyword = {"type": "keyword"}
        # BM25 reads term frequencies and lengths only: no positions (no query needs them).
        analysed_field = {
            "type": "text",
            "analyzer": "whitespace",
            "similarity": "whoosh_bm25",
            "index_options": "freqs",
        }
        stored_only = {"type": "object", "enabled": False}
        sentences = {
            "settings": {
                "index": index_settings,
                "similarity": {"whoosh_bm25": {"type": "BM25", "k1": 1.2, "b": 0.75}},
            },
            "mappings": {
                "dynamic": "strict",
                "properties": {
                    S.ARTICLE_ID: keyword,
                    "gen": keyword,
                    S.SOURCE_KEY: keyword,
                    S.DAY: keyword,
                    **{name: analysed_field for name in TERMS.values()},
                    S.TEXT_FIELD: {"type": "keyword", "index": False, "doc_values": False},
                    S.SENTENCE_INDEX: {"type": "integer", "index": False},
                    S.SPAN: {"type": "integer", "index": False},
                    "said": stored_only,
                    "written": {"type": "date", "format": "epoch_millis"},
                    S.VECTOR: VECTOR_MAPPING,
                },
            },
        }
        articles = {
            "settings": {"index": index_settings},
            "mappings": {
                "dynamic": "strict",
                "properties": {
                    S.ARTICLE_ID: keyword,
                    "gen": keyword,
                    "hash": keyword,
                    S.SOURCE_KEY: keyword,
                    S.DAY: keyword,
                    "sentences": {"type": "integer"},
                    "article": stored_only,
                    "spans": stored_only,
                },
            },
        }
        meta = {"settings": {"index": {**index_settings, "number_of_shards": 1}}}
        layout = {self.sentences: sentences, self.articles: articles, self.meta: meta}
        for name, body in layout.items():
            try:
                self.client.indices.create(index=name, body=body)
            except RequestError as exc:
                if exc.error != "resource_already_exists_exception":
                    raise
        # Indices made before vectors existed get their field (adding a field is allowed).
        self.client.indices.put_mapping(
            index=self.sentences, body={"properties": {S.VECTOR: VECTOR_MAPPING}}
        )
        self.client.cluster.health(
            index=[self.sentences, self.articles, self.meta], wait_for_status="yellow"
        )


def _sentence_actions(
    index: str,
    article: Article,
    sentences: list[Sentence],
    generation: str,
    written: int,
    vectors: list[bytes] | None = None,
) -> Iterator[dict]:
    """Bulk actions indexing the sentences of ``article`` under ``generation`` (at ``written``,
    epoch milliseconds), with each sentence's vector in semantic mode."""
    common = {
        "_index": index,
        S.ARTICLE_ID: article.id,
        "gen": generation,
        "written": written,
        S.SOURCE_KEY: S.source_key(article.source),
        S.DAY: published_day(article.published),
        TERMS[S.TITLE]: analysed(article.title),
    }
    said_all = attribute_all([s.text for s in sentences])
    vectors = vectors or [None] * len(sentences)
    for s, said, vector in zip(sentences, said_all, vectors, strict=True):
        yield {
            "_id": _sentence_id(article.id, generation, s.index),
            **common,
            TERMS[S.TEXT_FIELD]: analysed(s.text),
            TERMS[S.SPEAKER]: analysed(said.speaker if said else None),
            S.TEXT_FIELD: s.text,
            S.SENTENCE_INDEX: s.index,
            S.SPAN: [s.start, s.end],
            "said": {"speaker": said.speaker, "quoted": said.quoted} if said else None,
            **({S.VECTOR: base64.b64encode(vector).decode()} if vector else {}),
        }


def _sentence_id(article_id: str, generation: str, index: int) -> str:
    return f"{article_id}/{generation}/{index}"


def _sentence_ids(article_id: str, generation: str, size: int) -> list[str]:
    """The ids of one generation's sentence documents, in sentence order."""
    return [_sentence_id(article_id, generation, i) for i in range(size)]


def _hash(current: _Current | None) -> str | None:
    return current.stored.content_hash if current else None


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    rest = iter(items)
    while batch := list(islice(rest, size)):
        yield batch


#: Tries of a read or search whose answer is missing shards: a lost node's primaries are
#: promoted on their replicas within seconds, and until then an answer would silently lack them.
WHOLE_TRIES = 12


def _whole(fetch: Callable[[], T], missing: Callable[[T], str | None]) -> T:
    """``fetch()`` again until ``missing`` finds nothing wrong; then ClusterUnavailable."""
    delay = 0.05
    for _ in range(WHOLE_TRIES):
        answer = fetch()
        problem = missing(answer)
        if problem is None:
            return answer
        time.sleep(delay)  # waiting out a replica's promotion, bounded by WHOLE_TRIES
        delay = min(2 * delay, 1.0)
    raise ClusterUnavailable(problem)


def _partial(answers: list[dict]) -> str | None:
    """Why an msearch answer is not whole: a shard that did not answer, or a server error."""
    for answer in answers:
        if "error" in answer and answer.get("status", 500) >= 500:
            return f"A search failed: {answer['error']}"
        if answer.get("_shards", {}).get("failed"):
            return f"A search reached {answer['_shards']['successful']} of its shards only."
    return None
