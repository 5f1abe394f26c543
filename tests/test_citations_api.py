"""Citations and how an answer was made, over HTTP: POST /v1/citations/verify, the
``answered_with`` of every evidence and check answer, and GET /v1/evidence's ETag."""

from __future__ import annotations

import pytest
import requests

from index.answered import answered_with
from index.citations import MAX_CITATIONS
from service.errors import PROBLEM_JSON
from service.schemas.citations import VERIFY_REQUEST_EXAMPLE, VERIFY_RESPONSE_EXAMPLE

from .conftest import AUTH, start_server, stop_server

PESKOV = "Peskov said the annexed regions are non-negotiable"
VERIFY = "/v1/citations/verify"


def without_time(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k != "took_ms"}


def test_the_contracts_example_is_what_the_service_answers(seeded_client):
    response = seeded_client.post(VERIFY, json=VERIFY_REQUEST_EXAMPLE)
    assert response.status_code == 200
    assert without_time(response.get_json()) == without_time(VERIFY_RESPONSE_EXAMPLE)


def test_verify_is_a_read_open_without_a_key_unless_reads_need_one(make_app):
    body = {"citations": ["a:0:0123456789ab"]}
    assert make_app(api_keys=()).test_client().post(VERIFY, json=body).status_code == 200
    closed = make_app(read_keys_required=True).test_client()
    assert closed.post(VERIFY, json=body).status_code == 401
    assert closed.post(VERIFY, json=body, headers=AUTH).status_code == 200


def test_a_malformed_citation_is_an_entry_of_the_answer(seeded_client):
    body = {
        "citations": [{"article_id": "22f7d43c8802e9ee"}, None, "22f7d43c8802e9ee:2:6bcfe9fc3504"]
    }
    response = seeded_client.post(VERIFY, json=body)
    assert response.status_code == 200
    bad, empty, good = response.get_json()["results"]
    assert (bad["status"], bad["problem"]["status"]) == ("invalid", 422)
    assert bad["problem"]["errors"] == {
        "sentence_index": ["Missing data for required field."],
        "sentence_sha256": ["Missing data for required field."],
    }
    assert empty["status"] == "invalid" and good["status"] == "holds"


def test_citations_as_many_as_allowed_are_answered_in_order(seeded_client):
    body = {"citations": ["22f7d43c8802e9ee:2:6bcfe9fc3504", "x:0:0123456789ab"] * 500}
    response = seeded_client.post(VERIFY, json=body)
    assert response.status_code == 200
    statuses = [r["status"] for r in response.get_json()["results"]]
    assert statuses == ["holds", "gone"] * 500 and len(statuses) == MAX_CITATIONS


@pytest.mark.parametrize(
    ("kwargs", "status", "said"),
    [
        ({"json": {"citations": ["a:0:0123456789ab"] * 1001}}, 413, "1,001 citations"),
        ({"data": "a:0:0123456789ab", "content_type": "text/plain"}, 415, "application/json"),
        ({"data": '{"citations": [', "content_type": "application/json"}, 400, "not valid JSON"),
        ({"json": ["a:0:0123456789ab"]}, 422, "Expected a JSON dict"),
        ({"json": {}}, 422, "citations"),
        ({"json": {"citations": "a:0:0123456789ab"}}, 422, "citations"),
        ({"json": {"citations": [], "extra": 1}}, 422, "extra"),
    ],
)
def test_a_body_of_the_wrong_shape_is_a_problem(client, kwargs, status, said):
    response = client.post(VERIFY, **kwargs)
    assert response.status_code == status
    assert response.mimetype == PROBLEM_JSON
    assert said in response.get_data(as_text=True)


def test_verify_answers_text_one_line_a_citation(seeded_client):
    body = {"citations": ["22f7d43c8802e9ee:2:6bcfe9fc3504", "x:0:0123456789ab"]}
    response = seeded_client.post(VERIFY, json=body, headers={"Accept": "text/plain"})
    assert response.get_data(as_text=True) == (
        "holds    22f7d43c8802e9ee:2:6bcfe9fc3504\ngone     x:0:0123456789ab\n"
    )


# --- answered_with and the ETag --------------------------------------------------------------


def test_every_evidence_and_check_answer_says_how_it_was_made(app, seeded_client):
    made_with = answered_with(app.extensions["provenance.store"])
    expected = {
        "generation": made_with.generation,
        "judge": "lexical",
        "support_weights_sha256": made_with.support_weights_sha256,
        "version": made_with.version,
    }
    answers = [
        seeded_client.get("/v1/evidence", query_string={"claim": PESKOV}),
        seeded_client.post("/v1/evidence", json={"claim": PESKOV}),
        seeded_client.post("/v1/check", json={"text": PESKOV + "."}),
    ]
    assert [a.get_json()["answered_with"] for a in answers] == [expected] * 3
    item = answers[0].get_json()["evidence"][0]
    assert item["citation"]["compact"] == "22f7d43c8802e9ee:2:6bcfe9fc3504"
    assert item["also_in"][0]["citation"]["compact"] == "3638292d1a5f92aa:5:37c72b72477c"
    checked = answers[2].get_json()["sentences"][0]["evidence"][0]
    assert checked["citation"] == item["citation"]


def test_a_replayed_answer_is_the_same_but_for_its_time(make_app):
    client = make_app(answer_cache=0).test_client()  # each answer made afresh
    client.post(
        "/v1/articles", json={"id": "h1", "text": "A heron nested on the mill."}, headers=AUTH
    )
    first, again = (
        client.get("/v1/evidence", query_string={"claim": "heron nested"}) for _ in range(2)
    )
    assert first.headers["ETag"] == again.headers["ETag"]
    assert without_time(first.get_json()) == without_time(again.get_json())
    assert first.get_json()["evidence"]


def test_if_none_match_gets_a_304_until_a_write(seeded_client):
    asked = {"query_string": {"claim": PESKOV}}
    first = seeded_client.get("/v1/evidence", **asked)
    tag = first.headers["ETag"]
    assert tag.startswith('W/"') and "Accept" in first.vary
    again = seeded_client.get("/v1/evidence", **asked, headers={"If-None-Match": tag})
    assert (again.status_code, again.data, again.headers["ETag"]) == (304, b"", tag)
    starred = seeded_client.get("/v1/evidence", **asked, headers={"If-None-Match": "*"})
    assert starred.status_code == 304
    other = seeded_client.get("/v1/evidence", **asked, headers={"If-None-Match": 'W/"nope"'})
    assert other.status_code == 200
    text = seeded_client.get("/v1/evidence", query_string={"claim": PESKOV, "format": "text"})
    assert text.headers["ETag"] != tag  # another representation, another validator
    fewer = seeded_client.get("/v1/evidence", query_string={"claim": PESKOV, "limit": 1})
    assert fewer.headers["ETag"] != tag
    seeded_client.post("/v1/articles", json={"text": "Unrelated rain fell."}, headers=AUTH)
    after = seeded_client.get("/v1/evidence", **asked, headers={"If-None-Match": tag})
    assert after.status_code == 200 and after.headers["ETag"] != tag
    assert int(after.get_json()["answered_with"]["generation"]) > int(
        first.get_json()["answered_with"]["generation"]
    )


def test_post_answers_carry_no_etag(seeded_client):
    response = seeded_client.post("/v1/evidence", json={"claim": PESKOV})
    assert "ETag" not in response.headers


# --- the editor's scenario over real HTTP ------------------------------------------------------

ARTICLES = {
    "storm-1": "The storm reached the coast at dawn. Winds hit 140 km/h. Ferries stayed in port.",
    "dam-1": "Engineers inspected the dam on Monday. The dam held. Repairs start in May.",
    "vote-1": "The council met late. The budget passed by 31 votes to 9. The mayor left early.",
}
CLAIMS = {
    "storm-1": "winds hit 140 km/h",
    "dam-1": "engineers inspected the dam on Monday",
    "vote-1": "the budget passed by 31 votes to 9",
}


@pytest.mark.slow
def test_an_editor_cites_then_verifies_after_edits_and_a_deletion(tmp_path):
    server = start_server(tmp_path / "index", workers=2)
    try:
        url = server.url
        for article_id, text in ARTICLES.items():
            added = requests.put(
                f"{url}/v1/articles/{article_id}", json={"text": text}, headers=AUTH, timeout=30
            )
            assert added.status_code == 201
        cited = {}
        for article_id, claim in CLAIMS.items():
            answer = requests.get(f"{url}/v1/evidence", params={"claim": claim}, timeout=30)
            item = answer.json()["evidence"][0]
            assert item["article"]["id"] == article_id
            cited[article_id] = {**item["citation"], "sentence": item["sentence"]}
        # The storm story gains a lead sentence (its cited sentence moves); the vote story
        # corrects its figures (its cited sentence is gone); the dam story is withdrawn.
        edited = {
            "storm-1": "Update. " + ARTICLES["storm-1"],
            "vote-1": ARTICLES["vote-1"].replace("31 votes to 9", "30 votes to 10"),
        }
        for article_id, text in edited.items():
            replaced = requests.put(
                f"{url}/v1/articles/{article_id}", json={"text": text}, headers=AUTH, timeout=30
            )
            assert replaced.json()["status"] == "replaced"
        assert requests.delete(f"{url}/v1/articles/dam-1", headers=AUTH, timeout=30).ok
        unchanged = requests.get(
            f"{url}/v1/evidence", params={"claim": "ferries stayed in port"}, timeout=30
        ).json()["evidence"][0]["citation"]
        body = {"citations": [*cited.values(), unchanged["compact"], {"article_id": "x"}]}
        verified = requests.post(f"{url}/v1/citations/verify", json=body, timeout=30)
        assert verified.status_code == 200
        storm, dam, vote, ferries, bad = verified.json()["results"]
        assert storm["status"] == "moved" and storm["citation"]["sentence_index"] == 2
        assert storm["sentence"] == "Winds hit 140 km/h."
        assert dam["status"] == "gone" and dam["citation"] is None
        assert vote["status"] == "changed"
        assert vote["sentence"] == "The budget passed by 30 votes to 10."
        assert vote["similarity"] == 0.6  # 6 of the 10 distinct words: not the figures
        assert ferries["status"] == "holds"
        assert bad["status"] == "invalid" and bad["problem"]["status"] == 422
        refused = [
            requests.post(f"{url}/v1/citations/verify", json={"citations": ["a"] * 1001}),
            requests.post(f"{url}/v1/citations/verify", data="a:0:0123456789ab"),
            requests.post(
                f"{url}/v1/citations/verify",
                data="a:0:0123456789ab",
                headers={"Content-Type": "text/csv"},
            ),
        ]
        assert [r.status_code for r in refused] == [413, 415, 415]
        assert all(r.headers["Content-Type"] == PROBLEM_JSON for r in refused)
        # Each worker makes the answer afresh: the same answer, validator and all.
        asked = {"params": {"claim": CLAIMS["vote-1"]}, "timeout": 30}
        replies = [requests.get(f"{url}/v1/evidence", **asked) for _ in range(6)]
        assert len({r.headers["ETag"] for r in replies}) == 1
        assert all(without_time(r.json()) == without_time(replies[0].json()) for r in replies)
    finally:
        stop_server(server)
