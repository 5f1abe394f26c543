"""/metrics (single process and across gunicorn workers) and the per-request JSON log line."""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from prometheus_client.parser import text_string_to_metric_families

from .conftest import AUTH, SEED_ARTICLES, SEED_SENTENCES, start_server, stop_server

ARTICLE_ROUTE = "/v1/articles/<article_id:article_id>"


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of a Prometheus exposition, keyed by name and labels."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, frozenset(labels.items())), 0.0)


def test_metrics_count_requests_by_route_and_status_and_ingests(seeded_client):
    before = seeded_client.get("/metrics").get_data(as_text=True)
    for article_id in ("missing-1", "missing-2"):
        seeded_client.get(f"/v1/articles/{article_id}")
    seeded_client.post("/v1/articles", json={"text": "A new article."}, headers=AUTH)
    seeded_client.post("/v1/articles", json={"text": "A new article."}, headers=AUTH)
    response = seeded_client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    after = response.get_data(as_text=True)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    route = {"route": ARTICLE_ROUTE, "method": "GET", "status": "404"}
    assert grew("provenance_http_requests_total", **route) == 2
    assert grew("provenance_http_request_duration_seconds_count", **route) == 2
    assert grew("provenance_articles_ingested_total", status="created") == 1
    assert grew("provenance_articles_ingested_total", status="unchanged") == 1
    # The seeds and the one new article, of one sentence.
    assert value(after, "provenance_index_documents", kind="articles") == SEED_ARTICLES + 1
    assert value(after, "provenance_index_documents", kind="sentences") == SEED_SENTENCES + 1


def test_unknown_paths_share_one_label(client):
    client.get("/no/such/page")
    text = client.get("/metrics").get_data(as_text=True)
    assert "/no/such/page" not in text
    labels = {"route": "unmatched", "method": "GET", "status": "404"}
    assert value(text, "provenance_http_requests_total", **labels) >= 1


def test_request_id_is_honoured_or_generated_and_logged(client, caplog):
    caplog.set_level(logging.INFO, logger="provenance.request")
    given = client.get("/healthz", headers={"X-Request-ID": "edit-desk.42"})
    assert given.headers["X-Request-ID"] == "edit-desk.42"
    insane = client.get("/healthz", headers={"X-Request-ID": "x" * 500})
    made = client.get("/healthz")
    for response in (insane, made):
        assert len(response.headers["X-Request-ID"]) == 32
    assert insane.headers["X-Request-ID"] != made.headers["X-Request-ID"]
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "provenance.request"]
    assert [line["request_id"] for line in lines] == [
        "edit-desk.42",
        insane.headers["X-Request-ID"],
        made.headers["X-Request-ID"],
    ]
    assert lines[0]["route"] == "/healthz" and lines[0]["status"] == 200
    assert lines[0]["method"] == "GET" and lines[0]["duration_ms"] >= 0


@pytest.mark.slow
def test_metrics_sum_every_gunicorn_worker_and_log_json_lines(tmp_path):
    server = start_server(tmp_path / "index", workers=3, LOG_LEVEL="info")
    logged: list[dict] = []

    def read_log() -> None:
        for line in server.process.stderr:
            if line.startswith(b"{"):
                logged.append(json.loads(line))

    reader = threading.Thread(target=read_log)
    reader.start()
    try:
        # gevent workers each take many connections at once, so one may take a whole batch:
        # batches go on until the log shows two workers answered (the sum then spans them).
        requests_made = 0
        while len(healthz_workers(logged)) < 2 and requests_made < 600:
            with ThreadPoolExecutor(6) as pool:
                answers = list(pool.map(lambda _: server.get("/healthz"), range(30)))
            assert len({a.headers["X-Request-ID"] for a in answers}) == 30
            requests_made += 30
        # Each scrape is answered by whichever worker accepts it; all must agree on the total.
        for _ in range(6):
            text = server.get("/metrics").text
            count = value(
                text, "provenance_http_requests_total", route="/healthz", method="GET", status="200"
            )
            assert count == requests_made
            assert value(text, "provenance_index_documents", kind="articles") == SEED_ARTICLES
        server.request("GET", "/healthz", headers={"X-Request-ID": "trace-me"})
    finally:
        server.process.terminate()
        server.process.wait(timeout=30)
        reader.join()
        stop_server(server)
    assert len(healthz_workers(logged)) > 1, "every request landed on one worker"
    [traced] = [line for line in logged if line["request_id"] == "trace-me"]
    assert traced["status"] == 200 and traced["path"] == "/healthz"


def healthz_workers(logged: list[dict]) -> set[int]:
    """The worker processes that logged a /healthz answer so far."""
    return {line["pid"] for line in list(logged) if line["route"] == "/healthz"}
