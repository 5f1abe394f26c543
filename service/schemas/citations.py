"""/v1/citations/verify: the citations to check, and what each one finds.

Each citation is checked by the library's own rules (:func:`index.citations.parse_citation`),
one at a time, so a malformed one is an entry of the answer (status ``invalid``, with a 422
problem), never the whole request's failure; only the envelope is the schema's to refuse.
"""

from __future__ import annotations

from marshmallow import Schema, fields, post_load, pre_load, validate

from index.citations import MAX_CITATIONS, Status

from ..errors import TooManyCitations
from .common import (
    NULLABLE,
    BodySchema,
    CitationSchema,
    ProblemSchema,
    citation_example,
    values,
)

ENTRY = (
    "A citation as an answer gives it (article_id, sentence_index and sentence_sha256 "
    "required; offsets, article_sha256, compact and sentence optional; `sentence`, the cited "
    "text, lets a `changed` result say how similar the closest sentence is), or its compact "
    "string. Any JSON value is taken: a malformed one gets an `invalid` result."
)


#: On the seeds: a citation that holds, one whose index is wrong (moved), a quote the article
#: does not hold as quoted (changed: the closest sentence), an unknown article (gone), a
#: malformed one; and what the service answers to it (a test holds the two together).
VERIFY_REQUEST_EXAMPLE = {
    "citations": [
        citation_example(),
        "3638292d1a5f92aa:9:37c72b72477c",
        {
            "article_id": "22f7d43c8802e9ee",
            "sentence_index": 2,
            "sentence_sha256": "84f4853f91cebd13a3ae31b0aeec644de08d4cbca05a915b87569e766a64713a",
            "sentence": '"This is undeniable and non-negotiable," he said during a briefing.',
        },
        "okapi-1:0:0123456789ab",
        {"article_id": "22f7d43c8802e9ee", "sentence_index": -1},
    ]
}
_COPY = {
    "article_id": "3638292d1a5f92aa",
    "sentence_index": 5,
    "offsets": [1076, 1161],
    "article_sha256": "a0bbb428dbc58f8f60d8a8ed3822be8478698dc651c9bca06c1ce46ddaac56c3",
    "sentence_sha256": "37c72b72477cf20265d1ec1231a39c188b0e90405315b808a4720681cf989c79",
    "compact": "3638292d1a5f92aa:5:37c72b72477c",
}
_SAID = '"This is undeniable and non-negotiable," he said'
_FOUND = {"problem": None}
_NOT_FOUND = {"citation": None, "sentence": None, "similarity": None}
VERIFY_RESPONSE_EXAMPLE = {
    "results": [
        {
            "status": "holds",
            "cited": citation_example()["compact"],
            "citation": citation_example(),
            "sentence": f"{_SAID} during a daily briefing.",
            "similarity": 1.0,
            **_FOUND,
        },
        {
            "status": "moved",
            "cited": "3638292d1a5f92aa:9:37c72b72477c",
            "citation": _COPY,
            "sentence": f"{_SAID} in a phone briefing attended by AFP.",
            "similarity": 1.0,
            **_FOUND,
        },
        {
            "status": "changed",
            "cited": "22f7d43c8802e9ee:2:84f4853f91ce",
            "citation": citation_example(),
            "sentence": f"{_SAID} during a daily briefing.",
            "similarity": 0.9167,
            **_FOUND,
        },
        {"status": "gone", "cited": "okapi-1:0:0123456789ab", "problem": None, **_NOT_FOUND},
        {
            "status": "invalid",
            "cited": None,
            "problem": {
                "type": "about:blank",
                "title": "Unprocessable Content",
                "status": 422,
                "detail": "sentence_index: A sentence index is a whole number from 0.; "
                "sentence_sha256: Missing data for required field.",
                "errors": {
                    "sentence_index": ["A sentence index is a whole number from 0."],
                    "sentence_sha256": ["Missing data for required field."],
                },
            },
            **_NOT_FOUND,
        },
    ],
    "summary": {"holds": 1, "moved": 1, "changed": 1, "gone": 1, "invalid": 1},
    "generation": "1",
    "took_ms": 1.5,
}


class VerifyBodySchema(BodySchema):
    """POST /v1/citations/verify JSON body."""

    citations = fields.List(
        fields.Raw(allow_none=True, metadata={"description": ENTRY}),
        required=True,
        validate=validate.Length(max=MAX_CITATIONS),
        metadata={
            "description": f"At most {MAX_CITATIONS:,} citations (more: 413), checked in order.",
            "example": [citation_example(), "3638292d1a5f92aa:5:37c72b72477c"],
        },
    )

    @pre_load
    def _not_too_many(self, data, **kwargs):
        found = data.get("citations") if isinstance(data, dict) else None
        if isinstance(found, list) and len(found) > MAX_CITATIONS:
            raise TooManyCitations(
                f"The body holds {len(found):,} citations; one request verifies at most "
                f"{MAX_CITATIONS:,}. Send the rest in further requests."
            )
        return data

    @post_load
    def _entries(self, data: dict, **kwargs) -> list:
        return data["citations"]


class VerificationSchema(Schema):
    status = fields.Str(
        required=True,
        validate=validate.OneOf(values(Status)),
        metadata={
            "description": "holds: the same sentence, same text, same place; moved: the "
            "article was replaced and the same sentence is elsewhere in it (`citation` says "
            "where); changed: the article is there, the sentence is not (`citation` is the "
            "closest sentence); gone: no article has the id; invalid: the citation is "
            "malformed (`problem` says how)."
        },
    )
    cited = fields.Str(
        **NULLABLE,
        metadata={"description": "The compact form of the citation sent (null when invalid)."},
    )
    citation = fields.Nested(
        CitationSchema,
        **NULLABLE,
        metadata={
            "description": "The sentence there now: the cited one (holds), where it moved "
            "(moved) or the closest (changed); null when gone or invalid."
        },
    )
    sentence = fields.Str(**NULLABLE, metadata={"description": "That sentence's text."})
    similarity = fields.Float(
        **NULLABLE,
        metadata={
            "minimum": 0,
            "maximum": 1,
            "description": "1 when the text is the cited one; for changed, the token Jaccard "
            "of the closest sentence and the cited text (shared distinct words over all "
            "distinct words, NFC and case-folded), null when the citation did not send its "
            "sentence (a compact string never does).",
        },
    )
    problem = fields.Nested(
        ProblemSchema,
        **NULLABLE,
        metadata={"description": "For invalid: a 422 problem naming what is wrong."},
    )


#: How many citations got each status.
VerifySummarySchema = Schema.from_dict(
    {status.value: fields.Int(required=True) for status in Status}, name="VerifySummarySchema"
)


class VerifyResultSchema(Schema):
    results = fields.List(
        fields.Nested(VerificationSchema),
        required=True,
        metadata={"description": "One result per citation, in the order sent."},
    )
    summary = fields.Nested(VerifySummarySchema, required=True)
    generation = fields.Str(
        required=True,
        metadata={"description": "The archive generation the citations were checked on."},
    )
    took_ms = fields.Float(required=True)
