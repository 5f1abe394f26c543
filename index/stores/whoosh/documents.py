"""The stored-document layout of the Whoosh index, encoded and decoded in this one place.

An article is one document of kind ``article`` (full text, sentence spans, content hash, as
JSON) and one document of kind ``sentence`` per sentence (the fields retrieval and answers
read). Everything else sees :mod:`index.records` types only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from index.records import ArticleRef, SentenceHit, StoredArticle
from index.stores import fields as F
from index.text.articles import Article, published_day
from index.text.provenance import Attribution, attribute_all
from index.text.sentences import Sentence, split_sentences


def article_key(article_id: str) -> str:
    """The unique key of an article's own document."""
    return f"a:{article_id}"


def encode(
    article: Article, digest: str, vectors: list[bytes] | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The article's own document and one document per sentence, ready for ``add_document``.

    ``digest`` is ``article.content_hash()``, which the writer has worked out already;
    ``vectors``, in semantic mode, each sentence's embedding (:func:`index.models.semantic.embed`).
    """
    sentences = split_sentences(article.text)
    common = {F.ARTICLE_ID: article.id, F.SOURCE_KEY: F.source_key(article.source)}
    day = published_day(article.published)
    if day:
        common[F.DAY] = day
    payload = {
        "article": {**article.metadata(), "text": article.text},
        "spans": [[s.start, s.end] for s in sentences],
        "hash": digest,
    }
    own = {
        **common,
        F.DOC_ID: article_key(article.id),
        F.KIND: F.ARTICLE_KIND,
        F.PAYLOAD: json.dumps(payload),
    }
    docs = list(_sentence_documents(article, sentences, common))
    if vectors is not None:
        for doc, vector in zip(docs, vectors, strict=True):
            doc[F.VECTOR] = vector
    return own, docs


def _sentence_documents(
    article: Article, sentences: list[Sentence], common: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    meta = json.dumps(article.metadata())
    title = article.title or ""
    for s, said in zip(sentences, attribute_all([s.text for s in sentences]), strict=True):
        yield {
            **common,
            F.KIND: F.SENTENCE_KIND,
            F.TEXT_FIELD: s.text,
            F.TITLE: title,
            F.SENTENCE_INDEX: s.index,
            F.SPAN: (s.start, s.end),
            F.META: meta,
            F.SPEAKER: said.speaker if said else "",
            F.ATTRIBUTION: (said.speaker, said.quoted) if said else None,
        }


@lru_cache(maxsize=20_000)
def _article_ref(meta: str) -> ArticleRef:
    """The article fields every sentence of an article stores alike (decoded once, cached)."""
    data = json.loads(meta)
    return ArticleRef(**{k: data.get(k) for k in ArticleRef.__dataclass_fields__})


def decode_article(fields: dict[str, Any]) -> StoredArticle:
    """An article's own document, as stored, back into the article and its sentences."""
    data = json.loads(fields[F.PAYLOAD])
    article = Article(**data["article"])
    sentences = [
        Sentence(i, start, end, article.text[start:end])
        for i, (start, end) in enumerate(data["spans"])
    ]
    return StoredArticle(article, sentences, data["hash"])


def decode_sentence(fields: dict[str, Any], score: float) -> SentenceHit:
    """A sentence document, as stored, as the hit an answer is built from."""
    said = fields.get(F.ATTRIBUTION)
    start, end = fields[F.SPAN]
    return SentenceHit(
        article=_article_ref(fields[F.META]),
        index=fields[F.SENTENCE_INDEX],
        text=fields[F.TEXT_FIELD],
        span=(start, end),
        said=Attribution(said[0], bool(said[1])) if said else None,
        score=score,
        vector=fields.get(F.VECTOR),
    )
