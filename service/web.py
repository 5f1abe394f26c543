"""GET /: the evidence page for editors, and POST /check: a draft checked on the same page;
rendered on the server (it needs no JavaScript)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from index import render
from index.draft import DraftQuery, check_draft
from index.errors import DraftTooLong, InvalidCursor, InvalidDraft, StaleCursor
from index.records import Stance

from .admission import CLAIM, DRAFT, admitted
from .api import READ, authorize, load_query
from .schemas.evidence import EvidencePageSchema
from .stores import answers, store

bp = Blueprint("web", __name__)


@bp.get("/")
def page() -> tuple[str, int]:
    """The claim box and filters; with a claim, its evidence cards or what is wrong with it."""
    authorize(READ)
    asked = asked_params()
    shown = limits() | {"form": request.args}
    if "claim" not in asked:
        return render_template("index.html", **shown), 200
    try:
        query = load_query(EvidencePageSchema, asked)
        with admitted(CLAIM):
            result = answers().answer(store(), query)
    except ValidationError as exc:
        return render_template("index.html", errors=field_messages(exc.messages), **shown), 422
    except (InvalidCursor, StaleCursor) as exc:
        status = 410 if isinstance(exc, StaleCursor) else 422
        return render_template("index.html", errors={"cursor": [str(exc)]}, **shown), status
    return render_template("index.html", result=result, asked=asked, **shown), 200


@bp.post("/check")
def check_page() -> tuple[str, int]:
    """A draft from the page's form, each sentence marked with its verdict, sources below."""
    authorize(READ)
    draft = request.form.get("text", "")
    shown = limits() | {"form": {}, "draft": draft}
    try:
        with admitted(DRAFT):
            result = check_draft(
                store(), DraftQuery(draft), current_app.config["PROVENANCE"].draft_limits
            )
    except (InvalidDraft, DraftTooLong) as exc:
        status = 413 if isinstance(exc, DraftTooLong) else 422
        return render_template("index.html", draft_problem=str(exc), **shown), status
    laid = render.footnoted(result)
    return render_template("index.html", checked=result, laid=laid, **shown), 200


def limits() -> dict[str, int]:
    """The longest claim and draft the page's fields take."""
    config = current_app.config["PROVENANCE"]
    return {"max_claim": config.max_claim_chars, "max_draft": config.max_draft_chars}


def asked_params() -> MultiDict:
    """The evidence parameters in the query string; an empty filter box means no filter."""
    known = EvidencePageSchema().fields
    return MultiDict(
        (k, v)
        for k, v in request.args.items(multi=True)
        if k in known and (v.strip() or k == "claim")
    )


@bp.context_processor
def helpers() -> dict:
    """What the template needs from the renderer: highlight pieces, safe links, unknown labels."""
    return {
        "highlighted": render.highlighted,
        "safe_link": render.safe_link,
        "UNDATED": render.UNDATED,
        "UNKNOWN_SOURCE": render.UNKNOWN_SOURCE,
        "Stance": Stance,
        "MARKS": render.MARKS,
    }


def field_messages(messages: dict) -> dict[str, list[str]]:
    """Field -> messages, a repeated field's per-value messages gathered under its name."""
    return {
        name: found if isinstance(found, list) else [m for ms in found.values() for m in ms]
        for name, found in messages.items()
    }
