"""The cluster's index layout: the three indices' mappings and settings, the analysed term
fields (our analyzer's output, space-joined), and the filters of a search.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator

from opensearchpy import OpenSearch
from opensearchpy.exceptions import (
    RequestError,
)

from index.records import (
    ArticleFilter,
)
from index.stores import fields as F
from index.stores.fields import FIELD_BOOSTS
from index.stores.opensearch.settings import OpenSearchSettings
from index.text import analysis as A
from index.text.articles import Article, published_day
from index.text.provenance import attribute_all
from index.text.sentences import Sentence

#: Where each field scored by BM25 keeps its analysed terms.
TERMS = {field: f"{field}_terms" for field in FIELD_BOOSTS}
GENERATION_DOC = "generation"
EVERYTHING = ArticleFilter()
#: A sentence's embedding (semantic mode): base64 in the source, neither indexed nor searched.
VECTOR_MAPPING = {"type": "binary"}


def analysed(text: str | None) -> str:
    """Our analyzer's terms of ``text``, space-joined for OpenSearch's whitespace analyzer."""
    return " ".join(t.text for t in A.ANALYZER(text or "", removestops=True))


def _where(where: ArticleFilter) -> list[dict]:
    """``where`` as filter clauses: they restrict without scoring."""
    clauses: list[dict] = []
    if where.sources:
        clauses.append({"terms": {F.SOURCE_KEY: sorted({F.source_key(s) for s in where.sources})}})
    if where.published_from or where.published_to:
        bounds = {"gte": where.published_from, "lte": where.published_to}
        clauses.append({"range": {F.DAY: {k: v for k, v in bounds.items() if v}}})
    return clauses


def create_indices(
    client: OpenSearch,
    settings: OpenSearchSettings,
    sentences_index: str,
    articles_index: str,
    meta_index: str,
) -> None:
    """Create the three indices with their mappings where they do not exist yet, give an older
    sentence index its vector field, and wait for them to be usable (yellow)."""
    index_settings = {
        "number_of_shards": settings.shards,
        "number_of_replicas": settings.replicas,
        "refresh_interval": settings.refresh_interval,
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
                F.ARTICLE_ID: keyword,
                "gen": keyword,
                F.SOURCE_KEY: keyword,
                F.DAY: keyword,
                **{name: analysed_field for name in TERMS.values()},
                F.TEXT_FIELD: {"type": "keyword", "index": False, "doc_values": False},
                F.SENTENCE_INDEX: {"type": "integer", "index": False},
                F.SPAN: {"type": "integer", "index": False},
                "said": stored_only,
                "written": {"type": "date", "format": "epoch_millis"},
                F.VECTOR: VECTOR_MAPPING,
            },
        },
    }
    articles = {
        "settings": {"index": index_settings},
        "mappings": {
            "dynamic": "strict",
            "properties": {
                F.ARTICLE_ID: keyword,
                "gen": keyword,
                "hash": keyword,
                F.SOURCE_KEY: keyword,
                F.DAY: keyword,
                "sentences": {"type": "integer"},
                "article": stored_only,
                "spans": stored_only,
            },
        },
    }
    meta = {"settings": {"index": {**index_settings, "number_of_shards": 1}}}
    layout = {sentences_index: sentences, articles_index: articles, meta_index: meta}
    for name, body in layout.items():
        try:
            client.indices.create(index=name, body=body)
        except RequestError as exc:
            if exc.error != "resource_already_exists_exception":
                raise
    # Indices made before vectors existed get their field (adding a field is allowed).
    client.indices.put_mapping(
        index=sentences_index, body={"properties": {F.VECTOR: VECTOR_MAPPING}}
    )
    client.cluster.health(
        index=[sentences_index, articles_index, meta_index], wait_for_status="yellow"
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
        F.ARTICLE_ID: article.id,
        "gen": generation,
        "written": written,
        F.SOURCE_KEY: F.source_key(article.source),
        F.DAY: published_day(article.published),
        TERMS[F.TITLE]: analysed(article.title),
    }
    said_all = attribute_all([s.text for s in sentences])
    vectors = vectors or [None] * len(sentences)
    for s, said, vector in zip(sentences, said_all, vectors, strict=True):
        yield {
            "_id": _sentence_id(article.id, generation, s.index),
            **common,
            TERMS[F.TEXT_FIELD]: analysed(s.text),
            TERMS[F.SPEAKER]: analysed(said.speaker if said else None),
            F.TEXT_FIELD: s.text,
            F.SENTENCE_INDEX: s.index,
            F.SPAN: [s.start, s.end],
            "said": {"speaker": said.speaker, "quoted": said.quoted} if said else None,
            **({F.VECTOR: base64.b64encode(vector).decode()} if vector else {}),
        }


def _sentence_id(article_id: str, generation: str, index: int) -> str:
    return f"{article_id}/{generation}/{index}"


def _sentence_ids(article_id: str, generation: str, size: int) -> list[str]:
    """The ids of one generation's sentence documents, in sentence order."""
    return [_sentence_id(article_id, generation, i) for i in range(size)]
