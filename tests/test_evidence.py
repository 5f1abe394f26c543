"""Claim -> evidence on the seeds: support, copies, attribution, claims as text."""

import pytest

from index.evidence import EvidenceQuery, find_evidence
from index.text.articles import build_article

PESKOV = "Peskov said the annexed regions are non-negotiable"


def ask(store, claim, **kw):
    return find_evidence(store, EvidenceQuery(claim, **kw))


def test_seed_claim_returns_both_copies_with_metadata(seeded):
    result = ask(seeded, PESKOV)
    quote = next(e for e in result.evidence if "undeniable and non-negotiable" in e.sentence)
    assert quote.article.source == "The Moscow Times"
    assert quote.article.byline == "AFP"
    assert quote.article.published == "2025-02-27"
    assert quote.article.url.startswith("https://www.themoscowtimes.com/2025/02/27/")
    [copy] = quote.also_in
    assert "phone briefing attended by AFP" in copy.sentence
    assert (copy.source, copy.url, copy.published) == (None, None, "2025-02-27")
    assert quote.corroboration == 2
    assert quote.attribution.speaker == "Dmitry Peskov" and quote.attribution.quoted


def test_evidence_fields_point_into_the_article(seeded):
    item = ask(seeded, PESKOV).evidence[0]
    stored = seeded.get(item.article.id)
    start, end = item.offsets
    assert stored.article.text[start:end] == item.sentence
    assert stored.sentences[item.sentence_index].text == item.sentence
    assert item.context.before == [stored.sentences[item.sentence_index - 1].text]
    for s, e in item.highlights:
        assert item.sentence[s:e].lower() in {"non-negotiable", "said", "peskov"}
    assert 0 <= item.score <= 1


@pytest.mark.parametrize("claim", ["title:x AND (", '"unclosed', "text:* OR NOT", "(((", "*"])
def test_query_syntax_is_searched_as_words(seeded, claim):
    result = ask(seeded, claim)
    assert result.evidence == []


def test_spelling_variants_match(seeded):
    sentences = [e.sentence for e in ask(seeded, "Russian forces control most of Lugansk").evidence]
    assert any("Luhansk" in s for s in sentences)


def test_unrelated_claim_gets_an_empty_answer_and_its_words_unsupported(seeded):
    result = ask(seeded, "Bananas are rich in potassium")
    assert result.evidence == []
    assert result.unsupported_terms == ["Bananas", "rich", "potassium"]


def test_filters_restrict_sources_and_dates(seeded):
    only_mt = ask(seeded, PESKOV, sources=("the moscow times",), stance="all")
    assert {e.article.source for e in only_mt.evidence} == {"The Moscow Times"}
    assert ask(seeded, PESKOV, published_from="2025-03-01").evidence == []


def test_a_source_filter_keeps_every_matching_article_of_that_source(store):
    # Interleaved sources: a filter must not lose matches that come after an excluded one.
    for i, source in enumerate(["Alpha", "Beta", "Alpha", "Beta", "Alpha"]):
        store.add(
            build_article(
                f"The heron{i} nested by the mill pond in spring.", id=f"h{i}", source=source
            )
        )
    for claim in ("heron nested by the mill pond", "mill pond"):
        items = ask(store, claim, sources=("alpha",), stance="all").evidence
        found = [e.article.id for e in items] + [c.article_id for e in items for c in e.also_in]
        assert sorted(found) == ["h0", "h2", "h4"]
