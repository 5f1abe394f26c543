"""Raw article parsing, metadata, identity."""

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.errors import InvalidArticle
from index.ingest import ingest_paths
from index.stores.whoosh.store import Store
from index.text.articles import NON_BLANK, RULES, build_article, canonical_url, parse_raw
from index.text.sentences import split_sentences

from .conftest import AUTH, SEED_FILES

MOSCOW_TIMES_URL = (
    "https://www.themoscowtimes.com/2025/02/27/"
    "kremlin-rules-out-returning-annexed-ukrainian-regions-in-future-peace-talks-a88193"
)


def seed(name_prefix: str):
    path = next(p for p in SEED_FILES if p.name.startswith(name_prefix))
    return parse_raw(path.read_text(encoding="utf-8"))


def test_header_footer_seed_metadata():
    a = seed("000_")
    assert a.title == "Kremlin Rules Out Returning Annexed Ukrainian Regions in Future Peace Talks"
    assert a.byline == "AFP"
    assert a.published == "2025-02-27"
    assert a.url == MOSCOW_TIMES_URL
    assert a.source == "The Moscow Times"


def test_header_footer_seed_text_has_no_furniture():
    text = seed("000_").text
    assert "Dmitry Yagodkin / TASS" not in text  # photo caption
    assert "Related article" not in text
    assert "Original url" not in text and "https://" not in text
    assert "**" not in text and "](#)" not in text
    assert text.startswith("The Kremlin on Thursday ruled out relinquishing control")


def test_date_prefix_seed_metadata_is_null_where_absent():
    a = seed("004_")
    assert a.published == "2025-02-27"
    assert (a.title, a.url, a.source, a.byline) == (None, None, None, None)
    assert a.text.startswith("The Kremlin on Thursday ruled out giving back")


def test_section_markers_are_not_sentences():
    a = seed("004_")
    sentences = [s.text for s in split_sentences(a.text)]
    assert "- 'Laughable' -" in a.text
    assert not any("Laughable' -" in s or "Zelensky in Washington -" in s for s in sentences)


def test_ids_derive_from_url_then_text_and_are_stable():
    assert seed("000_").id == build_article("other text", url=MOSCOW_TIMES_URL + "#x").id
    assert seed("004_").id == seed("004_").id
    assert build_article("Same  text.").id == build_article("same text.").id
    assert build_article("Some text.", id="given-1").id == "given-1"


def test_canonical_url_ignores_case_www_fragment_and_tracking():
    assert canonical_url("HTTP://WWW.Example.com/a/?utm_source=x#frag") == "https://example.com/a"


@pytest.mark.parametrize(
    "fields, bad",
    [
        ({"text": "   "}, "text"),
        ({"text": "ok", "published": "27/02/2025"}, "published"),
        ({"text": "ok", "url": "ftp://x"}, "url"),
        ({"text": "ok", "id": "has space"}, "id"),
        ({"text": "ok", "id": "trailing-newline\n"}, "id"),
    ],
)
def test_invalid_fields_are_named(fields, bad):
    with pytest.raises(InvalidArticle) as caught:
        build_article(**fields)
    assert bad in caught.value.errors


def test_explicit_metadata_wins_over_text():
    a = parse_raw(SEED_FILES[0].read_text(), source="Wire Copy", id="mine")
    assert (a.id, a.source, a.byline) == ("mine", "Wire Copy", "AFP")


BAD_ARTICLE = {
    "text": "The okapi census counted 312 animals.",
    "title": "T" * 5000,
    "url": "https://bad host.example/okapi",
    "published": "2025-02-30",
}


def test_the_same_bad_article_gets_the_same_field_errors_every_way_in(client, tmp_path, provenance):
    as_json = client.post("/v1/articles", json=BAD_ARTICLE, headers=AUTH)
    as_ndjson = client.post(
        "/v1/articles",
        data=json.dumps(BAD_ARTICLE),
        content_type="application/x-ndjson",
        headers=AUTH,
    )
    metadata = {k: v for k, v in BAD_ARTICLE.items() if k != "text"}
    as_raw = client.post(
        "/v1/articles",
        data=BAD_ARTICLE["text"],
        query_string=metadata,
        content_type="text/plain",
        headers=AUTH,
    )
    assert (as_json.status_code, as_ndjson.status_code, as_raw.status_code) == (422, 422, 422)
    expected = as_json.get_json()["errors"]
    assert set(expected) == {"title", "url", "published"}
    assert as_ndjson.get_json()["errors"] == {"line:1": expected}
    assert as_raw.get_json()["errors"] == expected

    bad_file = tmp_path / "bad.jsonl"
    bad_file.write_text(json.dumps(BAD_ARTICLE) + "\n")
    [error] = ingest_paths(Store(tmp_path / "ix"), [bad_file]).errors
    assert error.errors == expected
    done = provenance("ingest", str(bad_file), index_dir=tmp_path / "ix2")
    assert done.returncode == 1
    printed = done.stderr.strip().removeprefix(f"error: {bad_file}:1: ")
    assert set(printed.split("; ")) == {f"{k}: {' '.join(v)}" for k, v in expected.items()}


def test_urls_the_contract_allows_are_accepted():
    # Schemathesis generates from the published pattern; ECMA and Python must read it alike.
    pattern = RULES["url"].pattern
    assert not re.search(r"\\[sSdDwWbB]", pattern.replace(r"[\s\S]", ""))

    @given(st.from_regex(pattern, fullmatch=True).filter(lambda u: len(u) <= 2000))
    @settings(max_examples=300, deadline=None)
    def accepted(url: str) -> None:
        assert build_article("Text.", url=url).url == url

    accepted()


@pytest.mark.parametrize(
    "url",
    [
        "https://bad host/x",
        "http://a.example/\x1c",
        "http://a.example/\x85",
        "http://a\n",
        " http://a",
    ],
)
def test_urls_outside_the_contract_are_refused(url):
    assert not re.search(RULES["url"].pattern, url) or url.endswith("\n")
    with pytest.raises(InvalidArticle) as refused:
        build_article("Text.", url=url)
    assert list(refused.value.errors) == ["url"]


def test_non_blank_means_the_same_to_the_contract_and_the_index():
    for blank in ("", " ", "\x1c\x1f", "\x85\xa0\u2028\u3000"):
        assert not re.search(NON_BLANK.pattern, blank)
        with pytest.raises(InvalidArticle):
            build_article(blank)
    assert build_article("\ufeffx").text == "\ufeffx"
