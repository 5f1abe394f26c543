"""The HTTP layer: validates requests, calls the index library, serialises results.

``create_app`` (here) builds the app; one blueprint per resource (``evidence``, ``check``,
``citations``, ``articles``, ``health``, ``web``); ``schemas`` is the single source of the contract
(``openapi`` renders it); ``api`` declares each view's schemas and access; ``errors`` turns
every failure into problem+json; ``config`` reads the environment; ``stores`` opens the
backend; ``answers`` caches answers per index generation; ``observability`` serves metrics and
logs; ``gunicorn_conf`` is the server's settings (gevent workers, limits, seeding).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import Config

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Config | None = None) -> Flask:
    """Build the service for ``config`` (default: read from the environment)."""
    # Imported here, not at module level: gunicorn imports service.gunicorn_conf, in this package,
    # and that module must set PROMETHEUS_MULTIPROC_DIR before anything imports prometheus-client.
    from flask import Flask

    from index.judging import verifier

    from . import articles, check, citations, evidence, health, web
    from .admission import init_admission
    from .errors import register_error_handlers
    from .observability import register_observability
    from .stores import init_store

    config = config or Config.from_env()
    verifier.configure(config.verifier)  # a missing or altered model stops the app here
    app = Flask(__name__)
    app.config["PROVENANCE"] = config
    # One byte over the cap: werkzeug cuts a chunked body at this length without a word, so a
    # body that reaches it is known to be over the cap (service.api.body_bytes answers 413).
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes + 1
    init_store(app)
    init_admission(app)
    register_error_handlers(app)
    register_observability(app)
    for blueprint in (evidence.bp, check.bp, citations.bp, articles.bp, health.bp, web.bp):
        app.register_blueprint(blueprint)
    return app
