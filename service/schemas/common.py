"""What every resource's schemas share: the base schemas, field types and shared parts.

The base query-string and body schemas, the field types (:class:`Int`, :class:`Day`, ruled
text), ``?format=`` (:class:`FormatSchema`), the shared date range and its article filter, the
evidence item (:class:`EvidenceSchema`, its article, copies, context, covers and citation:
/v1/evidence and /v1/check both answer it), what an answer is made with
(:class:`AnsweredWithSchema`) and application/problem+json (:class:`ProblemSchema`).

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


SHA256 = {"pattern": "^[0-9a-f]{64}$"}


def citation_example() -> dict:
    """The citation of the seed sentence the docs cite (a fresh copy each time: the YAML of
    the contract would alias one object used twice)."""
    return {
        "article_id": "22f7d43c8802e9ee",
        "sentence_index": 2,
        "offsets": [429, 502],
        "article_sha256": "130e0e84f178b7e2cf111e183f25100993e30f8c088be96328d06c06305875a8",
        "sentence_sha256": "6bcfe9fc350441863e48b2a5c8ebeea01dcc94dcec30a23ef185aa39b7923f1b",
        "compact": "22f7d43c8802e9ee:2:6bcfe9fc3504",
    }


class CitationSchema(Schema):
    """A sentence as an answer cites it; POST /v1/citations/verify checks it later."""

    article_id = fields.Str(required=True)
    sentence_index = fields.Int(required=True, metadata={"minimum": 0})
    offsets = fields.List(
        fields.Int(),
        required=True,
        metadata={"description": "[start, end) characters of the stored article text."},
    )
    article_sha256 = fields.Str(
        required=True,
        metadata={**SHA256, "description": "sha256 (hex) of the stored article text, UTF-8."},
    )
    sentence_sha256 = fields.Str(
        required=True,
        metadata={**SHA256, "description": "sha256 (hex) of the sentence text after NFC, UTF-8."},
    )
    compact = fields.Str(
        required=True,
        metadata={
            "description": "<article_id>:<sentence_index>:<first 12 hex of sentence_sha256>, "
            "for a footnote or a URL (read from the right: ids may hold ':').",
            "example": citation_example()["compact"],
        },
    )


def part(schema: type[Schema], description: str, example: dict) -> fields.Nested:
    """A required part of an answer, described and shown by example in the contract."""
    return fields.Nested(
        schema, required=True, metadata={"description": description, "example": example}
    )


def citation_field() -> fields.Nested:
    """The ``citation`` of an evidence item or a copy."""
    return part(
        CitationSchema,
        "Where the sentence sits and its sha256, to cite it and to check later "
        "(POST /v1/citations/verify) that the archive still says it.",
        citation_example(),
    )


class AnsweredWithSchema(Schema):
    generation = fields.Str(
        required=True,
        metadata={
            "description": "The archive's generation, which every committed write changes "
            "(Whoosh: the index generation; OpenSearch: the cluster's generation document)."
        },
    )
    judge = fields.Str(
        required=True,
        metadata={
            "description": "`lexical`, or `verifier:<sha256 of the verifier's model file>`.",
            "pattern": "^(lexical|verifier:[0-9a-f]{64})$",
        },
    )
    support_weights_sha256 = fields.Str(
        required=True,
        metadata={**SHA256, "description": "sha256 of the support model's weights file in use."},
    )
    version = fields.Str(required=True, metadata={"description": "The service's version."})


def answered_with_field() -> fields.Nested:
    """An answer's ``answered_with``."""
    return part(
        AnsweredWithSchema,
        "How the answer was made: asked again with the same values, it is the same answer but "
        "for took_ms (GET answers: the ETag says so).",
        {
            "generation": "1",
            "judge": "lexical",
            "support_weights_sha256": (
                "5427cdfa65990ca7a7e4cb109fa61357b8f709fe7a64c62e97fd4d427a73a336"
            ),
            "version": "0.1.0",
        },
    )


class CopySchema(Schema):
    sentence = fields.Str(required=True)
    article_id = fields.Str(required=True)
    source = fields.Str(**NULLABLE)
    published = fields.Str(**NULLABLE)
    url = fields.Str(**NULLABLE)
    sentence_index = fields.Int(required=True)
    citation = citation_field()


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
    citation = citation_field()
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
