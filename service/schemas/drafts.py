"""/v1/check: the draft to check, and the answer sentence by sentence with a summary."""

from __future__ import annotations

from dataclasses import asdict

from marshmallow import Schema, fields, post_load, validate

from index.draft import DraftQuery, Unchecked, Verdict
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
from .evidence import EvidenceParams


def fail_under_field() -> fields.Float:
    """The draft gate's threshold, as the body and the query string take it."""
    return fields.Float(
        validate=validate.Range(0.0, 1.0),
        metadata={
            "description": "The share of checked sentences that must be supported (0-1) for "
            "the summary to say passed; default 1: every one.",
            "example": 0.8,
        },
    )


class CheckQuerySchema(QuerySchema):
    """POST /v1/check query string: the gate for a text/plain draft (a JSON body may name its
    own, which counts over this one)."""

    fail_under = fail_under_field()


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
    fail_under = fail_under_field()

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
    verified_fraction = fields.Float(
        required=True,
        **NULLABLE,
        metadata={
            "description": "supported ÷ checked, to 4 places; null when no sentence was checked.",
            "example": 0.6667,
            "minimum": 0,
            "maximum": 1,
        },
    )
    fail_under = fields.Float(
        required=True,
        metadata={
            "description": "The gate applied: the request's fail_under, or 1.",
            "example": 0.8,
        },
    )
    passed = fields.Bool(
        required=True,
        metadata={
            "description": "verified_fraction ≥ fail_under; a draft with nothing to check passes.",
            "example": False,
        },
    )


class DraftResultSchema(Schema):
    text = fields.Str(required=True, metadata={"description": "The draft as sent."})
    sentences = fields.List(fields.Nested(DraftSentenceSchema), required=True)
    summary = fields.Nested(DraftSummarySchema, required=True)
    took_ms = fields.Float(required=True)
    answered_with = answered_with_field()
