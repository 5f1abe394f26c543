"""The evidence page through the Flask test client: form, cards, validation, escaping."""

import re

import pytest

from index.text.articles import article_from_mapping

from .conftest import AUTH

PESKOV = "Peskov said the annexed regions are non-negotiable"
HOSTILE = {
    "id": "hostile",
    "title": "<img src=x onerror=alert(1)> Okapi report",
    "source": "<b>Forest Post</b>",
    "url": 'https://example.org/a?q="onmouseover=alert(1)',
    "text": "The okapi census counted <script>alert(1)</script> 312 animals in the reserve.",
}


def page(client, **query):
    response = client.get("/", query_string=query)
    assert response.mimetype == "text/html"
    return response, response.get_data(as_text=True)


def test_blank_page_is_the_form(client):
    response, html = page(client)
    assert response.status_code == 200
    assert '<label for="claim">Claim</label>' in html and 'role="search"' in html
    assert '<main id="main"' in html and 'class="results"' not in html


def test_seed_claim_renders_cards(seeded_client):
    response, html = page(seeded_client, claim=PESKOV, source="", published_from="")
    assert response.status_code == 200
    assert "2 sentences support this claim" in html
    assert (
        "&#34;This is undeniable and <mark>non-negotiable</mark>,&#34; he <mark>said</mark>" in html
    )
    assert '<span class="source">The Moscow Times</span>' in html and "By AFP" in html
    assert '<time datetime="2025-02-27">' in html
    assert "Quoting <strong>Dmitry Peskov</strong>" in html
    assert (
        "Also in 1 other article" in html and "he said in a phone briefing attended by AFP" in html
    )
    assert 'href="https://www.themoscowtimes.com/2025/02/27/' in html
    assert "Kremlin spokesman Dmitry Peskov told reporters." in html  # context before
    assert '<span class="term">regions</span>' in html  # unsupported words
    assert f'value="{PESKOV}"' in html  # the claim stays in the box


def test_each_card_and_copy_shows_its_citation_to_copy(seeded_client):
    _, html = page(seeded_client, claim=PESKOV)
    shown = re.findall(r'<code class="cite-code">([^<]*)</code>', html)
    assert shown == [
        "22f7d43c8802e9ee:2:6bcfe9fc3504",  # the first card
        "3638292d1a5f92aa:5:37c72b72477c",  # its copy
        "3638292d1a5f92aa:3:fddfacf27af9",  # the second card
    ]
    with seeded_client.get("/static/cite.js") as script:  # adds a copy button beside each
        assert script.status_code == 200
        assert "navigator.clipboard.writeText" in script.get_data(as_text=True)


@pytest.mark.parametrize(
    "filters",
    [
        {"source": "Forest Post"},
        {"published_from": "2025-03-01"},
        {"published_to": "2025-02-26"},
    ],
)
def test_filters_narrow_the_cards(seeded_client, filters):
    response, html = page(seeded_client, claim=PESKOV, **filters)
    assert response.status_code == 200
    assert "No sentence in the archive supports this claim" in html


def test_a_long_claim_shows_the_part_no_sentence_supports(seeded_client):
    claim = (
        "The Kremlin on Thursday ruled out giving back Ukrainian regions it claims to have "
        "annexed, while officials in Brussels kept discussing which security guarantees "
        "European partners could offer over the coming years."
    )
    _, html = page(seeded_client, claim=claim)
    assert "No sentence supports this part of the claim:" in html
    assert '<q class="part">while officials in Brussels kept discussing' in html
    _, short = page(seeded_client, claim=PESKOV)
    assert "No sentence supports this part" not in short


def test_all_stances_are_labelled(seeded_client):
    _, html = page(seeded_client, claim=PESKOV, stance="all")
    assert "sentences on this claim" in html and 'class="stance stance-related"' in html
    assert '<option value="all" selected>' in html


@pytest.mark.parametrize(
    "query, message",
    [
        ({"claim": ""}, "<strong>Claim:</strong>"),
        ({"claim": "   "}, "<strong>Claim:</strong> Must contain a non-blank character."),
        ({"claim": "x" * 2001}, "<strong>Claim:</strong> Longer than 2,000 characters."),
        (
            {"claim": "a", "published_from": "2025-13-01"},
            "<strong>Published from:</strong> Not a valid date.",
        ),
        (
            {"claim": "a", "published_from": "2025-02-02", "published_to": "2025-02-01"},
            "<strong>Published from:</strong> Must not be after published_to.",
        ),
        (
            {"claim": "a", "stance": "maybe"},
            "<strong>Show:</strong> Must be one of: supports, all.",
        ),
        ({"claim": "a", "limit": "0"}, "<strong>limit:</strong>"),
    ],
)
def test_bad_input_is_a_message_on_the_page(client, query, message):
    response, html = page(client, **query)
    assert response.status_code == 422
    assert 'role="alert"' in html and message in html
    assert "Traceback" not in html


def test_article_text_is_escaped(client, app):
    app.extensions["provenance.store"].add(article_from_mapping(HOSTILE))
    _, html = page(client, claim="okapi census counted 312 animals")
    assert "</mark> &lt;script&gt;alert(1)&lt;/script&gt; <mark>312" in html
    assert "&lt;img src=x onerror=alert(1)&gt; Okapi report" in html
    assert "&lt;b&gt;Forest Post&lt;/b&gt;" in html
    assert 'href="https://example.org/a?q=&#34;onmouseover=alert(1)"' in html
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<script" not in main and "<img" not in main
    assert html.count("<script") == 1 and '<script src="/static/cite.js" defer>' in html


def test_unknown_metadata_is_named(client):
    client.post(
        "/v1/articles", json={"text": "The okapi census counted 312 animals."}, headers=AUTH
    )
    _, html = page(client, claim="okapi census")
    assert '<span class="source">unknown source</span>' in html and "undated" in html
    assert "Untitled article" in html


def test_links_to_the_same_search_as_text_and_json(seeded_client):
    _, html = page(seeded_client, claim="Peskov", published_to="", format="text")
    assert 'href="/v1/evidence?format=text&amp;claim=Peskov">as plain text' in html
    assert 'href="/v1/evidence?claim=Peskov">as JSON' in html


def test_page_honours_read_keys(make_app):
    app = make_app(read_keys_required=True)
    assert app.test_client().get("/?claim=x").status_code == 401
    assert app.test_client().get("/?claim=x", headers=AUTH).status_code == 200


def test_stylesheet_is_served(client):
    with client.get("/static/style.css") as response:
        assert response.status_code == 200 and ":focus-visible" in response.get_data(as_text=True)


DRAFT = (
    "Peskov said the annexed regions are non-negotiable.\n\n"
    "Kyiv has lost hundreds of square kilometres of Russia's Kursk region. What next?"
)


def test_a_draft_comes_back_marked_with_footnotes(seeded_client):
    response = seeded_client.post("/check", data={"text": DRAFT})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "2 sentences checked" in html
    assert (
        '<span class="drafted verdict-supported" title="Supported; nothing found supports: '
        'regions">Peskov said the annexed regions are non-negotiable.</span>' in html
    )
    assert '<sup><a href="#source-1">1</a>,</sup>' in html and 'id="source-3"' in html
    assert '<span class="unchecked" title="Not checked: question">What next?</span>' in html
    assert ">refutes</strong>" in html
    assert '<code class="cite-code">22f7d43c8802e9ee:2:6bcfe9fc3504</code>' in html
    assert ">Peskov said the annexed regions are non-negotiable.\n\nKyiv has" in html  # the box


@pytest.mark.parametrize(
    ("text", "status", "said"), [(" \n", 422, "empty"), ("Peskov spoke. " * 3, 413, "at most 2")]
)
def test_a_draft_that_cannot_be_checked_says_why_on_the_page(make_app, text, status, said):
    client = make_app(max_draft_sentences=2).test_client()
    response = client.post("/check", data={"text": text})
    assert response.status_code == status and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "The draft could not be checked" in html and said in html
    assert 'aria-invalid="true"' in html
