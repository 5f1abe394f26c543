"""POST /v1/citations/verify: whether the archive still says what each citation cites."""

from __future__ import annotations

from index.citations import VerifyResult, verify_citations
from index.render import verification_text

from .api import CITATIONS, Resource, operation
from .schemas.citations import (
    VERIFY_REQUEST_EXAMPLE,
    VERIFY_RESPONSE_EXAMPLE,
    VerifyBodySchema,
    VerifyResultSchema,
)
from .stores import store

bp = Resource("citations", __name__, tag=CITATIONS)


@bp.post("/v1/citations/verify")
@operation(
    body=VerifyBodySchema,
    response=VerifyResultSchema,
    errors=(400, 413, 415, 422),
    text=verification_text,
    body_example=VERIFY_REQUEST_EXAMPLE,
    response_example=VERIFY_RESPONSE_EXAMPLE,
)
def verify(body: list) -> VerifyResult:
    """Whether the archive still says what each citation cites: holds, moved, changed, gone."""
    return verify_citations(store(), body)
