"""The HTTP layer: validates requests, calls the index library, serialises results."""

from __future__ import annotations

from flask import Flask

from . import articles, evidence, health, web
from .config import Config
from .errors import register_error_handlers
from .observability import register_observability
from .stores import init_store


def create_app(config: Config | None = None) -> Flask:
    """Build the service for ``config`` (default: read from the environment)."""
    config = config or Config.from_env()
    app = Flask(__name__)
    app.config["PROVENANCE"] = config
    # One byte over the cap: werkzeug cuts a chunked body at this length without a word, so a
    # body that reaches it is known to be over the cap (service.api.body_bytes answers 413).
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes + 1
    init_store(app)
    register_error_handlers(app)
    register_observability(app)
    for blueprint in (evidence.bp, articles.bp, health.bp, web.bp):
        app.register_blueprint(blueprint)
    return app
