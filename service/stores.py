"""The app's article store, opened by the app factory and shared by its views."""

from __future__ import annotations

from flask import Flask, current_app

from index.store import Store

KEY = "provenance.store"


def init_store(app: Flask) -> Store:
    """Open the index named by the app's configuration."""
    config = app.config["PROVENANCE"]
    app.extensions[KEY] = Store(config.index_dir, lock_timeout=config.lock_timeout)
    return app.extensions[KEY]


def store() -> Store:
    """The current app's store."""
    return current_app.extensions[KEY]
