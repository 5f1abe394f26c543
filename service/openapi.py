"""openapi.yaml, generated from the views' declared operations and the marshmallow schemas.

``python -m service openapi`` rewrites the committed file; a test fails when it is stale.
"""

from __future__ import annotations

import re
from pathlib import Path

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask

from index.text.articles import NON_BLANK

from .api import JSON, NDJSON, TAGS, TEXT, WRITE, Operation, Resource, Tag
from .config import Config
from .errors import LINE_TOO_LONG, PROBLEM_JSON
from .observability import REQUEST_ID
from .schemas.common import FormatSchema, ProblemSchema

TITLE = "Fact-provenance service"
VERSION = "1.0.0"
STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No Content",
    304: "Not Modified",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    410: "Gone",
    413: "Content Too Large",
    414: "URI Too Long",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    503: "Service Unavailable",
    507: "Insufficient Storage",
}
SPEC_FILE = Path(__file__).resolve().parent.parent / "openapi.yaml"
#: Statuses whose description says more than their name.
DESCRIPTIONS = {
    410: "Gone: the cursor was issued on an earlier state of the archive; ask again without it.",
    414: f"URI Too Long. {LINE_TOO_LONG}",
    503: "Service Unavailable: the worker holds all the work it takes at once, the backend is "
    "not ready, or (writes) the index is being written by another process or its directory is "
    "read-only. Retry after Retry-After.",
    507: "Insufficient Storage: the index's file system is full. Nothing was written; the same "
    "write succeeds once space is freed.",
}
NOT_MODIFIED = "Not Modified: the answer If-None-Match names is still the answer (no body is sent)."
IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "description": "ETags of answers held: when one is still the answer, a 304 without a body.",
    "schema": {"type": "string"},
}


def build_spec(app: Flask) -> APISpec:
    """The OpenAPI 3.1 document for every declared operation of ``app``."""
    spec = APISpec(
        title=TITLE,
        version=VERSION,
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={"description": "Given a claim, every supporting sentence in the news archive."},
    )
    spec.components.schema("Problem", schema=ProblemSchema)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.header(
        "RequestId",
        {
            "description": "The client's X-Request-ID when sane, else one made for this request.",
            "required": True,
            "schema": {"type": "string"},
        },
    )
    spec.components.header(
        "ETag",
        {
            "description": "A weak validator of the answer: the same while the archive "
            "generation, the judge, the support weights, the version and the request are.",
            "required": True,
            "schema": {"type": "string", "pattern": '^W/"[0-9a-f]{32}"$'},
        },
    )
    spec.components.header(
        "RetryAfter",
        {
            "description": "Seconds to wait before retrying.",
            "required": True,
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
        },
    )
    used: set[Tag] = set()
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        op: Operation | None = getattr(view, "operation", None)
        if op is None:
            continue
        tag = _tag(app, rule.endpoint)
        used.add(tag)
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        params = _path_parameters(app, rule.rule)
        for schema in op.response if isinstance(op.response, tuple) else ():
            name = schema.__name__.removesuffix("Schema")
            if name not in spec.components.schemas:
                spec.components.schema(name, schema=schema)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operation = _operation(view, op, tag, params, app.config["PROVENANCE"])
            spec.path(path=path, operations={method.lower(): operation})
    for tag in TAGS:
        if tag in used:
            spec.tag({"name": tag.name, "description": tag.description})
    return spec


def _tag(app: Flask, endpoint: str) -> Tag:
    """The tag of the blueprint ``endpoint`` is in; every operation must have one of ``TAGS``."""
    blueprint = app.blueprints.get(endpoint.rpartition(".")[0])
    if not isinstance(blueprint, Resource) or blueprint.tag not in TAGS:
        raise TypeError(
            f"{endpoint} declares an operation outside a service.api.Resource blueprint "
            "with a tag of service.api.TAGS: the contract could not group it"
        )
    return blueprint.tag


def _path_parameters(app: Flask, rule: str) -> list[dict]:
    """Path parameters; a custom converter's pattern is part of the contract."""
    params = []
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", rule):
        schema = {"type": "string"}
        if converter:
            schema["pattern"] = f"^{app.url_map.converters[converter].regex}$"
        params.append({"in": "path", "name": name, "required": True, "schema": schema})
    return params


def _operation(view, op: Operation, tag: Tag, path_params: list[dict], config: Config) -> dict:
    doc = {
        "tags": [tag.name],
        "operationId": view.__name__,
        "summary": (view.__doc__ or "").strip().splitlines()[0],
        "parameters": list(path_params),
        "responses": {str(op.status): _success(op)},
    }
    if op.query is not None:
        doc["parameters"].append({"in": "query", "schema": op.query})
    if op.etag:
        doc["parameters"].append(IF_NONE_MATCH)
        doc["responses"]["304"] = {"description": NOT_MODIFIED}
    if op.text is not None:
        doc["parameters"].append({"in": "query", "schema": FormatSchema})
    if op.body is not None:
        doc["requestBody"] = {"required": True, "content": _body_content(op, config)}
        if op.body_example is not None:
            doc["requestBody"]["content"][JSON]["example"] = op.body_example
    if op.access == WRITE:
        doc["security"] = [{"bearer": []}]
    # Any request line can be too long (service/workers.py answers it before the app).
    counted = {503} if op.work is not None else set()  # the worker may be full (admission)
    for status in sorted(
        {*op.errors, 414, *counted} | ({422, 400} if op.query or op.body else set())
    ):
        doc["responses"][str(status)] = {
            "description": DESCRIPTIONS.get(status, STATUS_TEXT[status]),
            "content": {PROBLEM_JSON: {"schema": "Problem"}},
        }
    if op.status == 201:
        doc["responses"]["200"] = dict(
            doc["responses"]["201"], description="Already stored: unchanged, or replaced by PUT"
        )
    for status, response in doc["responses"].items():
        response["headers"] = {REQUEST_ID: "RequestId"}
        if status == "503":
            response["headers"]["Retry-After"] = "RetryAfter"
        if op.etag and status in ("200", "304"):
            response["headers"]["ETag"] = "ETag"
    return doc


def _success(op: Operation) -> dict:
    if op.response is None:  # no body (204), or text a view renders itself
        text = {t: {"schema": {"type": "string"}} for t in op.produces if t != JSON}
        return {"description": STATUS_TEXT[op.status], **({"content": text} if text else {})}
    if isinstance(op.response, tuple):
        schema = {"oneOf": [_ref(s) for s in op.response]}
    else:
        schema = op.response
    content = {JSON: {"schema": schema}}
    if op.response_example is not None:
        content[JSON]["example"] = op.response_example
    if op.text is not None:
        summary = (op.text.__doc__ or "").strip().splitlines()[0]
        content[TEXT] = {"schema": {"type": "string", "description": summary}}
    return {"description": STATUS_TEXT[op.status], "content": content}


def _ref(schema) -> dict:
    name = schema.__name__.removesuffix("Schema")
    return {"$ref": f"#/components/schemas/{name}"}


def _body_content(op: Operation, config: Config) -> dict:
    described = {
        JSON: {"schema": op.body},
        TEXT: {
            "schema": {
                "type": "string",
                "pattern": NON_BLANK.pattern,
                "description": op.text_body,
            }
        },
        NDJSON: {
            "schema": {
                "type": "string",
                "description": (
                    f"One JSON article per line, at most {config.max_bulk_articles:,} per request "
                    "(PROVENANCE_MAX_BULK_ARTICLES); a body with more is refused whole with a 413."
                ),
            }
        },
    }
    return {t: described[t] for t in op.body_types}


def spec_yaml(app: Flask) -> str:
    """The contract as YAML (built once per app)."""
    if "provenance.openapi" not in app.extensions:
        app.extensions["provenance.openapi"] = build_spec(app).to_yaml()
    return app.extensions["provenance.openapi"]
