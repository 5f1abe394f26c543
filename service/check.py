"""POST /v1/check: every sentence of a draft, marked with what the archive says of it."""

from __future__ import annotations

from dataclasses import replace

from flask import current_app

from index.draft import DraftQuery, DraftResult, check_draft
from index.render import draft_text

from .admission import DRAFT
from .api import DRAFTS, JSON, TEXT, Resource, operation, text_body
from .schemas.drafts import CheckQuerySchema, DraftBodySchema, DraftResultSchema
from .stores import store

bp = Resource("check", __name__, tag=DRAFTS)


def plain_draft(query: dict) -> DraftQuery:
    """A text/plain body: the draft itself, with the default limit, no filters, and the query
    string's gate."""
    return DraftQuery(text_body(), fail_under=query.get("fail_under"))


@bp.post("/v1/check")
@operation(
    query=CheckQuerySchema,
    body=DraftBodySchema,
    body_types=(JSON, TEXT),
    loaders={TEXT: plain_draft},
    text_body="The draft as text (UTF-8).",
    response=DraftResultSchema,
    errors=(400, 413, 415, 422),
    text=draft_text,
    work=DRAFT,
)
def check(query: dict, body: DraftQuery) -> DraftResult:
    """Every sentence of a draft, marked supported, disputed, contradicted or unsupported."""
    if body.fail_under is None:
        body = replace(body, fail_under=query.get("fail_under"))
    return check_draft(store(), body, current_app.config["PROVENANCE"].draft_limits)
