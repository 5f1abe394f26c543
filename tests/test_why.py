"""Say why: each evidence item lists the claim words it covers and how, in JSON and on the page."""

from .test_web import PESKOV, page


def test_json_items_list_covered_words_and_explain_the_score(seeded_client):
    body = seeded_client.get("/v1/evidence", query_string={"claim": PESKOV}).get_json()
    quote = next(e for e in body["evidence"] if "undeniable" in e["sentence"])
    assert {"claim_word": "Peskov", "how": "speaker", "sentence_word": "Dmitry Peskov"} in quote[
        "covers"
    ]
    assert {c["how"] for c in quote["covers"]} <= {"exact", "variant", "synonym", "speaker"}
    assert quote["explanation"].startswith("States 3 of 5 claim words")


def test_page_explains_each_card_and_links_copies_without_a_url(seeded_client):
    response, html = page(seeded_client, claim=PESKOV)
    assert response.status_code == 200
    assert 'class="why"' in html and "States 3 of 5 claim words" in html
    assert "Peskov ← Dmitry Peskov <small>(speaker)</small>" in html
    # The AFP copy has no URL: it links to the stored article instead.
    body = seeded_client.get("/v1/evidence", query_string={"claim": PESKOV}).get_json()
    copy = next(c for e in body["evidence"] for c in e["also_in"] if c["url"] is None)
    assert f'href="/v1/articles/{copy["article_id"]}"' in html
