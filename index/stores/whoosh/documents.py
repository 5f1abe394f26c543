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

from . import schema as S
from .articles import Article, published_day
from .provenance import Attribution, attribute_all
from .records import ArticleRef, SentenceHit, StoredArticle
from .sentences import Sentence, split_sentences


def article_key(article_id: str) -> str:
    """The unique key of an article's own document."""
    return f"a:{article_id}"


def encode(
    article: Article, digest: str, vectors: list[bytes] | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The article's own document and one document per sentence, ready for ``add_document``.

    ``digest`` is ``article.content_hash()``, which the writer has worked out already;
    ``vectors``, in semantic mode, each sentence's embedding (:func:`index.semantic.embed`).
    """
    sentences = split_sentences(article.text)
    common = {S.ARTICLE_ID: article.id, S.SOURCE_KEY: S.source_key(article.source)}
    day = published_day(article.published)
    if day:
        common[S.DAY] = day
    payload = {
        "article": {**article.metadata(), "text": article.text},
        "spans": [[s.start, s.end] for s in sentences],
        "hash": digest,
    }
    own = {
        **common,
        S.DOC_ID: article_key(article.id),
        S.KIND: S.ARTICLE_KIND,
        S.PAYLOAD: json.dumps(payload),
    }
    docs = list(_sentence_documents(article, sentences, common))
    if vectors is not None:
        for doc, vector in zip(docs, vectors, strict=True):
            doc[S.VECTOR] = vector
    return own, docs


def _sentence_documents(
    article: Article, sentences: list[Sentence], common: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    meta = json.dumps(article.metadata())
    title = article.title or ""
    for s, said in zip(sentences, attribute_all([s.text for s in sentences]), strict=True):
        yield {
            **common,
            S.KIND: S.SENTENCE_KIND,
            S.TEXT_FIELD: s.text,
            S.TITLE: title,
            S.SENTENCE_INDEX: s.index,
            S.SPAN: (s.start, s.end),
            S.META: meta,
            S.SPEAKER: said.speaker if said else "",
            S.ATTRIBUTION: (said.speaker, said.quoted) if said else None,
        }


@lru_cache(maxsize=20_000)
def _article_ref(meta: str) -> ArticleRef:
    """The article fields every sentence of an article stores alike (decoded once, cached)."""
    data = json.loads(meta)
    return ArticleRef(**{k: data.get(k) for k in ArticleRef.__dataclass_fields__})


def decode_article(fields: dict[str, Any]) -> StoredArticle:
    """An article's own document, as stored, back into the article and its sentences."""
    data = json.loads(fields[S.PAYLOAD])
    article = Article(**data["article"])
    sentences = [
        Sentence(i, start, end, article.text[start:end])
        for i, (start, end) in enumerate(data["spans"])
    ]
    return StoredArticle(article, sentences, data["hash"])


def decode_sentence(fields: dict[str, Any], score: float) -> SentenceHit:
    """A sentence document, as stored, as the hit an answer is built from."""
    said = fields.get(S.ATTRIBUTION)
    start, end = fields[S.SPAN]
    return SentenceHit(
        article=_article_ref(fields[S.META]),
        index=fields[S.SENTENCE_INDEX],
        text=fields[S.TEXT_FIELD],
        span=(start, end),
        said=Attribution(said[0], bool(said[1])) if said else None,
        score=score,
        vector=fields.get(S.VECTOR),
    )
