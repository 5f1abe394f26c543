"""The readable answer: one renderer behind Accept: text/plain, ?format=text and the CLI."""

import pytest
import yaml

from index.answered import package_version
from index.evidence import EvidenceQuery, find_evidence
from index.judging.model import weights_file
from index.models.runtime import file_sha256
from index.render import evidence_text, highlighted, safe_link
from index.text.articles import article_from_mapping

from .conftest import AUTH

PESKOV = "Peskov said the annexed regions are non-negotiable"
MOSCOW_TIMES_URL = (
    "https://www.themoscowtimes.com/2025/02/27/"
    "kremlin-rules-out-returning-annexed-ukrainian-regions-in-future-peace-talks-a88193"
)


def test_a_block_is_origin_then_sentence_then_copies(seeded):
    blocks = evidence_text(find_evidence(seeded, EvidenceQuery(PESKOV))).split("\n\n")
    assert blocks[0].splitlines() == [
        f"2025-02-27 · The Moscow Times · {MOSCOW_TIMES_URL}",
        '  "This is undeniable and non-negotiable," he said during a daily briefing.',
        "  said by: Dmitry Peskov",
        "  why: States 3 of 5 claim words (2 as written, 1 through the speaker).",
        "  cite: 22f7d43c8802e9ee:2:6bcfe9fc3504",
        "  also in: 2025-02-27 · unknown source · no URL · cite 3638292d1a5f92aa:5:37c72b72477c",
    ]
    assert blocks[-2] == "not supported by any sentence: regions"
    assert blocks[-1] == (
        f"answered with: generation {seeded.generation()} · judge lexical · support weights "
        f"{file_sha256(weights_file(False))[:12]} · version {package_version()}\n"
    )


def test_unknown_metadata_is_named_not_left_blank(store):
    store.add(
        article_from_mapping({"text": "The okapi census counted 312 animals in the reserve."})
    )
    text = evidence_text(find_evidence(store, EvidenceQuery("okapi census counted 312 animals")))
    assert text.startswith("undated · unknown source · no URL\n  The okapi census counted 312")


def test_a_long_claim_names_the_parts_no_sentence_supports(seeded):
    claim = (
        "The Kremlin on Thursday ruled out giving back Ukrainian regions it claims to have "
        "annexed, while officials in Brussels kept discussing which security guarantees "
        "European partners could offer over the coming years."
    )
    blocks = evidence_text(find_evidence(seeded, EvidenceQuery(claim))).split("\n\n")
    assert blocks[-3] == (
        "claim parts no sentence supports: while officials in Brussels kept discussing which "
        "security guarantees European partners could offer over the coming years."
    )


def test_no_support_says_so_and_lists_the_words(seeded):
    text = evidence_text(find_evidence(seeded, EvidenceQuery("zebra\nmarmalade  quantum")))
    assert text.startswith(
        "No sentence in the archive supports: zebra marmalade quantum\n\n"
        "not supported by any sentence: zebra, marmalade, quantum\n\nanswered with: "
    )


def test_other_stances_are_labelled(seeded):
    text = evidence_text(find_evidence(seeded, EvidenceQuery(PESKOV, stance="all")))
    headers = [b.splitlines()[0] for b in text.split("\n\n") if b.startswith("2025")]
    assert any(h.endswith(" · related") or h.endswith(" · refutes") for h in headers)
    assert not any(h.endswith(" · supports") for h in headers)


@pytest.mark.parametrize(
    "text, spans, pieces",
    [
        ("abcdef", [[1, 3]], [("a", False), ("bc", True), ("def", False)]),
        ("abcdef", [[0, 6]], [("abcdef", True)]),
        ("abcdef", [[4, 5], [0, 2]], [("ab", True), ("cd", False), ("e", True), ("f", False)]),
        ("abcdef", [[1, 4], [2, 5]], [("a", False), ("bcd", True), ("e", True), ("f", False)]),
        ("abc", [[2, 99], [3, 4]], [("ab", False), ("c", True)]),
        ("abc", [], [("abc", False)]),
        ("", [[0, 1]], []),
    ],
)
def test_highlighted_cuts_text_at_spans(text, spans, pieces):
    assert highlighted(text, spans) == pieces
    assert "".join(p for p, _ in pieces) == text


@pytest.mark.parametrize(
    "url, link",
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("HTTP://EXAMPLE.ORG/", "HTTP://EXAMPLE.ORG/"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("//example.org/", None),
        ("", None),
        (None, None),
    ],
)
def test_only_web_addresses_become_links(url, link):
    assert safe_link(url) == link


def test_accept_text_plain_is_the_cli_text(app, seeded_client, provenance):
    response = seeded_client.get(
        "/v1/evidence", query_string={"claim": PESKOV}, headers={"Accept": "text/plain"}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "Accept" in response.vary
    cli = provenance("search", PESKOV, index_dir=app.config["PROVENANCE"].index_dir)
    assert cli.returncode == 0
    assert response.get_data(as_text=True) == cli.stdout


@pytest.mark.parametrize(
    "method, kwargs",
    [
        ("get", {"query_string": {"claim": PESKOV, "format": "text"}}),
        ("post", {"query_string": {"format": "text"}, "json": {"claim": PESKOV}}),
        ("post", {"json": {"claim": PESKOV}, "headers": {"Accept": "text/plain"}}),
        (
            "get",
            {"query_string": {"claim": PESKOV}, "headers": {"Accept": "text/plain, */*;q=0.1"}},
        ),
    ],
)
def test_text_is_chosen_by_format_or_accept(seeded_client, method, kwargs):
    response = getattr(seeded_client, method)("/v1/evidence", **kwargs)
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith("2025-02-27 · The Moscow Times · https://")


@pytest.mark.parametrize(
    "query, accept",
    [
        ({}, None),
        ({}, "*/*"),
        ({}, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
        ({"format": "json"}, "text/plain"),
    ],
)
def test_json_stays_the_default(seeded_client, query, accept):
    headers = {"Accept": accept} if accept else {}
    response = seeded_client.get(
        "/v1/evidence", query_string={"claim": PESKOV, **query}, headers=headers
    )
    assert response.mimetype == "application/json"
    assert response.get_json()["evidence"][0]["article"]["source"] == "The Moscow Times"


def test_unknown_format_is_a_422(client):
    response = client.get("/v1/evidence", query_string={"claim": "a", "format": "xml"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"format": ["Must be one of: json, text."]}


def test_errors_stay_problem_json_when_text_is_asked(client):
    response = client.get("/v1/evidence?format=text", headers={"Accept": "text/plain"})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"


def test_text_answer_is_in_the_contract(client):
    paths = yaml.safe_load(client.get("/openapi.yaml").get_data(as_text=True))["paths"]
    for method in ("get", "post"):
        op = paths["/v1/evidence"][method]
        assert set(op["responses"]["200"]["content"]) == {"application/json", "text/plain"}
        assert {"in": "query", "name": "format"}.items() <= op["parameters"][-1].items()
    assert "/" not in paths  # the HTML page is not part of the JSON API


def test_written_article_is_readable_as_text(client):
    client.post(
        "/v1/articles",
        json={"text": "The okapi census counted 312 animals.", "source": "Forest Post"},
        headers=AUTH,
    )
    text = client.get("/v1/evidence?claim=okapi+census&format=text").get_data(as_text=True)
    assert text.startswith(
        "undated · Forest Post · no URL\n  The okapi census counted 312 animals."
    )
