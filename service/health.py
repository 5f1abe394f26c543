"""Liveness, readiness and the published contract."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from .api import OPEN, operation
from .openapi import spec_yaml
from .schemas import HealthSchema, ReadySchema
from .stores import store

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@operation(response=HealthSchema, access=OPEN)
def healthz() -> dict:
    """The process is alive."""
    return {"status": "ok"}


@bp.get("/readyz")
@operation(response=ReadySchema, errors=(503,), access=OPEN)
def readyz() -> dict:
    """The index is open and searchable, with its document counts."""
    return {"status": "ready", **store().counts()}


@bp.get("/openapi.yaml")
def openapi_yaml() -> Response:
    """The OpenAPI contract of this service."""
    return Response(spec_yaml(current_app), mimetype="application/yaml")
