"""Gunicorn workers that answer an over-long request line as problem+json, like the service.

Gunicorn refuses a request line over ``limit_request_line`` while parsing, before the app sees
the request, and with an HTML page. The bound itself is wanted: without it a client can make a
worker buffer an endless line. Only the answer changes: the same problem+json, with an
``X-Request-ID``, that every other refusal of the service has. Every other error gunicorn
handles as it always does. ``service/gunicorn_conf.py`` picks these for ``gevent`` and ``sync``.
"""

from __future__ import annotations

import json
import socket
import uuid

from gunicorn import util
from gunicorn.http.errors import LimitRequestLine
from gunicorn.workers import ggevent, sync

from .errors import LINE_TOO_LONG, PROBLEM_JSON, problem_body


def line_too_long() -> bytes:
    """The whole HTTP response to an over-long request line (the connection closes after it)."""
    # keys sorted as the app's JSON has them, so both answers read alike
    body = json.dumps(problem_body(414, "URI Too Long", LINE_TOO_LONG), sort_keys=True).encode()
    head = (
        "HTTP/1.1 414 URI Too Long\r\n"
        f"Content-Type: {PROBLEM_JSON}\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"X-Request-ID: {uuid.uuid4().hex}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body


class ProblemErrors:
    """A worker mixin: the over-long request line gets problem+json instead of gunicorn's HTML."""

    def handle_error(self, req, client: socket.socket, addr, exc: BaseException) -> None:
        if not isinstance(exc, LimitRequestLine):
            super().handle_error(req, client, addr, exc)
            return
        # gunicorn's own warning, so logs read the same whichever worker answered
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        try:
            util.write_nonblock(client, line_too_long())
        except OSError:
            self.log.debug("Failed to send error message.")  # the client is gone


class GeventWorker(ProblemErrors, ggevent.GeventWorker):
    """gunicorn's gevent worker, answering an over-long request line as problem+json."""


class SyncWorker(ProblemErrors, sync.SyncWorker):
    """gunicorn's sync worker, answering an over-long request line as problem+json."""
