"""Gunicorn settings for the provenance service; every value can be set from the environment."""

import os

from index.ingest import seed_if_empty
from index.store import Store
from service.config import Config

wsgi_app = "service:create_app()"
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# A 2,000-character claim can be ~24 kB once URL-encoded; 0 lets gunicorn take request lines up
# to its own 1 MB cap, so an over-long claim gets the service's 422 rather than a bare 414.
limit_request_line = 0
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")


def on_starting(server):
    """Before workers fork: index the shipped seeds when the index is empty."""
    store = Store(Config.from_env().index_dir)
    added = seed_if_empty(store)
    if added:
        server.log.info("indexed %d seed articles into an empty index", len(added))
    store.close()
