"""Every error leaves the service as application/problem+json (RFC 9457), shaped here once."""

from __future__ import annotations

import logging

from flask import Flask, Response, json, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from index.errors import (
    ArticleConflict,
    ArticleNotFound,
    DraftTooLong,
    IndexBusy,
    IndexFull,
    IndexReadOnly,
    InvalidArticle,
    InvalidCursor,
    InvalidDraft,
    StaleCursor,
)

PROBLEM_JSON = "application/problem+json"
#: Gunicorn's own maximum (service/gunicorn_conf.py): a larger limit_request_line is cut to it,
#: and 0 means no limit at all, which would let a client make a worker buffer an endless line.
MAX_REQUEST_LINE = 8190
LINE_TOO_LONG = (
    f"The request line (method, path and query) is over {MAX_REQUEST_LINE:,} bytes. "
    "Send long claims with POST /v1/evidence."
)
log = logging.getLogger(__name__)


class ArticleTooLarge(HTTPException):
    """An article's text exceeds the configured size."""

    code = 413
    description = "The article text is larger than this service accepts."


class TooManyArticles(HTTPException):
    """An NDJSON request holds more articles than one request may."""

    code = 413
    description = "The request holds more articles than this service takes at once."


class TooManyCitations(HTTPException):
    """A verify request holds more citations than one request may."""

    code = 413
    description = "The request holds more citations than this service verifies at once."


def problem_body(
    status: int, title: str, detail: str | None = None, errors: dict | None = None
) -> dict:
    """The problem+json document (gunicorn's workers send it too: service/workers.py)."""
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return body


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    errors: dict | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A problem+json response; ``errors`` maps field names to lists of messages."""
    body = problem_body(status, title, detail, errors)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    response.headers.update(headers or {})
    return response


def register_error_handlers(app: Flask) -> None:
    """Map HTTP, validation and index errors to problem responses; never leak a traceback."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        headers = {k: v for k, v in exc.get_headers() if k.lower() not in ("content-type",)}
        if exc.code == 405:
            headers["Allow"] = ", ".join(sorted(exc.valid_methods or []))
        return problem(exc.code or 500, exc.name, exc.description, headers=headers)

    @app.errorhandler(ValidationError)
    def validation_error(exc: ValidationError):
        errors = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return problem(422, "Unprocessable Content", "The request has invalid fields.", errors)

    @app.errorhandler(InvalidArticle)
    def invalid_article(exc: InvalidArticle):
        return problem(422, "Unprocessable Content", "The article is invalid.", exc.errors)

    @app.errorhandler(InvalidDraft)
    def invalid_draft(exc: InvalidDraft):
        return problem(422, "Unprocessable Content", str(exc), {"text": [str(exc)]})

    @app.errorhandler(DraftTooLong)
    def draft_too_long(exc: DraftTooLong):
        return problem(413, "Content Too Large", str(exc))

    @app.errorhandler(InvalidCursor)
    def invalid_cursor(exc: InvalidCursor):
        return problem(422, "Unprocessable Content", str(exc), {"cursor": [str(exc)]})

    @app.errorhandler(StaleCursor)
    def stale_cursor(exc: StaleCursor):
        return problem(410, "Gone", str(exc))

    @app.errorhandler(ArticleNotFound)
    def not_found(exc: ArticleNotFound):
        return problem(404, "Not Found", f"No article has the id {exc.args[0]!r}.")

    @app.errorhandler(ArticleConflict)
    def conflict(exc: ArticleConflict):
        return problem(
            409,
            "Conflict",
            f"An article with the id {exc.args[0]!r} exists with different content; "
            f"PUT /v1/articles/{exc.args[0]} replaces it.",
        )

    @app.errorhandler(IndexBusy)
    def busy(exc: IndexBusy):
        retry = str(app.config["PROVENANCE"].retry_after)
        return problem(503, "Service Unavailable", str(exc), headers={"Retry-After": retry})

    @app.errorhandler(IndexFull)
    def full(exc: IndexFull):
        return problem(507, "Insufficient Storage", str(exc))

    @app.errorhandler(IndexReadOnly)
    def read_only(exc: IndexReadOnly):
        retry = str(app.config["PROVENANCE"].retry_after)
        return problem(503, "Service Unavailable", str(exc), headers={"Retry-After": retry})

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem(500, "Internal Server Error", "The error was logged.")
