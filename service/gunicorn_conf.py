"""Gunicorn settings for the provenance service; every value can be set from the environment.

A module of the package, so an installed wheel carries it: ``gunicorn -c
python:service.gunicorn_conf`` (what ``provenance serve`` runs). Nothing from the service is
imported at module level: prometheus-client picks its multiprocess mode when first imported,
so PROMETHEUS_MULTIPROC_DIR is set before that.
"""

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

wsgi_app = "service:create_app()"
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# gevent: a connection waiting on a slow client, or a write waiting on the index lock, holds a
# greenlet rather than a whole worker, so probes and queries keep answering. One greenlet runs
# at a time, so the searcher a worker shares is never read by two at once (it is not
# thread-safe, which rules out gthread). docs/operations.md says why, and what goes in front.
# Each named worker is gunicorn's own, but answers an over-long request line as problem+json
# (service/workers.py); any other class given by its import path is used as it is.
_WORKERS = {"gevent": "service.workers.GeventWorker", "sync": "service.workers.SyncWorker"}
_worker = os.environ.get("GUNICORN_WORKER_CLASS", "gevent")
worker_class = _WORKERS.get(_worker, _worker)
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "1000"))
# A worker silent for this long is killed and replaced (a stuck request cannot hold a worker).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM workers finish their requests for up to this long; a commit in flight completes.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# Gunicorn's own maximum (service.errors.MAX_REQUEST_LINE; 0 would mean no limit at all, and a
# client could make a worker buffer an endless line): a 2,000-character ASCII claim fits in a
# GET; a longer line gets a 414 problem+json (service/workers.py), and long non-ASCII claims
# go in POST /v1/evidence.
limit_request_line = 8190
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
    """Before workers fork: clear old metric files; check the index's files and the verifier's;
    index the seeds into a never-used index."""
    from service.config import Config

    for stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        stale.unlink()
    config = Config.from_env()
    # A truncated or altered index file stops the service here, named, with the way out.
    from index.errors import IndexDamaged
    from index.stores.open import check_at_start

    try:
        check_at_start(config.backend, config.index_dir)
    except IndexDamaged as e:
        server.log.error("%s", e)
        raise SystemExit(1) from None
    if config.verifier:
        # Checked here, before any worker starts, without loading onnxruntime (see below).
        from index.judging.verifier import VerifierUnavailable, check_files, folder

        try:
            check_files(folder())
        except VerifierUnavailable as e:
            server.log.error("%s", e)
            raise SystemExit(1) from None
    if config.semantic:
        # The master must not load the embedding model: workers forked from it would inherit
        # onnxruntime's process-wide state, and it aborts them when they exit.
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            added = pool.apply(_seed, (config,))
    else:
        added = _seed(config)
    if added:
        server.log.info("indexed %d seed articles into a new index", added)


def _seed(config) -> int:
    """Index the seeds into a never-used archive; how many articles were added."""
    from index.ingest import seed_if_new
    from index.stores.open import open_store

    store = open_store(
        config.backend,
        index_dir=config.index_dir,
        opensearch=config.opensearch,
        semantic=config.semantic,
    )
    try:
        return len(seed_if_new(store))
    finally:
        store.close()


def child_exit(server, worker):
    """A worker is gone: its live gauges no longer count (its counters still do)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    """Remove the metrics directory this configuration made."""
    if _OWN_METRICS_DIR:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
