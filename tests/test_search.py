"""Candidate retrieval: the fast paths give Whoosh's own BM25 for the claim's OR query."""

from collections import Counter

import pytest
from whoosh.query import Or, Term

from index import search
from index.articles import build_article
from index.search import FIELD_BOOSTS, analyse_claim, find_candidates
from index.store import ArticleFilter, Store

CLAIM = "The central bank raised interest rates as inflation in Brazil rose"


def articles(count: int) -> list:
    """Articles sharing common words, each with a rarer word of its own and a title."""
    texts = [
        "The bank said inflation rose {n} percent, and rates were raised in Brazil.",
        "Officials said the central bank kept interest rates unchanged in round {n}.",
        "Inflation in Brazil rose again, the minister said on day {n}.",
    ]
    return [
        build_article(
            " ".join(t.format(n=i) for t in texts[i % 3 :] + texts[: i % 3]),
            id=f"b{i:03d}",
            title="Central bank watch" if i % 2 else "Brazil economy",
            source="Wire",
        )
        for i in range(count)
    ]


def whoosh_scores(store: Store, claim: str) -> dict[int, float]:
    """BM25 of every sentence for the claim's OR query, scored by Whoosh's matchers."""
    terms = analyse_claim(claim).terms
    query = Or([Term(f, t, boost=b) for t in terms for f, b in FIELD_BOOSTS.items()])
    return {hit.docnum: hit.score for hit in store.searcher().search(query, limit=None)}


@pytest.fixture
def filled(tmp_path) -> Store:
    store = Store(tmp_path / "index", procs=2)
    store.add_many(articles(30), batch_size=10)  # several segments
    yield store
    store.close()


def test_every_term_deciding_gives_whooshs_top_sentences_and_scores(filled):
    expected = whoosh_scores(filled, CLAIM)
    found = find_candidates(filled.searcher(), analyse_claim(CLAIM), ArticleFilter(), 10)
    assert len(filled.searcher().leaf_searchers()) > 1
    assert [c.bm25 for c in found] == pytest.approx(sorted(expected.values(), reverse=True)[:10])
    for c in found:
        assert c.bm25 == pytest.approx(expected[c.docnum])


def test_common_terms_counted_in_stored_text_add_the_scores_their_postings_give(
    filled, monkeypatch
):
    # A budget of one posting leaves only the two rarest terms deciding; the rest are counted.
    monkeypatch.setattr(search, "POSTINGS_BUDGET", 1)
    claim = analyse_claim(CLAIM)
    deciding, common = search._split_by_frequency(filled.searcher(), claim)
    assert len(deciding) == 2 and common
    expected = whoosh_scores(filled, CLAIM)
    found = find_candidates(filled.searcher(), claim, ArticleFilter(), 10)
    assert found
    for c in found:
        assert c.bm25 == pytest.approx(expected[c.docnum])


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. and the UK said Kiev's colour-coded programme rose 2.5 percent.",
        "He said: 'It's over. We lost,' at 10 a.m. in St. Louis, Mo.",
        "",
        "Normalised catalogues, kilometres and the US-UK tonnes.",
    ],
)
def test_term_counts_are_the_analysers_terms_counted(text):
    assert search.term_counts(text) == Counter(t.term for t in search.analyse(text))
