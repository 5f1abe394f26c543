"""Every page of an answer over HTTP (SPEC §3c): /v1/evidence's cursor and next, a forged or
foreign cursor refused, a stale one gone, and cursors that every worker of a deployment takes.
The walk itself, on both backends, is in tests/test_store_contract.py."""

from __future__ import annotations

import pytest

from service.config import Config

from .conftest import AUTH, start_server, stop_server
from .test_store_contract import BRIDGE

CLAIM = "the bridge closed after floods"
PROBLEM = "application/problem+json"


@pytest.fixture
def bridge_client(client):
    for i, text in enumerate(BRIDGE):
        assert (
            client.put(f"/v1/articles/b{i}", json={"text": text}, headers=AUTH).status_code == 201
        )
    return client


def walk(client, method: str, **asked) -> list[dict]:
    """Every page of the answer, each asked with the previous page's next."""
    pages, cursor = [], None
    while True:
        params = {"claim": CLAIM, **asked, **({"cursor": cursor} if cursor else {})}
        if method == "GET":
            answer = client.get("/v1/evidence", query_string=params)
        else:
            answer = client.post("/v1/evidence", json=params)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        pages.append(answer.get_json())
        cursor = pages[-1]["next"]
        if cursor is None:
            return pages


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_cursor_walks_the_whole_answer_a_page_at_a_time(bridge_client, method):
    pages = walk(bridge_client, method, limit=2, stance="all")
    assert [len(p["evidence"]) for p in pages] == [2, 2, 2]
    ids = [e["article"]["id"] for p in pages for e in p["evidence"]]
    assert sorted(ids) == [f"b{i}" for i in range(len(BRIDGE))]
    whole = bridge_client.get(
        "/v1/evidence", query_string={"claim": CLAIM, "limit": 20, "stance": "all"}
    ).get_json()
    assert whole["next"] is None and [e["article"]["id"] for e in whole["evidence"]] == ids


def test_each_page_is_the_same_from_get_and_post(bridge_client):
    assert [p["evidence"] for p in walk(bridge_client, "GET", limit=2, stance="all")] == [
        p["evidence"] for p in walk(bridge_client, "POST", limit=2, stance="all")
    ]


def first_cursor(client) -> str:
    asked = {"claim": CLAIM, "limit": 1, "stance": "all"}
    cursor = client.get("/v1/evidence", query_string=asked).get_json()["next"]
    assert cursor is not None
    return cursor


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c[:-2] + ("AA" if not c.endswith("AA") else "BB"), "Not a cursor this service"),
        (lambda c: "x" + c, "Not a cursor this service"),
        (lambda c: "not a cursor", "Not a cursor this service issued"),
        (lambda c: c + "\n", "Not a cursor this service issued"),
        (lambda c: "\u00e9" * 30 + "." + "A" * 22, "Not a cursor this service issued"),
    ],
)
def test_a_changed_or_made_up_cursor_is_a_422(bridge_client, change, message):
    cursor = change(first_cursor(bridge_client))
    asked = {"claim": CLAIM, "limit": 1, "stance": "all", "cursor": cursor}
    for answer in (
        bridge_client.get("/v1/evidence", query_string=asked),
        bridge_client.post("/v1/evidence", json=asked),
    ):
        assert answer.status_code == 422 and answer.content_type == PROBLEM
        assert message in answer.get_json()["errors"]["cursor"][0]


def test_a_cursor_sent_with_another_query_is_a_422(bridge_client):
    cursor = first_cursor(bridge_client)
    answer = bridge_client.get(
        "/v1/evidence", query_string={"claim": CLAIM, "limit": 2, "stance": "all", "cursor": cursor}
    )
    assert answer.status_code == 422 and answer.content_type == PROBLEM
    assert "belongs to another query" in answer.get_json()["errors"]["cursor"][0]


def test_a_cursor_from_before_a_write_is_gone(bridge_client):
    cursor = first_cursor(bridge_client)
    bridge_client.put("/v1/articles/late", json={"text": "The bridge reopened."}, headers=AUTH)
    asked = {"claim": CLAIM, "limit": 1, "stance": "all", "cursor": cursor}
    answer = bridge_client.get("/v1/evidence", query_string=asked)
    assert answer.status_code == 410 and answer.content_type == PROBLEM
    problem = answer.get_json()
    assert (problem["status"], problem["title"]) == (410, "Gone")
    assert "ask again without a cursor" in problem["detail"]


def test_the_text_answer_and_the_page_lead_to_the_next_page(bridge_client):
    asked = {"claim": CLAIM, "limit": 1, "stance": "all"}
    text = bridge_client.get("/v1/evidence", query_string={**asked, "format": "text"})
    after = text.get_data(as_text=True).rsplit("more: ask again with cursor=", 1)[1]
    cursor = after.split("\n", 1)[0]
    assert (
        bridge_client.get("/v1/evidence", query_string={**asked, "cursor": cursor}).status_code
        == 200
    )
    page = bridge_client.get("/", query_string=asked).get_data(as_text=True)
    assert '<a rel="next" href="/?claim=' in page and "cursor=" in page and "More evidence" in page
    stale_page = bridge_client.get("/", query_string={**asked, "cursor": "x" + cursor})
    assert stale_page.status_code == 422 and "Not a cursor this service issued" in stale_page.text


def test_every_worker_of_a_deployment_signs_cursors_alike():
    env = {"PROVENANCE_INDEX_DIR": "var/index", "PROVENANCE_API_KEYS": "k1,k2"}
    assert Config.from_env(env).cursor_key == Config.from_env(dict(env)).cursor_key
    assert (
        Config.from_env(env).cursor_key
        != Config.from_env({**env, "PROVENANCE_API_KEYS": "k3"}).cursor_key
    )
    chosen = {**env, "PROVENANCE_CURSOR_SECRET": "s3cret"}
    assert Config.from_env(chosen).cursor_key == b"s3cret"


@pytest.mark.slow
def test_cursors_pass_between_the_workers_of_one_server(tmp_path):
    server = start_server(tmp_path / "index", workers=2)
    try:
        for i, text in enumerate(BRIDGE):
            put = server.request("PUT", f"/v1/articles/b{i}", json={"text": text}, headers=AUTH)
            assert put.status_code == 201
        asked = {"claim": CLAIM, "limit": 1, "stance": "all"}
        cursor = server.request("GET", "/v1/evidence", params=asked).json()["next"]
        # Each request on a connection of its own: the two workers take them as they come.
        answers = [
            server.request(
                "GET",
                "/v1/evidence",
                params={**asked, "cursor": cursor},
                headers={"Connection": "close"},
            )
            for _ in range(12)
        ]
        assert {a.status_code for a in answers} == {200}
        assert len({a.json()["evidence"][0]["article"]["id"] for a in answers}) == 1
    finally:
        stop_server(server)
