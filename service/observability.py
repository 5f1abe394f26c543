"""Metrics and request logs: Prometheus at /metrics, one JSON log line per request.

Under gunicorn every worker records into prometheus-client's multiprocess files
(``PROMETHEUS_MULTIPROC_DIR``, prepared by service/gunicorn_conf.py) and a scrape of any worker sums
them; without that variable (the test client, a single process) metrics live in memory.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric

from index.records import WriteResult

from .api import OPERATIONS, TEXT, Resource, operation
from .stores import store

REQUEST_ID = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")
UNMATCHED = "unmatched"  # 404s and 405s: raw paths would make a label per typo
METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}  # others count as OTHER

REQUESTS = Counter(
    "provenance_http_requests_total",
    "HTTP requests answered, by route (URL rule), method and status.",
    ["route", "method", "status"],
    registry=None,
)
LATENCY = Histogram(
    "provenance_http_request_duration_seconds",
    "Time from the request reaching the app to its response, by route, method and status.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=None,
)
INGESTED = Counter(
    "provenance_articles_ingested_total",
    "Articles written over HTTP, by outcome (created, replaced, unchanged).",
    ["status"],
    registry=None,
)

bp = Resource("observability", __name__, tag=OPERATIONS)
log = logging.getLogger("provenance.request")


@bp.get("/metrics")
@operation(response=None, produces=(TEXT,), work=None)
def metrics() -> Response:
    """Prometheus metrics: requests, latency, ingest counts and index size."""
    registry = CollectorRegistry(auto_describe=False)
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        multiprocess.MultiProcessCollector(registry)
    else:
        for metric in (REQUESTS, LATENCY, INGESTED):
            registry.register(metric)
    registry.register(IndexCollector())
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


class IndexCollector:
    """Index document counts, read from the store at scrape time."""

    def collect(self) -> Iterator[Metric]:
        gauge = GaugeMetricFamily(
            "provenance_index_documents", "Documents searchable now, by kind.", labels=["kind"]
        )
        for kind, count in store().counts().items():
            gauge.add_metric([kind], count)
        yield gauge


def count_ingested(results: Iterable[WriteResult]) -> None:
    """Count written articles by outcome."""
    for result in results:
        INGESTED.labels(result.status).inc()


def register_observability(app: Flask) -> None:
    """Give every request an id, and measure and log it once answered."""
    app.register_blueprint(bp)
    server_log = logging.getLogger("gunicorn.error")
    if server_log.handlers and not log.handlers:
        # Under gunicorn: bare JSON lines on stderr, at its log level. Elsewhere the lines
        # propagate to whatever logging the host process configured.
        log.addHandler(logging.StreamHandler())
        log.setLevel(server_log.level)
        log.propagate = False
    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    given = request.headers.get(REQUEST_ID, "")
    g.request_id = given if SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    g.started = time.perf_counter()


def _finish(response: Response) -> Response:
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    route = request.url_rule.rule if request.url_rule else UNMATCHED
    method = request.method if request.method in METHODS else "OTHER"
    labels = (route, method, str(response.status_code))
    REQUESTS.labels(*labels).inc()
    LATENCY.labels(*labels).observe(seconds)
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers[REQUEST_ID] = request_id
    log.info(
        json.dumps(
            {
                "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 2),
                "bytes": response.calculate_content_length(),
                "remote_addr": request.remote_addr,
                "pid": os.getpid(),
            }
        )
    )
    return response
