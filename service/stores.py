"""The app's article store and answer cache, made by the app factory and shared by its views."""

from __future__ import annotations

from flask import Flask, current_app

from index.stores.base import ArticleStore
from index.stores.open import open_store

from .answers import AnswerCache

KEY = "provenance.store"
ANSWERS_KEY = "provenance.answers"


def init_store(app: Flask) -> ArticleStore:
    """Open the archive on the backend named by the app's configuration."""
    config = app.config["PROVENANCE"]
    app.extensions[KEY] = open_store(
        config.backend,
        index_dir=config.index_dir,
        lock_timeout=config.lock_timeout,
        opensearch=config.opensearch,
        semantic=config.semantic,
    )
    app.extensions[ANSWERS_KEY] = AnswerCache(config.answer_cache, config.cursor_key)
    return app.extensions[KEY]


def store() -> ArticleStore:
    """The current app's store."""
    return current_app.extensions[KEY]


def answers() -> AnswerCache:
    """The current app's answer cache."""
    return current_app.extensions[ANSWERS_KEY]
