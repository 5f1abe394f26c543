"""The HTTP contract: every request and response shape, the single source of openapi.yaml."""

from __future__ import annotations

from flask import current_app
from marshmallow import (
    EXCLUDE,
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
    validates_schema,
)

from index.evidence import STANCES

NULLABLE = {"allow_none": True}


class QuerySchema(Schema):
    """Query strings ignore unknown parameters."""

    class Meta:
        unknown = EXCLUDE


class BodySchema(Schema):
    """Request bodies reject unknown fields."""

    class Meta:
        unknown = RAISE


class Day(fields.Date):
    """A calendar day, loaded as its ISO string (what the index filters on)."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        return super()._deserialize(value, attr, data, **kwargs).isoformat()


class DateRange:
    """Shared published_from / published_to fields and their order check."""

    published_from = Day(metadata={"description": "Earliest publication day, inclusive."})
    published_to = Day(metadata={"description": "Latest publication day, inclusive."})

    @validates_schema
    def _ordered(self, data, **kwargs):
        low, high = data.get("published_from"), data.get("published_to")
        if low and high and low > high:
            raise ValidationError("Must not be after published_to.", "published_from")


class EvidenceParams:
    """Parameters of an evidence request (SPEC §3), shared by GET and POST."""

    claim = fields.Str(
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": "The claim, as text (never query syntax); 1-2,000 characters."},
    )
    limit = fields.Int(load_default=20, validate=validate.Range(1, 200))
    min_score = fields.Float(load_default=0.0, validate=validate.Range(0.0, 1.0))
    source = fields.List(
        fields.Str(validate=validate.Length(1, 200)),
        load_default=list,
        metadata={"description": "Only these sources (repeatable)."},
    )
    context = fields.Int(load_default=1, validate=validate.Range(0, 10))
    stance = fields.Str(load_default="supports", validate=validate.OneOf(STANCES))

    @validates("claim")
    def _claim_size(self, value: str, **kwargs) -> None:
        limit = current_app.config["PROVENANCE"].max_claim_chars
        if len(value) > limit:
            raise ValidationError(f"Longer than {limit:,} characters.")
        if not value.strip():
            raise ValidationError("Must contain a word.")


class EvidenceQuerySchema(EvidenceParams, DateRange, QuerySchema):
    """GET /v1/evidence query string."""


class EvidenceBodySchema(EvidenceParams, DateRange, BodySchema):
    """POST /v1/evidence JSON body."""


class ArticleRefSchema(Schema):
    id = fields.Str(required=True)
    title = fields.Str(**NULLABLE)
    source = fields.Str(**NULLABLE)
    byline = fields.Str(**NULLABLE)
    published = fields.Str(**NULLABLE, metadata={"description": "ISO-8601 date or datetime."})
    url = fields.Str(**NULLABLE)


class CopySchema(Schema):
    sentence = fields.Str(required=True)
    article_id = fields.Str(required=True)
    source = fields.Str(**NULLABLE)
    published = fields.Str(**NULLABLE)
    url = fields.Str(**NULLABLE)
    sentence_index = fields.Int(required=True)


class AttributionSchema(Schema):
    speaker = fields.Str(**NULLABLE)
    quoted = fields.Bool(required=True)


class ContextSchema(Schema):
    before = fields.List(fields.Str(), required=True)
    after = fields.List(fields.Str(), required=True)


class EvidenceSchema(Schema):
    sentence = fields.Str(required=True)
    score = fields.Float(required=True, metadata={"minimum": 0, "maximum": 1})
    stance = fields.Str(required=True, validate=validate.OneOf(["supports", "refutes", "related"]))
    matched_terms = fields.List(fields.Str(), required=True)
    highlights = fields.List(
        fields.List(fields.Int()),
        required=True,
        metadata={"description": "[start, end) character spans within the sentence."},
    )
    article = fields.Nested(ArticleRefSchema, required=True)
    sentence_index = fields.Int(required=True)
    offsets = fields.List(fields.Int(), required=True)
    context = fields.Nested(ContextSchema, required=True)
    attribution = fields.Nested(AttributionSchema, **NULLABLE)
    also_in = fields.List(fields.Nested(CopySchema), required=True)
    corroboration = fields.Int(required=True)


class EvidenceResultSchema(Schema):
    claim = fields.Str(required=True)
    took_ms = fields.Float(required=True)
    evidence = fields.List(fields.Nested(EvidenceSchema), required=True)
    unsupported_terms = fields.List(fields.Str(), required=True)


class ArticleFields:
    """Article metadata as clients send it (all optional but ``text``)."""

    title = fields.Str(**NULLABLE, validate=validate.Length(max=1000))
    source = fields.Str(**NULLABLE, validate=validate.Length(max=200))
    byline = fields.Str(**NULLABLE, validate=validate.Length(max=500))
    published = fields.Str(
        **NULLABLE, metadata={"description": "ISO-8601 date or datetime, e.g. 2025-02-27."}
    )
    url = fields.Str(**NULLABLE, validate=validate.Length(max=2000))
    language = fields.Str(**NULLABLE, validate=validate.Length(max=20))


class ArticleInSchema(ArticleFields, BodySchema):
    """An article in JSON (POST /v1/articles, PUT /v1/articles/{id})."""

    id = fields.Str(**NULLABLE, validate=validate.Length(1, 128))
    text = fields.Str(required=True)

    @post_load
    def _drop_nulls(self, data, **kwargs):
        return {k: v for k, v in data.items() if v is not None}


class RawArticleParamsSchema(ArticleFields, QuerySchema):
    """Metadata for a text/plain article, as query parameters; they win over the text's own."""

    id = fields.Str(validate=validate.Length(1, 128))


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
    cursor = fields.Str(validate=validate.Length(1, 400))
    limit = fields.Int(load_default=50, validate=validate.Range(1, 200))


class ArticlePageSchema(Schema):
    articles = fields.List(fields.Nested(ArticleSummarySchema), required=True)
    next_cursor = fields.Str(**NULLABLE)


class WriteResultSchema(Schema):
    id = fields.Str(required=True)
    status = fields.Str(required=True, validate=validate.OneOf(["created", "unchanged", "replaced"]))
    sentences = fields.Int(required=True, metadata={"description": "Sentences indexed (0 if unchanged)."})


class BulkResultSchema(Schema):
    results = fields.List(fields.Nested(WriteResultSchema), required=True)
    created = fields.Int(required=True)
    unchanged = fields.Int(required=True)
    replaced = fields.Int(required=True)


class HealthSchema(Schema):
    status = fields.Str(required=True)


class ReadySchema(Schema):
    status = fields.Str(required=True)
    articles = fields.Int(required=True)
    sentences = fields.Int(required=True)


class ProblemSchema(Schema):
    """application/problem+json (RFC 9457)."""

    type = fields.Str(required=True)
    title = fields.Str(required=True)
    status = fields.Int(required=True)
    detail = fields.Str()
    errors = fields.Dict(
        keys=fields.Str(),
        values=fields.Raw(),
        metadata={"description": "Field name -> list of messages, for validation failures."},
    )
