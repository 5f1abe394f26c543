"""Candidate retrieval is exact: the top sentences and scores of Whoosh's own OR query."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh.query import Or, Term

from index.judging.claims import analyse_claim
from index.records import ArticleFilter
from index.stores import fields as F
from index.stores.whoosh import internals as internals
from index.stores.whoosh.search import FIELD_BOOSTS, PostingsCache, Retrieval, filter_query
from index.stores.whoosh.store import Store
from index.text.articles import build_article

CLAIM = "The central bank raised interest rates as inflation in Brazil rose"
WORDS = (
    "bank central interest rates inflation brazil rose raised minister said day round "
    "officials unchanged percent again kept economy watch wire zebra"
).split()


def articles(count: int) -> list:
    """Articles sharing common words, each with a rarer word of its own and a title."""
    texts = [
        "The bank said inflation rose {n} percent, and rates were raised in Brazil.",
        "Officials said the central bank kept interest rates unchanged in round {n}.",
        "Inflation in Brazil rose again, the minister said on day {n}.",
        "Minister Ana Costa said rates rose, rates rose and rates rose again in {n}.",
    ]
    return [
        build_article(
            " ".join(t.format(n=i) for t in texts[i % 4 :] + texts[: i % 4]),
            id=f"b{i:03d}",
            title="Central bank watch" if i % 2 else "Brazil economy",
            source="Wire" if i % 3 else "Post",
            published=f"2025-01-{1 + i % 28:02d}",
        )
        for i in range(count)
    ]


EVERYTHING = ArticleFilter()


def whoosh_top(store: Store, terms, limit: int, where: ArticleFilter = EVERYTHING):
    """Whoosh's own matchers: the OR of every term in every field, best ``limit`` first."""
    query = Or([Term(f, t, boost=b) for t in terms for f, b in FIELD_BOOSTS.items()])
    hits = store.searcher().search(query, filter=filter_query(where), limit=limit)
    return [(hit.docnum, hit.score) for hit in hits]


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("search") / "index", procs=2)
    store.add_many(articles(40), batch_size=10)  # several segments
    store.delete("b007")  # deleted documents stay in postings until a merge
    yield store
    store.close()


def assert_same_top(found, expected):
    """The same scores in the same order, and the same documents but where scores tie.

    Whoosh breaks a tie at the cut-off by the order its collector met the documents in;
    either tied document is a right answer.
    """
    assert [s for _, s in found] == pytest.approx([s for _, s in expected], rel=1e-9)
    cutoff = expected[-1][1] if expected else None
    above = {d for d, s in expected if s > cutoff * (1 + 1e-9)}
    assert above <= {d for d, _ in found}


@pytest.mark.parametrize("limit", [1, 3, 10, 100])
def test_top_sentences_are_whooshs_own_or_query_across_segments_and_deletions(filled, limit):
    terms = analyse_claim(CLAIM).terms
    found = Retrieval(filled.searcher()).top(terms, ArticleFilter(), limit)
    assert len(filled.searcher().leaf_searchers()) > 1
    assert filled.searcher().reader().has_deletions()
    assert_same_top([(h.docnum, h.score) for h in found], whoosh_top(filled, terms, limit))


@pytest.mark.parametrize(
    "where",
    [
        ArticleFilter(sources=("post",)),
        ArticleFilter(published_from="2025-01-05", published_to="2025-01-09"),
        ArticleFilter(sources=("Wire",), published_to="2025-01-03"),
    ],
)
def test_filters_restrict_the_exact_top(filled, where):
    terms = analyse_claim(CLAIM).terms
    found = Retrieval(filled.searcher()).top(terms, where, 10)
    assert found
    assert_same_top([(h.docnum, h.score) for h in found], whoosh_top(filled, terms, 10, where))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=8), limit=st.integers(1, 30))
def test_any_claim_gets_the_exhaustive_top(filled, words, limit):
    terms = analyse_claim(" ".join(words)).terms
    # One retrieval for every example: its reused score arrays must come back clean each time.
    found = filled.snapshot().retrieval.top(terms, ArticleFilter(), limit)
    assert_same_top([(h.docnum, h.score) for h in found], whoosh_top(filled, terms, limit))


def test_a_terms_bound_is_at_least_its_best_posting_score(filled):
    retrieval = Retrieval(filled.searcher())
    for term in retrieval._plan(analyse_claim(CLAIM + " Ana Costa watch").terms):
        best = sum(
            max(float(p.scores().max()) for p in term.parts if p.norms is retrieval.norms[f])
            for f in FIELD_BOOSTS
            if any(p.norms is retrieval.norms[f] for p in term.parts)
        )
        assert best <= term.bound


def test_a_tiny_cache_gives_the_same_top(filled):
    terms = analyse_claim(CLAIM).terms
    found = Retrieval(filled.searcher(), PostingsCache(0.001)).top(terms, ArticleFilter(), 10)
    assert_same_top([(h.docnum, h.score) for h in found], whoosh_top(filled, terms, 10))


def test_unknown_terms_and_empty_claims_retrieve_nothing(filled):
    retrieval = Retrieval(filled.searcher())
    assert retrieval.top(["qqqzzz"], ArticleFilter(), 10) == []
    assert retrieval.top([], ArticleFilter(), 10) == []


@pytest.mark.parametrize("term", ["rate", "bank", "zebra", "b007"])
def test_decoded_postings_are_whooshs_own(filled, term):
    for sub, _ in filled.searcher().leaf_searchers():
        reader = sub.reader()
        if (F.TEXT_FIELD, term) not in reader:
            continue
        ids, tfs = internals.postings(reader, F.TEXT_FIELD, term)
        # every posting, deleted documents' too: Whoosh's matcher without its deletion filter
        matcher, expected = reader.postings(F.TEXT_FIELD, term), []
        matcher = getattr(matcher, "child", matcher)
        while matcher.is_active():
            expected.append((matcher.id(), matcher.weight()))
            matcher.next()
        assert list(zip(ids.tolist(), tfs.tolist(), strict=True)) == expected


def test_the_cache_keeps_within_its_budget_and_drops_the_least_recent(filled):
    reader = filled.searcher().leaf_searchers()[0][0].reader()
    one = internals.postings(reader, F.TEXT_FIELD, "rate")
    cache = PostingsCache((one[0].nbytes + one[1].nbytes) * 1.5 / 1e6)
    cache.get(reader, F.TEXT_FIELD, "rate")
    cache.get(reader, F.TEXT_FIELD, "rose")
    assert cache.used <= cache.budget
    assert len(cache._entries) == 1


def test_a_term_only_deleted_documents_of_a_segment_hold_still_gets_the_exact_top(tmp_path):
    # One segment: an article about a ferry and one about Zanzibar; the first is replaced by a
    # text without "ferry", so in that segment only deleted documents hold the term, while the
    # Zanzibar sentence, found by the rarer terms first, is still live there.
    store = Store(tmp_path / "index", procs=2)  # its commits merge no segments
    ferry = build_article("The heron waited by the ferry at dawn.", id="heron")
    store.add_many([ferry, build_article("Zanzibar spice traders met at noon.", id="spice")])
    store.add_many(
        [build_article(f"Passengers took ferry {i} across the bay.", id=f"f{i}") for i in range(60)]
    )
    store.add_many([build_article("The heron flew away.", id="heron")], replace=True)
    terms = analyse_claim("Zanzibar traders took the ferry").terms
    retrieval = Retrieval(store.searcher())
    exhaustive = retrieval.top(terms, EVERYTHING, 1, prune=False)
    assert retrieval.top(terms, EVERYTHING, 1) == exhaustive
    assert [d for d, _ in whoosh_top(store, terms, 1)] == [s.docnum for s in exhaustive]
    store.close()
