"""GET/POST /v1/evidence: the supporting sentences for a claim."""

from __future__ import annotations

from index.evidence import EvidenceQuery, EvidenceResult
from index.render import evidence_text

from .admission import CLAIM
from .api import EVIDENCE, Resource, operation
from .schemas.evidence import EvidenceBodySchema, EvidenceQuerySchema, EvidenceResultSchema
from .stores import answers, store

bp = Resource("evidence", __name__, tag=EVIDENCE)


@bp.get("/v1/evidence")
@operation(
    query=EvidenceQuerySchema,
    response=EvidenceResultSchema,
    errors=(422,),
    text=evidence_text,
    work=CLAIM,
)
def get_evidence(query: EvidenceQuery) -> EvidenceResult:
    """Supporting sentences for a claim, with source, date and URL."""
    return answers().answer(store(), query)


@bp.post("/v1/evidence")
@operation(
    body=EvidenceBodySchema,
    response=EvidenceResultSchema,
    errors=(400, 415, 422),
    text=evidence_text,
    work=CLAIM,
)
def post_evidence(body: EvidenceQuery) -> EvidenceResult:
    """Supporting sentences for a claim sent as JSON."""
    return answers().answer(store(), body)
