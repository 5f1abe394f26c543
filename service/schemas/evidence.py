"""/v1/evidence: the query string and JSON body of a request (and the page's form), the answer.

The evidence item itself is in :mod:`service.schemas.common`, since /v1/check answers it too.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import current_app
from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
    validates_schema,
)

from index.evidence import EvidenceQuery
from index.pages import CURSOR_PATTERN
from index.records import ASKED_STANCES, Stance
from index.text.articles import NON_BLANK

from .common import (
    NULLABLE,
    BodySchema,
    DateRange,
    EvidenceSchema,
    Int,
    QuerySchema,
    answered_with_field,
    article_filter,
    ruled,
    values,
)


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
    cursor = fields.Str(
        validate=validate.Regexp(CURSOR_PATTERN, error="Not a cursor this service issued."),
        metadata={
            "description": "The next page of the answer: the previous page's next, sent with "
            "the same claim, filters, stance, min_score and limit. A cursor of an earlier "
            "state of the archive is a 410: ask again without one.",
            "pattern": CURSOR_PATTERN,
            "example": "WzEsIjEyIiwiOWYyYjEwM2E0ZDU2ZTc4OSIsMCwyMCwwLjBd.k3Jz0q9vW1xQmV2o8nS4Ag",
        },
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
    next = fields.Str(
        required=True,
        **NULLABLE,
        metadata={
            "description": "The cursor of the answer's next page (send it as cursor); null "
            "when this page ends the answer. Bound to the archive as it is now: after a "
            "write, a 410.",
            "example": "WzEsIjEyIiwiOWYyYjEwM2E0ZDU2ZTc4OSIsMCwyMCwwLjBd.k3Jz0q9vW1xQmV2o8nS4Ag",
        },
    )
    parts = fields.List(
        fields.Nested(ClaimPartSchema),
        required=True,
        metadata={
            "description": "A claim over 25 words is judged clause by clause: each clause, and "
            "whether the answer supports it (the claim is supported when every part is). "
            "Empty for shorter claims."
        },
    )
    answered_with = answered_with_field()
