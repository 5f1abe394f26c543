"""A small declarative layer: views state their schemas and auth; docs are generated from it.

``@operation`` loads the query string and the body through their schemas (a body type other
than JSON through the operation's own loader), checks the bearer key, and serialises what the
view returns (data, or ``(data, status, headers)`` as in APIFairy) with the response schema, or
with the operation's ``text`` renderer when the client asks for text. The same metadata is
what :mod:`service.openapi` publishes, so the contract is never written twice. A view's
:class:`Resource` blueprint gives its operations their tag.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, json, request
from marshmallow import Schema, ValidationError, fields
from werkzeug.datastructures import MultiDict, WWWAuthenticate
from werkzeug.exceptions import (
    BadRequest,
    Forbidden,
    RequestEntityTooLarge,
    Unauthorized,
    UnsupportedMediaType,
)
from werkzeug.http import quote_etag

from index.ingest import parse_json

from .admission import LIGHT, Work, admitted
from .schemas.common import FormatSchema

JSON = "application/json"
TEXT = "text/plain"
NDJSON = "application/x-ndjson"
#: Probes stay open whatever the configuration says of reads: orchestrators send no key.
OPEN, READ, WRITE = "open", "read", "write"


@dataclass(frozen=True)
class Tag:
    """A group of operations in the contract (generated clients and Swagger UI group by it)."""

    name: str
    description: str


EVIDENCE = Tag("evidence", "Find the sentences in the archive that support or refute a claim.")
ARTICLES = Tag("articles", "Add, replace, read, list and delete the archive's articles.")
DRAFTS = Tag("drafts", "Check a whole draft: every sentence marked with what the archive says.")
CITATIONS = Tag("citations", "Check later that the archive still says what an answer cited.")
OPERATIONS = Tag("operations", "Probes and metrics for orchestrators and monitoring.")
#: Every tag, in the order the contract lists them (and Swagger UI shows them).
TAGS = (EVIDENCE, DRAFTS, CITATIONS, ARTICLES, OPERATIONS)


class Resource(Blueprint):
    """A blueprint whose declared operations the contract groups under its ``tag``."""

    def __init__(self, name: str, import_name: str, tag: Tag) -> None:
        super().__init__(name, import_name)
        self.tag = tag


@dataclass(frozen=True)
class Operation:
    """What a view declares about itself."""

    response: type[Schema] | tuple[type[Schema], ...] | None
    status: int = 200
    query: type[Schema] | None = None
    body: type[Schema] | None = None
    body_types: tuple[str, ...] = (JSON,)
    access: str = READ  # OPEN, READ or WRITE
    errors: tuple[int, ...] = ()
    produces: tuple[str, ...] = (JSON,)
    #: What a request costs the worker (service/admission.py); None: never counted (probes).
    work: Work | None = LIGHT
    text: Callable[[Any], str] | None = None  # renders the result as text/plain
    #: Loaders of the body types other than JSON: each is given the loaded query string.
    loaders: Mapping[str, Callable[[Any], Any]] | None = None
    #: What a text/plain body holds, as the contract says it.
    text_body: str = "A raw article as found in seeds/."
    #: A JSON request body and a JSON answer the contract shows as examples.
    body_example: Any = None
    response_example: Any = None
    #: The view sends a weak ETag and may answer If-None-Match with 304 (the contract says so).
    etag: bool = False


def operation(**declared) -> Callable:
    """Declare a view's contract; the view receives ``query=`` and ``body=`` when declared."""
    op = Operation(**declared)

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            authorize(op.access)
            with admitted(op.work):
                return run(view, op, args, kwargs)

        wrapper.operation = op
        return wrapper

    return decorate


def run(view: Callable, op: Operation, args: tuple, kwargs: dict) -> Response:
    """Load the request as ``op`` declares it, call the view and serialise what it returns."""
    if op.body is not None and request.mimetype not in op.body_types:
        raise UnsupportedMediaType(
            f"Send the body as {' or '.join(op.body_types)}, not {request.mimetype!r}."
        )
    if op.query is not None:
        kwargs["query"] = load_query(op.query)
    if op.body is not None:
        kwargs["body"] = load_body(op, kwargs.get("query"))
    as_text = op.text is not None and wants_text()
    result = view(*args, **kwargs)
    if isinstance(result, Response):  # a body no schema describes (/metrics' text)
        return result
    obj, status, headers = returned(result, op.status)
    if as_text:
        response = Response(op.text(obj), status, headers, mimetype=TEXT)
    else:
        response = respond(op.response, obj, status, headers)
    if op.text is not None:
        response.vary.add("Accept")  # one URL answers JSON or text
    return response


def returned(result, status: int) -> tuple[Any, int, Any]:
    """A view's ``data``, ``(data, status)`` or ``(data, status, headers)`` as all three."""
    if not isinstance(result, tuple):
        return result, status, None
    obj, status, *headers = result
    return obj, status, headers[0] if headers else None


def respond(response, obj, status: int = 200, headers=None) -> Response:
    """Serialise ``obj`` as JSON with the operation's response schema (no body when none).

    Of a choice of schemas, the one whose ``record`` type ``obj`` is serialises it.
    """
    if response is None:
        return Response(status=status, headers=headers)
    if isinstance(response, tuple):
        response = next(s for s in response if isinstance(obj, s.record))
    return Response(json.dumps(response().dump(obj)), status, headers, mimetype=JSON)


def conditional(tag: str, make: Callable[[], Any]) -> Any:
    """A weak validator ``tag`` for what ``make`` answers: 304 without a body when the
    request's If-None-Match names it (so ``make`` is not run), else ``make()``'s data with the
    ETag. Weak: the same answer made again differs in its timing."""
    if request.if_none_match.contains_weak(tag):
        response = Response(status=304)
        response.set_etag(tag, weak=True)
        response.vary.add("Accept")
        return response
    return make(), 200, {"ETag": quote_etag(tag, weak=True)}


def load_body(op: Operation, query: Any) -> Any:
    """The request body: JSON through the operation's schema, other types through its loader."""
    if request.mimetype == JSON:
        return load_json(op.body)
    return (op.loaders or {})[request.mimetype](query)


def wants_text() -> bool:
    """Whether the client asked for text: ``?format=text``, or an Accept preferring text/plain."""
    chosen = load_query(FormatSchema).get("format")
    if chosen is None:
        return request.accept_mimetypes.best_match((JSON, TEXT)) == TEXT
    return chosen == "text"


def load_query(schema: type[Schema], args: MultiDict | None = None) -> dict:
    """Load the query string (or ``args``); list fields take every value of a repeated one."""
    args = request.args if args is None else args
    s = schema()
    data = {}
    for name, f in s.fields.items():
        if name in args:
            values = args.getlist(name)
            data[name] = values if isinstance(f, fields.List) else values[-1]
    return s.load(data)


def load_json(schema: type[Schema]) -> dict:
    """Load a JSON request body (400 if it is not JSON at all)."""
    return schema().load(json_body(dict))


def body_bytes() -> bytes:
    """The whole request body, or a 413 when it is over the cap, chunked (no length) or not."""
    data = request.get_data(cache=True)
    limit = current_app.config["PROVENANCE"].max_request_bytes
    if len(data) > limit:
        raise RequestEntityTooLarge(
            f"The body is larger than {limit:,} bytes (PROVENANCE_MAX_REQUEST_BYTES)."
        )
    return data


def text_body() -> str:
    """The request body as UTF-8 text (400 if it is not)."""
    try:
        return body_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("The body is not UTF-8 text.") from None


def json_body(expected: type):
    """The request body parsed as JSON of the expected top-level type, or a 400/422."""
    try:
        data = parse_json(body_bytes() or b"null")
    except ValueError as exc:
        raise BadRequest(f"The body is not valid JSON: {exc}") from None
    if not isinstance(data, expected):
        raise ValidationError({"_schema": [f"Expected a JSON {expected.__name__}."]})
    return data


def authorize(access: str) -> None:
    """Require a configured bearer key for writes (and for reads when so configured)."""
    config = current_app.config["PROVENANCE"]
    if access == OPEN or (access == READ and not config.read_keys_required):
        return
    if not config.api_keys:
        raise Forbidden(
            "Writes over HTTP are disabled: no API key is configured. Set PROVENANCE_API_KEYS "
            "to a comma-separated list of keys and send 'Authorization: Bearer <key>' "
            "(the provenance CLI can ingest without a key)."
        )
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not any(
        hmac.compare_digest(key.strip().encode(), k.encode()) for k in config.api_keys
    ):
        raise Unauthorized(
            "Send 'Authorization: Bearer <key>' with a key from PROVENANCE_API_KEYS.",
            www_authenticate=WWWAuthenticate("bearer", {"realm": "provenance"}),
        )
