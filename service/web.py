"""GET /: the evidence page for editors, rendered on the server (it needs no JavaScript)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from index import render
from index.records import Stance

from .api import READ, authorize, load_query
from .schemas import EvidencePageSchema
from .stores import answers, store

bp = Blueprint("web", __name__)


@bp.get("/")
def page() -> tuple[str, int]:
    """The claim box and filters; with a claim, its evidence cards or what is wrong with it."""
    authorize(READ)
    asked = asked_params()
    shown = {"form": request.args, "max_claim": current_app.config["PROVENANCE"].max_claim_chars}
    if "claim" not in asked:
        return render_template("index.html", **shown), 200
    try:
        query = load_query(EvidencePageSchema, asked)
    except ValidationError as exc:
        return render_template("index.html", errors=field_messages(exc.messages), **shown), 422
    result = answers().answer(store(), query)
    return render_template("index.html", result=result, asked=asked, **shown), 200


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
    }


def field_messages(messages: dict) -> dict[str, list[str]]:
    """Field -> messages, a repeated field's per-value messages gathered under its name."""
    return {
        name: found if isinstance(found, list) else [m for ms in found.values() for m in ms]
        for name, found in messages.items()
    }
