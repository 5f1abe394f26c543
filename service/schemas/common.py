"""The HTTP contract: every request and response shape, the single source of openapi.yaml."""

from __future__ import annotations

from dataclasses import asdict

from flask import current_app
from marshmallow import (
    EXCLUDE,
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates,
    validates_schema,
)

from index.articles import NON_BLANK, RULES, Rule, normalise_published
from index.draft import DraftQuery, Unchecked, Verdict
from index.evidence import EvidenceQuery
from index.records import (
    ASKED_STANCES,
    JUDGED_STANCES,
    ArticleFilter,
    BulkResult,
    Stance,
    WriteResult,
    WriteStatus,
)

NULLABLE = {"allow_none": True}
FORMATS = ("json", "text")
TEXT_FORMAT = "`text` answers text/plain whatever the Accept header says (for browsers)."


class Ruled(validate.Validator):
    """Holds a field to one of the library's rules, so every way in gives the same verdict."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule

    def __call__(self, value: str) -> str:
        problems = self.rule.problems(value)
        if problems:
            raise ValidationError(problems)
        return value


def ruled(rule: Rule, field: type[fields.Str] = fields.Str, **kwargs) -> fields.Str:
    """A text field checked by ``rule``, whose limits the contract states (maxLength, pattern)."""
    stated = {"maxLength": rule.max_chars, "pattern": rule.pattern}
    metadata = {k: v for k, v in stated.items() if v is not None} | kwargs.pop("metadata", {})
    return field(validate=Ruled(rule), metadata=metadata, **kwargs)


class QuerySchema(Schema):
    """Query strings ignore unknown parameters."""

    class Meta:
        unknown = EXCLUDE


class BodySchema(Schema):
    """Request bodies reject unknown fields, and numbers sent as strings."""

    class Meta:
        unknown = RAISE

    @pre_load
    def _numbers_are_numbers(self, data, **kwargs):
        # Query strings are text, so "5" is fine there; in JSON, "5" is not the number 5.
        if isinstance(data, dict):
            wrong = {
                name: ["Not a valid number."]
                for name, f in self.fields.items()
                if isinstance(f, fields.Number) and isinstance(data.get(name), str)
            }
            if wrong:
                raise ValidationError(wrong)
        return data


class Int(fields.Int):
    """An integer; a JSON number with a fraction (1.5) is refused rather than truncated."""

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid")
        return super()._validated(value)


class Day(fields.Date):
    """A calendar day, loaded as its ISO string (what the index filters on)."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        return super()._deserialize(value, attr, data, **kwargs).isoformat()


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


class FormatSchema(QuerySchema):
    """``?format=``, for operations that answer JSON or text."""

    format = fields.Str(
        validate=validate.OneOf(FORMATS),
        metadata={"description": TEXT_FORMAT},
    )


class DateRange:
    """Shared published_from / published_to fields; a reversed range matches nothing."""

    published_from = Day(metadata={"description": "Earliest publication day, inclusive."})
    published_to = Day(metadata={"description": "Latest publication day, inclusive."})


def article_filter(data: dict) -> ArticleFilter:
    """The articles that loaded ``source``, ``published_from`` and ``published_to`` select."""
    return ArticleFilter(
        tuple(data.pop("source")), data.pop("published_from", None), data.pop("published_to", None)
    )


def values(members) -> list[str]:
    """Enum members as the plain strings the contract lists."""
    return [m.value for m in members]


class EvidenceParams:
    """Parameters of an evidence request (SPEC §3), shared by GET and POST."""

    claim = ruled(
        NON_BLANK,
        required=True,
        metadata={"description": "The claim, as text (never query syntax); 1-2,000 characters."},
    )
    limit = Int(load_default=20, validate=validate.Range(1, 200))
    min_score = fields.Float(load_default=0.0, validate=validate.Range(0.0, 1.0))
    source = fields.List(
        fields.Str(validate=validate.Length(1, 200)),
        load_default=list,
        metadata={"description": "Only these sources (repeatable)."},
    )
    context = Int(load_default=1, validate=validate.Range(0, 10))
    stance = fields.Str(
        load_default=Stance.SUPPORTS.value, validate=validate.OneOf(values(ASKED_STANCES))
    )

    @validates("claim")
    def _claim_size(self, value: str, **kwargs) -> None:
        limit = current_app.config["PROVENANCE"].max_claim_chars
        if len(value) > limit:
            raise ValidationError(f"Longer than {limit:,} characters.")

    @post_load
    def _query(self, data: dict, **kwargs) -> EvidenceQuery:
        # The query names its filter as ArticleFilter does: sources, published_from, _to.
        where = asdict(article_filter(data))
        return EvidenceQuery(**where, **{**data, "stance": Stance(data["stance"])})


class EvidenceQuerySchema(EvidenceParams, DateRange, QuerySchema):
    """GET /v1/evidence query string."""


class EvidencePageSchema(EvidenceQuerySchema):
    """The web page's form: an editor who reverses the date range is told so.

    The API answers a reversed range with nothing matched, since JSON Schema cannot state the
    rule; a person filling in a form deserves the message instead.
    """

    @validates_schema
    def _ordered(self, data, **kwargs):
        low, high = data.get("published_from"), data.get("published_to")
        if low and high and low > high:
            raise ValidationError("Must not be after published_to.", "published_from")


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


class CoverSchema(Schema):
    claim_word = fields.Str(required=True, metadata={"description": "The claim's word."})
    how = fields.Str(
        required=True,
        validate=validate.OneOf(["exact", "variant", "synonym", "speaker", "neighbour"]),
        metadata={
            "description": "exact: the same word; variant: another inflection or spelling; "
            "synonym: a WordNet synonym; speaker: the quoted speaker's name; neighbour: the "
            "sentence before, which this one refers back to."
        },
    )
    sentence_word = fields.Str(
        required=True, metadata={"description": "The word (or speaker) that covers it."}
    )


class EvidenceSchema(Schema):
    sentence = fields.Str(required=True)
    score = fields.Float(required=True, metadata={"minimum": 0, "maximum": 1})
    stance = fields.Str(required=True, validate=validate.OneOf(values(JUDGED_STANCES)))
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
    covers = fields.List(
        fields.Nested(CoverSchema),
        required=True,
        metadata={"description": "The claim's words this sentence covers, and how."},
    )
    explanation = fields.Str(
        required=True, metadata={"description": "The score and the stance, in words."}
    )


class ClaimPartSchema(Schema):
    text = fields.Str(required=True)
    supported = fields.Bool(
        required=True,
        metadata={"description": "Whether a supporting sentence of the answer states this part."},
    )


class EvidenceResultSchema(Schema):
    claim = fields.Str(required=True)
    took_ms = fields.Float(required=True)
    evidence = fields.List(fields.Nested(EvidenceSchema), required=True)
    unsupported_terms = fields.List(fields.Str(), required=True)
    parts = fields.List(
        fields.Nested(ClaimPartSchema),
        required=True,
        metadata={
            "description": "A claim over 25 words is judged clause by clause: each clause, and "
            "whether the answer supports it (the claim is supported when every part is). "
            "Empty for shorter claims."
        },
    )


class DraftBodySchema(DateRange, BodySchema):
    """POST /v1/check JSON body: the draft and the evidence filters every sentence shares."""

    text = ruled(
        NON_BLANK,
        required=True,
        metadata={
            "description": "The draft. At most 20,000 characters and 200 sentences by default "
            "(PROVENANCE_MAX_DRAFT_CHARS, PROVENANCE_MAX_DRAFT_SENTENCES); more: 413."
        },
    )
    source = EvidenceParams.source
    limit = Int(
        load_default=DraftQuery.limit,
        validate=validate.Range(1, 20),
        metadata={"description": "Evidence items per sentence, both sides together."},
    )

    @post_load
    def _query(self, data: dict, **kwargs) -> DraftQuery:
        return DraftQuery(**asdict(article_filter(data)), **data)


class DraftSentenceSchema(Schema):
    text = fields.Str(required=True, metadata={"description": "draft[start:end], as sent."})
    start = fields.Int(required=True)
    end = fields.Int(required=True)
    checked = fields.Bool(required=True)
    reason = fields.Str(
        **NULLABLE,
        validate=validate.OneOf(values(Unchecked)),
        metadata={"description": "Why the sentence was not checked (null when it was)."},
    )
    checked_as = fields.Str(
        **NULLABLE,
        metadata={
            "description": "The claim checked, when not the sentence as written: an opening "
            "pronoun named as the person the draft names just before."
        },
    )
    verdict = fields.Str(
        **NULLABLE,
        validate=validate.OneOf(values(Verdict)),
        metadata={
            "description": "supported: supporting evidence, none refuting; disputed: both; "
            "contradicted: refuting only; unsupported: neither. Null when not checked."
        },
    )
    evidence = fields.List(
        fields.Nested(EvidenceSchema),
        required=True,
        metadata={"description": "The items of /v1/evidence that support or refute it."},
    )
    unsupported_terms = fields.List(fields.Str(), required=True)


class DraftSummarySchema(Schema):
    checked = fields.Int(required=True)
    supported = fields.Int(required=True)
    disputed = fields.Int(required=True)
    contradicted = fields.Int(required=True)
    unsupported = fields.Int(required=True)


class DraftResultSchema(Schema):
    text = fields.Str(required=True, metadata={"description": "The draft as sent."})
    sentences = fields.List(fields.Nested(DraftSentenceSchema), required=True)
    summary = fields.Nested(DraftSummarySchema, required=True)
    took_ms = fields.Float(required=True)


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


class HealthSchema(Schema):
    status = fields.Str(required=True)


class ReadySchema(Schema):
    status = fields.Str(required=True)
    articles = fields.Int(required=True)
    sentences = fields.Int(required=True)
    backend = fields.Str(required=True, metadata={"enum": ["whoosh", "opensearch"]})
    backend_status = fields.Str(
        required=True,
        metadata={
            "description": "`ok` for the embedded index; the cluster's health (green, yellow) "
            "for OpenSearch, where red makes /readyz answer 503."
        },
    )
    nodes = fields.Int(
        allow_none=True, metadata={"description": "OpenSearch: nodes in the cluster (else null)."}
    )
    ranking = fields.Str(
        required=True,
        metadata={
            "enum": ["lexical", "semantic"],
            "description": "`semantic` when sentence embeddings rank the answers "
            "(PROVENANCE_SEMANTIC=on, docs/quality.md); else `lexical`.",
        },
    )
    judge = fields.Str(
        required=True,
        metadata={
            "enum": ["verifier", "lexical"],
            "description": "`verifier` when the shipped entailment model decides which "
            "sentences support the claim (the default, docs/verifier.md); `lexical` with "
            "PROVENANCE_VERIFIER=off.",
        },
    )


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
