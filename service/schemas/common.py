"""What every resource's schemas share: the base schemas, field types and shared parts.

The base query-string and body schemas, the field types (:class:`Int`, :class:`Day`, ruled
text), ``?format=`` (:class:`FormatSchema`), the shared date range and its article filter, the
evidence item (:class:`EvidenceSchema`, its article, copies, context and covers: /v1/evidence
and /v1/check both answer it) and application/problem+json (:class:`ProblemSchema`).

Together with the resource modules beside it (``evidence``, ``drafts``, ``articles``,
``operations``), the single source of openapi.yaml.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, pre_load, validate

from index.judging.conflicts import ConflictKind
from index.records import JUDGED_STANCES, ArticleFilter
from index.text.articles import Rule

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


class ConflictSchema(Schema):
    kind = fields.Str(
        required=True,
        validate=validate.OneOf(values(ConflictKind)),
        metadata={
            "description": "number: a quantity; date: a year, day or month; weekday; negation: "
            "one side denies what the other states; antonym: a claim word's opposite, or "
            "another word in its key word's place; name: another name in the key word's "
            "place; modality: another degree of certainty (likely, certain, may, will); "
            "reading: only the verifier (PROVENANCE_VERIFIER=on) read a contradiction, and "
            "claim and sentence are the whole claim and sentence.",
            "example": "number",
        },
    )
    claim = fields.Str(
        required=True,
        metadata={"description": "The claim's value, as written.", "example": "500"},
    )
    sentence = fields.Str(
        required=True,
        metadata={"description": "The sentence's value, as written.", "example": "about 300"},
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
    conflict = fields.Nested(
        ConflictSchema,
        required=True,
        **NULLABLE,
        metadata={
            "description": "What a refuting sentence disagrees on, and each side's value as "
            "written; null on supporting and related items."
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
