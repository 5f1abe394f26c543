"""Gunicorn settings for the provenance service; every value can be set from the environment.

Nothing from the service is imported at module level: prometheus-client picks its
multiprocess mode when first imported, so PROMETHEUS_MULTIPROC_DIR is set before that.
"""

import os
import shutil
import tempfile
from pathlib import Path

wsgi_app = "service:create_app()"
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# A worker silent for this long is killed and replaced (a stuck request cannot hold a worker).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM workers finish their requests for up to this long; a commit in flight completes.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# A 2,000-character claim can be ~24 kB once URL-encoded; 0 lets gunicorn take request lines up
# to its own 1 MB cap, so an over-long claim gets the service's 422 rather than a bare 414.
limit_request_line = 0
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# The app writes one JSON line per request to the error log (service/observability.py);
# GUNICORN_ACCESS_LOG=- adds gunicorn's own access line as well.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")

# Workers write their metrics under this directory and any worker's /metrics sums them.
_OWN_METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _OWN_METRICS_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="provenance-metrics-")


def on_starting(server):
    """Before workers fork: clear old metric files; index the seeds when the index is empty."""
    from index.backend import open_store
    from index.ingest import seed_if_empty
    from service.config import Config

    for stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        stale.unlink()
    config = Config.from_env()
    store = open_store(config.backend, index_dir=config.index_dir, opensearch=config.opensearch)
    added = seed_if_empty(store)
    if added:
        server.log.info("indexed %d seed articles into an empty index", len(added))
    store.close()


def child_exit(server, worker):
    """A worker is gone: its live gauges no longer count (its counters still do)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    """Remove the metrics directory this configuration made."""
    if _OWN_METRICS_DIR:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
