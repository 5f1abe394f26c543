"""/v1/articles: articles sent (JSON, or metadata for raw text) and read back, pages, results.

Every metadata field is held to the library's rules (:data:`index.articles.RULES`), so the
service, NDJSON, raw text and the CLI give the same verdict.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, validate

from index.records import BulkResult, WriteResult, WriteStatus
from index.text.articles import RULES, normalise_published

from .common import (
    NULLABLE,
    ArticleRefSchema,
    BodySchema,
    DateRange,
    Int,
    QuerySchema,
    article_filter,
    ruled,
    values,
)


class Published(fields.Str):
    """An ISO-8601 day (2025-02-27) or an RFC 3339 date-time (2025-02-27T09:30:00Z).

    Exactly the JSON Schema formats the contract states; the index checks the same shape
    (:data:`index.articles.PUBLISHED_SHAPE`) for NDJSON, raw text and the CLI.
    """

    def __init__(self, **kwargs):
        formats = [{"format": "date"}, {"format": "date-time"}]
        described = "ISO-8601 date or date-time, e.g. 2025-02-27."
        kwargs["metadata"] = {"description": described, "anyOf": formats}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        try:
            return normalise_published(super()._deserialize(value, attr, data, **kwargs))
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class ArticleFields:
    """Article metadata as clients send it (all optional but ``text``)."""

    title = ruled(RULES["title"], **NULLABLE)
    source = ruled(RULES["source"], **NULLABLE)
    byline = ruled(RULES["byline"], **NULLABLE)
    published = ruled(RULES["published"], Published, **NULLABLE)
    url = ruled(RULES["url"], **NULLABLE)
    language = ruled(RULES["language"], **NULLABLE)


class ArticleReplaceSchema(ArticleFields, BodySchema):
    """An article in JSON for PUT /v1/articles/{id}: the path names it."""

    text = ruled(RULES["text"], required=True)

    @post_load
    def _drop_nulls(self, data, **kwargs):
        return {k: v for k, v in data.items() if v is not None}


class ArticleInSchema(ArticleReplaceSchema):
    """An article in JSON for POST /v1/articles."""

    id = ruled(RULES["id"], **NULLABLE)


class RawReplaceParamsSchema(ArticleFields, QuerySchema):
    """Metadata for a text/plain article, as query parameters; they win over the text's own."""


class RawArticleParamsSchema(RawReplaceParamsSchema):
    """Metadata and id for a text/plain article sent to POST /v1/articles."""

    id = ruled(RULES["id"])


class SentenceSchema(Schema):
    index = fields.Int(required=True)
    start = fields.Int(required=True)
    end = fields.Int(required=True)
    text = fields.Str(required=True)


class ArticleSummarySchema(ArticleRefSchema):
    language = fields.Str(required=True)


class ArticleOutSchema(Schema):
    """GET /v1/articles/{id}: the article, its text and its sentences with offsets."""

    article = fields.Nested(ArticleSummarySchema, required=True)
    text = fields.Str(required=True)
    sentences = fields.List(fields.Nested(SentenceSchema), required=True)


class ArticleListQuerySchema(DateRange, QuerySchema):
    source = fields.List(fields.Str(validate=validate.Length(1, 200)), load_default=list)
    cursor = ruled(
        RULES["id"],
        metadata={"description": "next_cursor of the previous page: the list goes on after it."},
    )
    limit = Int(load_default=50, validate=validate.Range(1, 200))

    @post_load
    def _filter(self, data: dict, **kwargs) -> dict:
        return {"where": article_filter(data), "cursor": data.get("cursor"), "limit": data["limit"]}


class ArticlePageSchema(Schema):
    articles = fields.List(fields.Nested(ArticleSummarySchema), required=True)
    next_cursor = fields.Str(**NULLABLE)


class WriteResultSchema(Schema):
    record = WriteResult

    id = fields.Str(required=True)
    status = fields.Str(required=True, validate=validate.OneOf(values(WriteStatus)))
    sentences = fields.Int(
        required=True, metadata={"description": "Sentences indexed (0 if unchanged)."}
    )


class BulkResultSchema(Schema):
    record = BulkResult

    results = fields.List(fields.Nested(WriteResultSchema), required=True)
    created = fields.Int(required=True)
    unchanged = fields.Int(required=True)
    replaced = fields.Int(required=True)
