"""Liveness, readiness and the published contract."""

from __future__ import annotations

from flask import Response, abort, current_app

from index.judging import verifier

from .api import OPEN, OPERATIONS, Resource, operation
from .openapi import spec_yaml
from .schemas.operations import HealthSchema, ReadySchema
from .stores import store

bp = Resource("health", __name__, tag=OPERATIONS)


@bp.get("/healthz")
@operation(response=HealthSchema, access=OPEN, work=None)
def healthz() -> dict:
    """The process is alive."""
    return {"status": "ok"}


@bp.get("/readyz")
@operation(response=ReadySchema, errors=(503,), access=OPEN, work=None)
def readyz() -> dict:
    """The index is open and searchable, with its document counts and its backend's health."""
    health = store().health()
    if health.status == "red":  # a cluster missing primary shards cannot answer in full
        abort(503, f"The {health.backend} backend is not ready: its health is red.")
    return {
        "status": "ready",
        **store().counts(),
        "backend": health.backend,
        "backend_status": health.status,
        "nodes": health.nodes,
        "ranking": "semantic" if store().encoder else "lexical",
        "judge": "verifier" if verifier.current() else "lexical",
        "writable": health.writes_refused is None,
        "writes_refused": health.writes_refused,
    }


@bp.get("/openapi.yaml")
def openapi_yaml() -> Response:
    """The OpenAPI contract of this service."""
    return Response(spec_yaml(current_app), mimetype="application/yaml")
