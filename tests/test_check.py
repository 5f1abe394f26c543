"""POST /v1/check (SPEC §3b): a draft in, every sentence out with its verdict and sources."""

from __future__ import annotations

import pytest

from index.draft import Verdict

from .conftest import start_server, stop_server

SUPPORTED = "Peskov said the annexed regions are non-negotiable."
CONTRADICTED = "Kyiv has lost hundreds of square kilometres of Russia's Kursk region."
UNSUPPORTED = "Coffee exports from Brazil doubled."
DRAFT = f"Talks in Istanbul\r\n\r\n{SUPPORTED} {CONTRADICTED}\r\n\t{UNSUPPORTED} What next?"
PROBLEM = "application/problem+json"


@pytest.mark.slow
def test_a_seed_draft_over_http(tmp_path):
    server = start_server(tmp_path / "index", workers=1, PROVENANCE_MAX_DRAFT_CHARS="400")
    try:
        answer = server.request("POST", "/v1/check", json={"text": DRAFT})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        sentences = body["sentences"]
        assert all(DRAFT[s["start"] : s["end"]] == s["text"] for s in sentences)
        assert [(s["text"], s["checked"], s["reason"], s["verdict"]) for s in sentences] == [
            ("Talks in Istanbul", False, "heading", None),
            (SUPPORTED, True, None, Verdict.SUPPORTED),
            (CONTRADICTED, True, None, Verdict.CONTRADICTED),
            (UNSUPPORTED, True, None, Verdict.UNSUPPORTED),
            ("What next?", False, "question", None),
        ]
        assert {e["stance"] for e in sentences[1]["evidence"]} == {"supports"}
        assert sentences[2]["evidence"][0]["stance"] == "refutes"
        assert body["summary"] == {
            "checked": 3,
            "supported": 1,
            "disputed": 0,
            "contradicted": 1,
            "unsupported": 1,
            "verified_fraction": 0.3333,
            "fail_under": 1.0,
            "passed": False,
        }
        text = server.request(
            "POST",
            "/v1/check",
            data=DRAFT.encode(),
            headers={"Content-Type": "text/plain; charset=utf-8", "Accept": "text/plain"},
        )
        assert text.status_code == 200 and text.headers["Content-Type"].startswith("text/plain")
        assert f"{SUPPORTED} [✓ 1,2] {CONTRADICTED} [✗ 3]" in text.text
        assert f"{UNSUPPORTED} [? no evidence] What next?" in text.text
        assert "\n[3] 2025-02-27 · unknown source · no URL · refutes: Kyiv has seized" in text.text
        too_long = server.request("POST", "/v1/check", json={"text": DRAFT * 4})
        assert too_long.status_code == 413 and too_long.headers["Content-Type"] == PROBLEM
        assert "at most 400" in too_long.json()["detail"]
    finally:
        stop_server(server)


@pytest.mark.parametrize(
    ("kwargs", "status", "field"),
    [
        ({"json": {"text": ""}}, 422, "text"),
        ({"json": {"text": " \n\t"}}, 422, "text"),
        ({"data": " \r\n", "content_type": "text/plain"}, 422, "text"),
        ({"json": {}}, 422, "text"),
        ({"json": {"text": SUPPORTED, "claim": "x"}}, 422, "claim"),
        ({"json": {"text": SUPPORTED, "limit": 0}}, 422, "limit"),
        ({"json": {"text": SUPPORTED, "limit": "3"}}, 422, "limit"),
        ({"json": {"text": SUPPORTED, "published_from": "soon"}}, 422, "published_from"),
        ({"json": ["a draft"]}, 422, "_schema"),
        ({"data": "{not json", "content_type": "application/json"}, 400, None),
        ({"data": b"\xff\xfe", "content_type": "text/plain"}, 400, None),
        ({"data": "text=x", "content_type": "application/x-www-form-urlencoded"}, 415, None),
        ({"json": {"text": "Peskov spoke. " * 30}}, 413, None),
        ({"data": "Peskov spoke. " * 30, "content_type": "text/plain"}, 413, None),
        ({"json": {"text": "x" * 20_001}}, 413, None),
    ],
)
def test_bad_drafts_are_problems(make_app, kwargs, status, field):
    client = make_app(max_draft_chars=20_000, max_draft_sentences=20).test_client()
    response = client.post("/v1/check", **kwargs)
    assert response.status_code == status, response.text
    assert response.mimetype == PROBLEM
    if field:
        assert field in response.json["errors"]


def test_filters_and_limit(seeded_client):
    body = {"text": SUPPORTED, "source": ["The Moscow Times"], "limit": 1}
    (sentence,) = seeded_client.post("/v1/check", json=body).json["sentences"]
    assert [e["article"]["source"] for e in sentence["evidence"]] == ["The Moscow Times"]
    dated = {"text": SUPPORTED, "published_to": "2000-01-01"}
    (sentence,) = seeded_client.post("/v1/check", json=dated).json["sentences"]
    assert sentence["verdict"] == "unsupported" and sentence["evidence"] == []


def test_reads_may_require_a_key(make_app):
    client = make_app(read_keys_required=True).test_client()
    assert client.post("/v1/check", json={"text": SUPPORTED}).status_code == 401
