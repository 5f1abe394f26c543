"""GET/POST /v1/evidence: the supporting sentences for a claim."""

from __future__ import annotations

from flask import Blueprint

from index.evidence import EvidenceQuery, EvidenceResult
from index.render import evidence_text

from .api import operation
from .schemas import EvidenceBodySchema, EvidenceQuerySchema, EvidenceResultSchema
from .stores import answers, store

bp = Blueprint("evidence", __name__)


@bp.get("/v1/evidence")
@operation(
    query=EvidenceQuerySchema, response=EvidenceResultSchema, errors=(422,), text=evidence_text
)
def get_evidence(query: dict) -> EvidenceResult:
    """Supporting sentences for a claim, with source, date and URL."""
    return answers().answer(store(), evidence_query(query))


@bp.post("/v1/evidence")
@operation(
    body=EvidenceBodySchema,
    response=EvidenceResultSchema,
    errors=(400, 415, 422),
    text=evidence_text,
)
def post_evidence(body: dict) -> EvidenceResult:
    """Supporting sentences for a claim sent as JSON."""
    return answers().answer(store(), evidence_query(body))


def evidence_query(params: dict) -> EvidenceQuery:
    """The index query for validated request parameters."""
    return EvidenceQuery(
        claim=params["claim"],
        limit=params["limit"],
        min_score=params["min_score"],
        sources=tuple(params["source"]),
        published_from=params.get("published_from"),
        published_to=params.get("published_to"),
        context=params["context"],
        stance=params["stance"],
    )
