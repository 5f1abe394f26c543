"""End to end over real HTTP against a real gunicorn on loopback, with a temp index."""

import json

import pytest

from .conftest import AUTH, READY_ON_SEEDS, SEED_FILES, run_cli

pytestmark = pytest.mark.slow  # each test starts gunicorn or the lab

PESKOV = "Peskov said the annexed regions are non-negotiable"
PROBLEM = "application/problem+json"


def evidence(server, claim, **params):
    response = server.get("/v1/evidence", params={"claim": claim, **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_empty_index_is_seeded_and_seed_claim_returns_both_copies(server):
    assert server.get("/readyz").json() == READY_ON_SEEDS
    items = evidence(server, PESKOV)["evidence"]
    quote = next(e for e in items if "undeniable and non-negotiable" in e["sentence"])
    assert quote["article"]["source"] == "The Moscow Times"
    assert quote["article"]["byline"] == "AFP"
    assert quote["article"]["published"] == "2025-02-27"
    assert quote["article"]["url"].startswith("https://www.themoscowtimes.com/")
    [copy] = quote["also_in"]
    assert copy["source"] is None and copy["url"] is None and copy["published"] == "2025-02-27"
    assert quote["attribution"] == {"speaker": "Dmitry Peskov", "quoted": True}


def test_ingest_search_delete_search(server):
    article = {
        "id": "okapi-1",
        "text": "The okapi census counted 312 animals. Rangers were pleased.",
        "source": "Forest Post",
        "published": "2025-03-01",
        "url": "https://forest.example/okapi",
    }
    created = server.request("POST", "/v1/articles", json=article, headers=AUTH)
    assert created.status_code == 201 and created.headers["Location"].endswith(
        "/v1/articles/okapi-1"
    )
    again = server.request("POST", "/v1/articles", json=article, headers=AUTH)
    assert (again.status_code, again.json()["status"]) == (200, "unchanged")
    # Two workers: every read below may land on the worker that did not write.
    for _ in range(4):
        [item] = evidence(server, "okapi census counted 312 animals")["evidence"]
        assert item["article"]["source"] == "Forest Post"
    assert server.request("DELETE", "/v1/articles/okapi-1", headers=AUTH).status_code == 204
    for _ in range(4):
        assert evidence(server, "okapi census counted 312 animals")["evidence"] == []


@pytest.mark.parametrize(
    "method, path, kwargs, status",
    [
        ("POST", "/v1/articles", {"json": {"text": "No key."}}, 401),
        (
            "POST",
            "/v1/articles",
            {"data": "{bad", "headers": {**AUTH, "Content-Type": "application/json"}},
            400,
        ),
        (
            "POST",
            "/v1/articles",
            {"data": "x", "headers": {**AUTH, "Content-Type": "application/xml"}},
            415,
        ),
        ("POST", "/v1/articles", {"json": {"nope": 1}, "headers": AUTH}, 422),
        ("GET", "/v1/articles/nope", {}, 404),
        ("DELETE", "/v1/evidence", {}, 405),
        ("GET", "/v1/evidence", {"params": {"claim": "x" * 2_001}}, 422),
        (
            "POST",
            "/v1/articles",
            {"data": b"x" * (17 * 1024 * 1024), "headers": {**AUTH, "Content-Type": "text/plain"}},
            413,
        ),
    ],
)
def test_errors_over_http_are_problem_json(server, method, path, kwargs, status):
    response = server.request(method, path, **kwargs)
    assert response.status_code == status
    assert response.headers["Content-Type"] == PROBLEM
    assert response.json()["status"] == status and "Traceback" not in response.text


def test_conflicting_post_is_409_over_http(server):
    server.request("POST", "/v1/articles", json={"id": "c1", "text": "First."}, headers=AUTH)
    response = server.request(
        "POST", "/v1/articles", json={"id": "c1", "text": "Second."}, headers=AUTH
    )
    assert response.status_code == 409 and response.headers["Content-Type"] == PROBLEM


def test_query_syntax_claim_is_text(server):
    body = evidence(server, 'title:x AND ( "Kremlin')
    assert body["evidence"] == [] or all("Kremlin" in e["matched_terms"] for e in body["evidence"])


def test_cli_ingest_while_server_runs_is_seen_over_http(server, tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "one.json").write_text(
        json.dumps(
            {
                "id": "walrus-1",
                "text": "A walrus named Oskar swam up the Thames on Monday.",
                "source": "River News",
            }
        )
    )
    (folder / "many.jsonl").write_text(
        "\n".join(
            json.dumps({"id": f"walrus-{i}", "text": f"Walrus sighting number {i} was logged."})
            for i in (2, 3)
        )
    )
    (folder / "raw.txt").write_text(SEED_FILES[1].read_text())  # already indexed: unchanged
    done = run_cli("ingest", str(folder), index_dir=server.index_dir)
    assert done.returncode == 0, done.stderr
    assert "3 new" in done.stdout and "1 unchanged" in done.stdout
    [item] = evidence(server, "walrus named Oskar swam up the Thames")["evidence"]
    assert item["article"]["source"] == "River News"
    assert server.get("/readyz").json()["articles"] == 5
