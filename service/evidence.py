"""GET/POST /v1/evidence: the supporting sentences for a claim."""

from __future__ import annotations

from index.answered import answered_with
from index.evidence import EvidenceQuery, EvidenceResult
from index.render import evidence_text

from .admission import CLAIM
from .answers import answer_etag
from .api import EVIDENCE, Resource, conditional, operation, wants_text
from .schemas.evidence import EvidenceBodySchema, EvidenceQuerySchema, EvidenceResultSchema
from .stores import answers, store

bp = Resource("evidence", __name__, tag=EVIDENCE)


@bp.get("/v1/evidence")
@operation(
    query=EvidenceQuerySchema,
    response=EvidenceResultSchema,
    errors=(410, 422),
    text=evidence_text,
    etag=True,
    work=CLAIM,
)
def get_evidence(query: EvidenceQuery):
    """Supporting sentences for a claim, with source, date and URL."""
    made_with = answered_with(store())
    tag = answer_etag(made_with, query, wants_text())
    return conditional(tag, lambda: answers().answer(store(), query, made_with))


@bp.post("/v1/evidence")
@operation(
    body=EvidenceBodySchema,
    response=EvidenceResultSchema,
    errors=(400, 410, 415, 422),
    text=evidence_text,
    work=CLAIM,
)
def post_evidence(body: EvidenceQuery) -> EvidenceResult:
    """Supporting sentences for a claim sent as JSON."""
    return answers().answer(store(), body)
