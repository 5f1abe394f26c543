"""Raw article parsing, metadata, identity."""

import pytest

from index.articles import build_article, canonical_url, parse_raw
from index.errors import InvalidArticle
from index.sentences import split_sentences

from .conftest import SEED_FILES

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
