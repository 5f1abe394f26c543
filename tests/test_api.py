"""The HTTP contract through the Flask test client: statuses, problem+json, auth, limits."""

import json

import pytest

from index.ingest import seed_files

from .conftest import AUTH, READY_ON_SEEDS

PROBLEM = "application/problem+json"
RAW_SEED = seed_files()[0].read_text()


def assert_problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status and body["title"] and body["type"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body


@pytest.mark.parametrize(
    "method, path, kwargs, status, field",
    [
        ("get", "/v1/evidence", {}, 422, "claim"),
        ("get", "/v1/evidence", {"query_string": {"claim": ""}}, 422, "claim"),
        ("get", "/v1/evidence", {"query_string": {"claim": "   "}}, 422, "claim"),
        ("get", "/v1/evidence", {"query_string": {"claim": "x" * 10_000}}, 422, "claim"),
        ("get", "/v1/evidence", {"query_string": {"claim": "a", "limit": "0"}}, 422, "limit"),
        ("get", "/v1/evidence", {"query_string": {"claim": "a", "limit": "201"}}, 422, "limit"),
        ("get", "/v1/evidence", {"query_string": {"claim": "a", "stance": "x"}}, 422, "stance"),
        (
            "get",
            "/v1/evidence",
            {"query_string": {"claim": "a", "min_score": "2"}},
            422,
            "min_score",
        ),
        (
            "get",
            "/v1/evidence",
            {"query_string": {"claim": "a", "published_from": "2025-13-01"}},
            422,
            "published_from",
        ),
        ("post", "/v1/evidence", {"json": {"claim": "a", "limit": "5"}}, 422, "limit"),
        ("post", "/v1/evidence", {"json": {"claim": "a", "limit": 1.5}}, 422, "limit"),
        ("post", "/v1/evidence", {"json": {"claim": "a", "min_score": "0.5"}}, 422, "min_score"),
        ("post", "/v1/evidence", {"data": "{", "content_type": "application/json"}, 400, None),
        ("post", "/v1/evidence", {"json": {"claim": "a", "bogus": 1}}, 422, "bogus"),
        ("post", "/v1/evidence", {"json": ["claim"]}, 422, "_schema"),
        ("post", "/v1/evidence", {"data": "claim=a", "content_type": "text/csv"}, 415, None),
        ("get", "/v1/articles/missing", {}, 404, None),
        ("get", "/v1/articles", {"query_string": {"cursor": "%%%"}}, 422, "cursor"),
        ("get", "/no/such/path", {}, 404, None),
        ("put", "/v1/evidence", {}, 405, None),
    ],
)
def test_bad_requests_get_problem_json(client, method, path, kwargs, status, field):
    body = assert_problem(getattr(client, method)(path, **kwargs), status)
    if field:
        assert field in body["errors"]


@pytest.mark.parametrize(
    "kwargs, status, field",
    [
        ({"data": "{bad", "content_type": "application/json"}, 400, None),
        ({"json": {"title": "no text"}}, 422, "text"),
        ({"json": {"text": "ok", "published": "yesterday"}}, 422, "published"),
        ({"json": {"text": "ok", "unknown": "x"}}, 422, "unknown"),
        ({"json": {"text": 5}}, 422, "text"),
        ({"json": {"text": " \n "}}, 422, "text"),
        ({"json": {"text": "ok", "url": "ftp://example.com/x"}}, 422, "url"),
        ({"json": {"text": "ok", "id": "no spaces"}}, 422, "id"),
        ({"data": "hello", "content_type": "image/png"}, 415, None),
        ({"data": b"\xff\xfe", "content_type": "text/plain"}, 400, None),
        (
            {"data": '{"text": "ok"}\n{"text": ', "content_type": "application/x-ndjson"},
            422,
            "line:2",
        ),
        ({"data": "\n", "content_type": "application/x-ndjson"}, 422, "_schema"),
        ({"json": {"text": "x" * (2 * 1024 * 1024 + 1)}}, 413, None),
    ],
)
def test_bad_articles_are_refused_whole(client, kwargs, status, field):
    body = assert_problem(client.post("/v1/articles", headers=AUTH, **kwargs), status)
    if field:
        assert field in body["errors"]
    assert client.get("/readyz").get_json()["articles"] == 0


def test_writes_need_a_key(client):
    assert_problem(client.post("/v1/articles", json={"text": "A b."}), 401)
    wrong = {"Authorization": "Bearer nope"}
    response = client.post("/v1/articles", json={"text": "A b."}, headers=wrong)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
    assert_problem(client.delete("/v1/articles/x"), 401)


def test_with_no_key_configured_writes_are_refused_with_how_to(make_app):
    app = make_app(api_keys=())
    body = assert_problem(app.test_client().post("/v1/articles", json={"text": "A."}), 403)
    assert "PROVENANCE_API_KEYS" in body["detail"]


def test_reads_can_require_a_key(make_app):
    app = make_app(read_keys_required=True)
    c = app.test_client()
    assert_problem(c.get("/v1/evidence?claim=x"), 401)
    assert c.get("/v1/evidence?claim=x", headers=AUTH).status_code == 200
    # Orchestrators and the image's HEALTHCHECK send no key: the probes stay open.
    assert c.get("/healthz").get_json() == {"status": "ok"}
    assert c.get("/readyz").status_code == 200


def test_oversize_request_body_is_413(make_app):
    app = make_app(max_request_bytes=1000)
    response = app.test_client().post("/v1/articles", json={"text": "y" * 2000}, headers=AUTH)
    assert_problem(response, 413)


def test_raw_text_article_round_trip(client):
    created = client.post(
        "/v1/articles?source=Wire", data=RAW_SEED, content_type="text/plain", headers=AUTH
    )
    assert created.status_code == 201
    location = created.headers["Location"]
    got = client.get(location).get_json()
    assert got["article"]["byline"] == "AFP" and got["article"]["source"] == "Wire"
    for s in got["sentences"]:
        assert got["text"][s["start"] : s["end"]] == s["text"]
    again = client.post(
        "/v1/articles?source=Wire", data=RAW_SEED, content_type="text/plain", headers=AUTH
    )
    assert (again.status_code, again.get_json()["status"]) == (200, "unchanged")


def test_post_conflict_then_put_replaces(client):
    client.post("/v1/articles", json={"id": "x1", "text": "One fish."}, headers=AUTH)
    assert_problem(
        client.post("/v1/articles", json={"id": "x1", "text": "Two fish."}, headers=AUTH), 409
    )
    put = client.put("/v1/articles/x1", json={"text": "Two fish."}, headers=AUTH)
    assert (put.status_code, put.get_json()["status"]) == (200, "replaced")
    assert client.get("/v1/articles/x1").get_json()["text"] == "Two fish."
    with_id = client.put("/v1/articles/x1", json={"id": "x2", "text": "t"}, headers=AUTH)
    assert "id" in assert_problem(with_id, 422)["errors"]  # the path names the article
    new = client.put("/v1/articles/x3", json={"text": "Red fish."}, headers=AUTH)
    assert (new.status_code, new.get_json()["status"]) == (201, "created")


def test_only_a_created_article_gets_a_location_and_a_delete_has_no_body(client):
    created = client.put("/v1/articles/loc", json={"text": "One fish."}, headers=AUTH)
    assert created.headers["Location"] == "/v1/articles/loc"
    replaced = client.put("/v1/articles/loc", json={"text": "Two fish."}, headers=AUTH)
    assert replaced.status_code == 200 and "Location" not in replaced.headers
    deleted = client.delete("/v1/articles/loc", headers=AUTH)
    assert (deleted.status_code, deleted.get_data()) == (204, b"")


def test_reversed_date_range_matches_nothing(seeded_client):
    claim = "Peskov said the annexed regions are non-negotiable"
    dates = {"published_from": "2025-02-28", "published_to": "2025-02-26"}
    response = seeded_client.get("/v1/evidence", query_string={"claim": claim, **dates})
    assert (response.status_code, response.get_json()["evidence"]) == (200, [])
    listed = seeded_client.get("/v1/articles", query_string=dates).get_json()
    assert listed == {"articles": [], "next_cursor": None}


def test_published_is_an_iso_date_or_rfc3339_date_time(client):
    def put(published):
        body = {"text": "Dated.", "published": published}
        return client.put("/v1/articles/d1", json=body, headers=AUTH)

    good = [("2025-02-27", "2025-02-27"), ("2025-02-27T09:30:00Z", "2025-02-27T09:30:00+00:00")]
    for given, stored in good:
        assert put(given).status_code in (200, 201)
        assert client.get("/v1/articles/d1").get_json()["article"]["published"] == stored
    for bad in ("2025-02-30", "27 February 2025", "2025-02-27T09:30"):
        assert "published" in assert_problem(put(bad), 422)["errors"]


def test_ndjson_bulk_is_all_or_nothing_and_reports_each(client):
    lines = "\n".join(
        json.dumps({"id": f"b{i}", "text": f"Bulk item {i} is here."}) for i in range(3)
    )
    response = client.post(
        "/v1/articles", data=lines, content_type="application/x-ndjson", headers=AUTH
    )
    body = response.get_json()
    assert response.status_code == 201
    assert (body["created"], body["unchanged"]) == (3, 0)
    assert [r["id"] for r in body["results"]] == ["b0", "b1", "b2"]
    again = client.post(
        "/v1/articles", data=lines, content_type="application/x-ndjson", headers=AUTH
    )
    assert (again.status_code, again.get_json()["unchanged"]) == (200, 3)


def test_ndjson_published_is_held_to_the_json_shapes(client):
    lines = [
        json.dumps({"id": "n1", "text": "Dated well.", "published": "2025-02-27T09:30:00Z"}),
        json.dumps({"id": "n2", "text": "Dated loosely.", "published": "2025-02-27 09:30"}),
    ]
    response = client.post(
        "/v1/articles", data="\n".join(lines), content_type="application/x-ndjson", headers=AUTH
    )
    errors = assert_problem(response, 422)["errors"]
    assert list(errors) == ["line:2"] and "ISO-8601" in errors["line:2"]["published"][0]
    assert_problem(client.get("/v1/articles/n1"), 404)  # all or nothing


def test_delete_is_204_then_404(seeded_client):
    article_id = seeded_client.get("/v1/articles").get_json()["articles"][0]["id"]
    assert seeded_client.delete(f"/v1/articles/{article_id}", headers=AUTH).status_code == 204
    assert_problem(seeded_client.get(f"/v1/articles/{article_id}"), 404)


def test_get_and_post_evidence_agree(seeded_client):
    claim = "Peskov said the annexed regions are non-negotiable"
    got = seeded_client.get("/v1/evidence", query_string={"claim": claim}).get_json()
    posted = seeded_client.post("/v1/evidence", json={"claim": claim}).get_json()
    got.pop("took_ms"), posted.pop("took_ms")
    assert got == posted and got["evidence"]


def test_repeated_source_parameter_means_any_of(seeded_client):
    claim = "Peskov said the annexed regions are non-negotiable"
    url = "/v1/evidence?claim=" + claim + "&source=Nowhere&source=The+Moscow+Times&stance=all"
    sources = {e["article"]["source"] for e in seeded_client.get(url).get_json()["evidence"]}
    assert sources == {"The Moscow Times"}


def test_health_and_readiness(seeded_client):
    assert seeded_client.get("/healthz").get_json() == {"status": "ok"}
    assert seeded_client.get("/readyz").get_json() == READY_ON_SEEDS


def test_list_pages_follow_next_cursor(client):
    for n in range(5):
        client.put(f"/v1/articles/p{n}", json={"text": f"Page item {n}."}, headers=AUTH)
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/articles", query_string=query).get_json()
        seen += [a["id"] for a in page["articles"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["p0", "p1", "p2", "p3", "p4"]


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "path, body",
    [
        ("/v1/evidence", '{"claim": ' + DEEP + "}"),
        ("/v1/articles", '{"text": ' + DEEP + "}"),
        ("/v1/articles", DEEP),
    ],
)
def test_deeply_nested_json_is_a_400(client, path, body):
    response = client.post(path, data=body, content_type="application/json", headers=AUTH)
    assert "nested too deeply" in assert_problem(response, 400)["detail"]


def test_deeply_nested_ndjson_line_names_the_line(client):
    response = client.post(
        "/v1/articles", data=DEEP, content_type="application/x-ndjson", headers=AUTH
    )
    errors = assert_problem(response, 422)["errors"]
    assert "nested too deeply" in errors["line:1"]["_schema"][0]


LONE = [r"\ud800", r"\udc80"]  # JSON escapes of unpaired surrogates


@pytest.mark.parametrize("surrogate", LONE)
@pytest.mark.parametrize("field", ["text", "source", "title", "byline", "url"])
def test_unpaired_surrogates_are_refused_in_any_field(client, field, surrogate):
    article = {"text": "Fine text.", field: "https://x.example/" if field == "url" else "A"}
    body = (
        json.dumps(article)
        .replace('"A"', f'"A{surrogate}"')
        .replace("x.example/", f"x.example/{surrogate}")
    )
    response = client.post("/v1/articles", data=body, content_type="application/json", headers=AUTH)
    assert field in assert_problem(response, 422)["errors"]
    ndjson = client.post(
        "/v1/articles", data=body, content_type="application/x-ndjson", headers=AUTH
    )
    assert field in assert_problem(ndjson, 422)["errors"]["line:1"]
    assert client.get("/readyz").get_json()["articles"] == 0


def test_unpaired_surrogate_in_a_claim_is_a_422(seeded_client):
    body = '{"claim": "Peskov \\ud800 said"}'
    response = seeded_client.post("/v1/evidence", data=body, content_type="application/json")
    assert "claim" in assert_problem(response, 422)["errors"]


def test_raw_article_with_an_impossible_header_date_is_a_422(client):
    raw = "A Headline\n\nBy [AFP](#)\n\nFebruary 30, 2025\n\nThe body says something.\n"
    response = client.post("/v1/articles", data=raw, content_type="text/plain", headers=AUTH)
    assert assert_problem(response, 422)["errors"] == {"published": ["No such date or time."]}


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_ndjson_strings_may_hold_line_separators_json_allows(client, separator):
    text = f"One sentence.{separator}Another sentence."
    line = json.dumps({"id": "sep", "text": text}, ensure_ascii=False)
    assert separator in line  # sent raw, not escaped
    response = client.post(
        "/v1/articles", data=line.encode(), content_type="application/x-ndjson", headers=AUTH
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert client.get("/v1/articles/sep").get_json()["text"] == text


def test_ndjson_over_the_per_request_article_limit_is_refused_up_front(make_app):
    app = make_app(max_bulk_articles=3)
    c = app.test_client()
    lines = "\n".join(json.dumps({"id": f"b{n}", "text": f"Bulk {n}."}) for n in range(4))
    response = c.post("/v1/articles", data=lines, content_type="application/x-ndjson", headers=AUTH)
    detail = assert_problem(response, 413)["detail"]
    assert "4 articles" in detail and "at most 3" in detail
    assert "PROVENANCE_MAX_BULK_ARTICLES" in detail
    assert c.get("/readyz").get_json()["articles"] == 0
    at_limit = lines.rpartition("\n")[0]
    ok = c.post("/v1/articles", data=at_limit, content_type="application/x-ndjson", headers=AUTH)
    assert ok.status_code == 201 and ok.get_json()["created"] == 3
