"""The store contract (index/stores/base.py), the same tests on every backend.

The OpenSearch half is marked ``opensearch`` (``pytest -m opensearch`` runs it alone) and runs
on the harness's real three-node cluster.
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.citations import cite, verify_citations
from index.errors import ArticleConflict, ArticleNotFound, InvalidCursor, StaleCursor
from index.evidence import (
    CANDIDATE_POOL,
    EvidenceQuery,
    EvidenceResult,
    Judged,
    Window,
    asked_groups,
    find_evidence,
    fold_copies,
    judge_candidates,
    pool_size,
)
from index.judging.claims import analyse_claim
from index.models.semantic import unpack
from index.pages import MAX_CANDIDATES, find_page
from index.records import ArticleFilter, Stance
from index.stores.base import ArticleStore
from index.stores.open import open_store
from index.stores.opensearch.layout import _sentence_actions, analysed
from index.stores.opensearch.store import OpenSearchStore
from index.text.articles import build_article
from index.text.sentences import split_sentences

OPENSEARCH = pytest.param("opensearch", marks=pytest.mark.opensearch)
EVERYWHERE = pytest.fixture(params=["whoosh", OPENSEARCH])


def article(i: int, text: str | None = None, **kw):
    return build_article(
        text or f"Article {i} says the zebra{i} crossed the river. It was sunny.",
        id=f"a{i:03d}",
        **kw,
    )


def _open(request, tmp_path, semantic: bool = False) -> ArticleStore:
    if request.param == "whoosh":
        return open_store("whoosh", index_dir=tmp_path / "index", semantic=semantic)
    settings = request.getfixturevalue("opensearch_settings")
    return open_store("opensearch", opensearch=settings, semantic=semantic)


@EVERYWHERE
def store(request, tmp_path) -> Iterator[ArticleStore]:
    s = _open(request, tmp_path)
    yield s
    s.close()


@EVERYWHERE
def semantic_store(request, tmp_path) -> Iterator[ArticleStore]:
    s = _open(request, tmp_path, semantic=True)
    yield s
    s.close()


# --- writes, reads, listing ----------------------------------------------------------------------


def test_add_then_get_returns_the_article_and_its_sentences(store):
    result = store.add(article(1, source="Daily"))
    assert (result.status, result.sentences) == ("created", 2)
    got = store.get("a001")
    assert got.article == article(1, source="Daily")
    assert [(s.index, s.text) for s in got.sentences] == [
        (0, "Article 1 says the zebra1 crossed the river."),
        (1, "It was sunny."),
    ]
    assert got.content_hash == article(1, source="Daily").content_hash()
    assert store.counts() == {"articles": 1, "sentences": 2}
    assert not store.is_empty()


def test_rewrite_writes_an_unchanged_article_again(store):
    store.add(article(1))
    before = store.generation()
    [result] = store.add_many([article(1)], replace=True, rewrite=True)
    assert (result.status, result.sentences) == ("replaced", 2)
    assert store.generation() != before
    assert store.counts() == {"articles": 1, "sentences": 2}
    assert [h.article.id for h in _candidates(store, "zebra1")[1]] == ["a001"]


def test_identical_reingest_is_a_no_op(store):
    store.add(article(1))
    again = store.add_many([article(1), article(1)])
    assert [(r.status, r.sentences) for r in again] == [("unchanged", 0), ("unchanged", 0)]
    assert store.counts() == {"articles": 1, "sentences": 2}


def test_changed_content_conflicts_unless_replaced(store):
    store.add(article(1))
    with pytest.raises(ArticleConflict):
        store.add(article(1, "Different text."))
    assert store.get("a001").article.text == article(1).text
    replaced = store.add(article(1, "Different text."), replace=True)
    assert (replaced.status, replaced.sentences) == ("replaced", 1)
    assert [s.text for s in store.get("a001").sentences] == ["Different text."]
    assert store.counts() == {"articles": 1, "sentences": 1}


def test_a_conflict_leaves_the_whole_batch_unwritten(store):
    store.add(article(1))
    with pytest.raises(ArticleConflict):
        store.add_many([article(2), article(1, "Changed.")])
    with pytest.raises(ArticleNotFound):
        store.get("a002")
    assert store.counts() == {"articles": 1, "sentences": 2}


def test_delete_removes_the_article_and_a_second_delete_finds_nothing(store):
    store.add_many([article(1), article(2)])
    store.delete("a001")
    with pytest.raises(ArticleNotFound):
        store.get("a001")
    with pytest.raises(ArticleNotFound):
        store.delete("a001")
    assert store.counts() == {"articles": 1, "sentences": 2}
    store.delete("a002")
    assert store.is_empty()


def test_generation_changes_with_every_write(store):
    seen = [store.generation()]
    store.add(article(1))
    seen.append(store.generation())
    store.add(article(1, "Changed."), replace=True)
    seen.append(store.generation())
    store.delete("a001")
    seen.append(store.generation())
    assert len(set(seen)) == 4 and None not in seen  # an answer states it (answered_with)


def test_list_pages_through_articles_in_id_order(store):
    store.add_many([article(i) for i in (3, 1, 5, 2, 4)])
    pages, cursor = [], None
    while True:
        page = store.list(ArticleFilter(), cursor, 2)
        pages.append([a.id for a in page.articles])
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == [["a001", "a002"], ["a003", "a004"], ["a005"]]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (ArticleFilter(sources=("the daily",)), ["a001", "a003"]),
        (ArticleFilter(sources=("Weekly", "THE DAILY")), ["a001", "a002", "a003"]),
        (ArticleFilter(published_from="2025-02-01"), ["a002", "a003"]),
        (ArticleFilter(published_to="2025-02-01"), ["a001", "a002"]),
        (ArticleFilter(sources=("The Daily",), published_from="2025-02-02"), ["a003"]),
    ],
)
def test_list_filters_by_source_and_inclusive_day_range(store, where, expected):
    store.add_many(
        [
            article(1, source="The Daily", published="2025-01-15"),
            article(2, source="Weekly", published="2025-02-01T10:00:00+00:00"),
            article(3, source="The  DAILY", published="2025-03-01"),
            article(4),
        ]
    )
    assert [a.id for a in store.list(where, None, 10).articles] == expected


# --- the snapshot an answer is built from --------------------------------------------------------


EVERYTHING = ArticleFilter()


def _candidates(store, claim: str, where=EVERYTHING, limit: int = 10):
    snap = store.snapshot()
    return snap, snap.candidates(analyse_claim(claim).terms, where, limit)


def test_candidates_are_the_best_sentences_first_with_their_article(store):
    store.add_many(
        [
            article(1, "The zebra crossed the river. Nothing else.", title="Zebra news"),
            article(2, "A zebra and another zebra crossed. Rain fell.", source="Weekly"),
            article(3, "Lions slept."),
        ]
    )
    snap, hits = _candidates(store, "zebra crossed")
    # Both sentences with both terms first (their order is the backend's BM25 variant's), then
    # the one matched by its article's title alone.
    found = [(h.article.id, h.index) for h in hits]
    assert sorted(found[:2]) == [("a001", 0), ("a002", 0)]
    assert found[2:] == [("a001", 1)]
    assert hits[0].score >= hits[1].score > hits[2].score > 0
    assert {h.article.id: h.article.source for h in hits}["a002"] == "Weekly"
    for hit in hits:  # every hit is the sentence its article, as this snapshot sees it, holds
        stored = snap.article(hit.article.id)
        assert stored.sentences[hit.index].text == hit.text
        assert (stored.sentences[hit.index].start, stored.sentences[hit.index].end) == hit.span


def test_candidates_respect_the_limit_and_the_filters(store):
    store.add_many(
        [
            article(i, f"The zebra number {i} crossed.", source=src, published=day)
            for i, src, day in [
                (1, "Daily", "2025-01-01"),
                (2, "Weekly", "2025-02-01"),
                (3, "Daily", "2025-03-01"),
            ]
        ]
    )
    assert len(_candidates(store, "zebra", limit=2)[1]) == 2
    where = ArticleFilter(sources=("daily",), published_from="2025-02-01")
    assert [h.article.id for h in _candidates(store, "zebra", where)[1]] == ["a003"]


def test_in_semantic_mode_each_candidate_carries_its_sentence_vector(semantic_store):
    semantic_store.add(article(1, "The zebra crossed the river. It was sunny.", title="Zebras"))
    semantic_store.add(article(2, "A zebra slept."))
    embedded = {  # what each sentence's vector embeds: its title first, when it has one
        "The zebra crossed the river.": "Zebras: The zebra crossed the river.",
        "It was sunny.": "Zebras: It was sunny.",  # found through its article's title
        "A zebra slept.": "A zebra slept.",
    }
    hits = _candidates(semantic_store, "zebra")[1]
    assert {h.text for h in hits} == set(embedded)
    for hit in hits:
        assert same_vector(semantic_store, hit.vector, embedded[hit.text])
    # A replaced article's sentences carry the new text's vectors.
    semantic_store.add(article(2, "A zebra woke."), replace=True)
    hits = {h.text: h.vector for h in _candidates(semantic_store, "zebra")[1]}
    assert set(hits) == {"The zebra crossed the river.", "It was sunny.", "A zebra woke."}
    assert same_vector(semantic_store, hits["A zebra woke."], "A zebra woke.")


def same_vector(store, stored: bytes | None, text: str) -> bool:
    """Whether ``stored`` is the vector of ``text`` (int8 rounding of float sums that differ by
    batch shape in the last bit may flip a component; int8 keeps the cosine above 0.99)."""
    return stored is not None and float(unpack(stored) @ store.encoder.encode([text])[0]) > 0.99


@pytest.mark.opensearch
def test_opensearch_scores_are_bm25_over_the_analysed_terms(opensearch_settings):
    store = OpenSearchStore(opensearch_settings)
    texts = ["The cat sat on the mat.", "A cat and another cat chased the dog.", "Dogs bark."]
    store.add(article(1, " ".join(texts)))
    _, hits = _candidates(store, "cats")
    lengths = [len(analysed(t).split()) for t in texts]
    freqs = [Counter(analysed(t).split())["cat"] for t in texts]
    docs, df, avgdl = len(texts), sum(1 for f in freqs if f), sum(lengths) / len(texts)
    idf = math.log(1 + (docs - df + 0.5) / (df + 0.5))
    # OpenSearch's BM25 keeps the (k1 + 1) factor, as Whoosh's does.
    expected = {
        i: idf * f * 2.2 / (f + 1.2 * (1 - 0.75 + 0.75 * n / avgdl))
        for i, (f, n) in enumerate(zip(freqs, lengths, strict=True))
        if f
    }
    assert {h.index: h.score for h in hits} == pytest.approx(expected, rel=1e-5)
    store.close()


def test_speaker_and_title_terms_retrieve_too(store):
    store.add(article(1, '"We will not leave," Peskov said. It rained.', title="Kremlin briefing"))
    _, by_speaker = _candidates(store, "Peskov")
    assert [(h.index, h.speaker) for h in by_speaker] == [(0, "Peskov")]
    _, by_title = _candidates(store, "Kremlin")
    assert sorted(h.index for h in by_title) == [0, 1]


def test_idf_is_log_sentences_over_document_frequency(store):
    store.add_many([article(1, "Cats sat. Cats ran. Dogs sat."), article(2, "Birds flew.")])
    # The protocol's N is the 4 sentences. The Whoosh store counts its 2 article documents too
    # (index/stores/whoosh/store.py Snapshot.idf): a difference the two backends still have.
    n = 6 if store.backend == "whoosh" else 4
    expected = {"cat": math.log(n / 3) + 1, "sat": math.log(n / 3) + 1, "unseen": math.log(n) + 1}
    assert store.snapshot().idf(["cat", "sat", "unseen"]) == pytest.approx(expected)
    after_search = store.snapshot()  # counted with the candidates, or on their own
    after_search.candidates(["cat", "unseen"], EVERYTHING, 5)
    assert after_search.idf(["cat", "sat", "unseen"]) == pytest.approx(expected)


def test_replaced_and_deleted_articles_stop_matching_at_once(store):
    store.add_many([article(1, "The zebra crossed."), article(2, "A zebra slept.")])
    store.add(article(1, "The okapi crossed."), replace=True)
    store.delete("a002")
    assert _candidates(store, "zebra")[1] == []
    assert [h.text for h in _candidates(store, "okapi")[1]] == ["The okapi crossed."]


def test_a_missing_article_is_not_found_in_a_snapshot(store):
    with pytest.raises(ArticleNotFound):
        store.snapshot().article("nope")


def test_a_snapshot_reads_many_articles_at_once_leaving_out_the_unknown(store):
    store.add_many([article(1), article(2, source="Weekly")])
    found = store.snapshot().articles(["a002", "nope", "a001", "a002"])
    assert sorted(found) == ["a001", "a002"]
    assert found["a002"] == store.get("a002") and found["a001"] == store.get("a001")
    assert store.snapshot().articles([]) == {}


def test_the_stored_text_is_kept_as_sent_so_its_sha256_is_the_texts(store):
    decomposed = "The cafe\u0301 owner said the zebra crossed. It was sunny."  # not NFC
    store.add(article(1, decomposed))
    stored = store.get("a001")
    assert stored.article.text == decomposed
    assert stored.text_sha256 == hashlib.sha256(decomposed.encode("utf-8")).hexdigest()
    assert stored.text_sha256 != stored.content_hash  # that one seals the metadata too


# --- citations checked later: the same answers on every backend -----------------------------------


def test_citations_hold_move_change_or_go_as_the_archive_changes(store):
    store.add_many(
        [
            article(1, "The zebra crossed the river. It was sunny. Rangers counted 40."),
            article(2, "Okapis are shy. They live in the forest."),
            article(3, "Lions slept all day. The pride woke at dusk."),
        ]
    )
    snap = store.snapshot()
    cited = [cite(snap.article("a001"), 1), cite(snap.article("a002"), 1)]
    cited += [cite(snap.article("a003"), 0)]
    zebra_quote = {**asdict(cite(snap.article("a001"), 2)), "sentence": "Rangers counted 40."}
    # a001 gains a sentence before the cited one; a002's cited sentence is edited; a003 goes.
    store.add(
        article(1, "Breaking. The zebra crossed the river. It was sunny. Rangers counted 41."),
        replace=True,
    )
    store.add(article(2, "Okapis are shy. They live in the rain forest."), replace=True)
    store.delete("a003")
    unchanged = cite(store.get("a001"), 1)
    result = verify_citations(store, [asdict(c) for c in cited] + [zebra_quote, "bad"])
    assert [v.status for v in result.results] == ["moved", "changed", "gone", "changed", "invalid"]
    moved, edited, gone, quote, bad = result.results
    assert (moved.citation.sentence_index, moved.sentence) == (2, "It was sunny.")
    assert moved.citation.offsets == [39, 52] and moved.similarity == 1.0
    assert edited.sentence == "They live in the rain forest." and edited.similarity is None
    assert gone.citation is None and gone.cited == cited[2].compact
    assert (quote.sentence, quote.similarity) == ("Rangers counted 41.", 0.5)
    assert bad.problem.status == 422 and bad.citation is None
    assert verify_citations(store, [asdict(unchanged)]).all_hold
    assert result.generation == str(store.generation())


# --- OpenSearch: the generation flip ------------------------------------------------------------


def _orphan_generation(store: OpenSearchStore, a, generation="crashed", ago: float = 0) -> None:
    """Index an unflipped generation of ``a``'s sentences, as a writer that crashed would."""
    written = int((time.time() - ago) * 1000)
    sentences = split_sentences(a.text)
    store._bulk(_sentence_actions(store.sentences, a, sentences, generation, written))


@pytest.mark.opensearch
def test_sentences_of_an_unflipped_generation_are_never_returned(opensearch_settings):
    store = OpenSearchStore(opensearch_settings)
    store.add(article(1, "The zebra crossed."))
    _orphan_generation(store, article(1, "The zebra crossed twice, the zebra said."))
    _orphan_generation(store, article(2, "Another zebra."))
    hits = _candidates(store, "zebra", limit=1)[1]
    assert [(h.article.id, h.text) for h in hits] == [("a001", "The zebra crossed.")]
    assert store.counts() == {"articles": 1, "sentences": 1}
    store.close()


@pytest.mark.opensearch
def test_a_snapshot_keeps_the_article_version_it_first_read(opensearch_settings):
    store = OpenSearchStore(opensearch_settings)
    store.add(article(1, "The zebra crossed. It was late."))
    snap = store.snapshot()
    before = snap.article("a001")
    store.add(article(1, "The zebra crossed again and again."), replace=True)
    hits = snap.candidates(["zebra"], EVERYTHING, 10)
    # The old generation is gone and the new one is not this snapshot's: nothing mixes.
    assert all(before.sentences[h.index].text == h.text for h in hits)
    assert snap.article("a001") is before
    fresh = store.snapshot().candidates(["zebra"], EVERYTHING, 10)
    assert [h.text for h in fresh] == ["The zebra crossed again and again."]
    store.close()


@pytest.mark.opensearch
def test_health_reports_the_backend_and_the_cluster(opensearch_settings):
    store = OpenSearchStore(opensearch_settings)
    store.client.cluster.health(wait_for_status="green")  # replicas assigned
    health = store.health()
    assert (health.backend, health.status, health.nodes) == ("opensearch", "green", 3)
    store.close()


@pytest.mark.opensearch
def test_a_writer_that_loses_the_flip_decides_again_and_leaves_no_sentences(opensearch_settings):
    store = OpenSearchStore(opensearch_settings)
    store.add(article(1, "The zebra crossed."))
    read_before = store._read(["a001"])["a001"]
    store.add(article(1, "The okapi crossed."), replace=True)  # another writer, meanwhile
    mine = article(1, "The gazelle crossed. Twice.")
    result = store._write_planned({"a001": (mine, read_before)})["a001"]
    assert (result.status, result.sentences) == ("replaced", 2)
    assert store.get("a001").article == mine
    assert store.counts() == {"articles": 1, "sentences": 2}
    live = store.client.count(index=store.sentences)["count"]
    assert live == 2  # neither the other writer's generation nor the lost attempt is left
    store.close()


@pytest.mark.opensearch
def test_sweep_deletes_orphaned_generations_older_than_the_grace(opensearch_settings):
    store = OpenSearchStore(opensearch_settings)
    store.add(article(1, "The zebra crossed."))
    _orphan_generation(store, article(1, "The zebra ran. Far away."), "old", ago=3600)
    _orphan_generation(store, article(2, "A zebra slept."), "deleted", ago=3600)
    _orphan_generation(store, article(1, "The zebra is being written."), "in-flight")
    assert store.sweep(grace=60) == 3
    assert store.client.count(index=store.sentences)["count"] == 2
    assert store.sweep(grace=-60) == 1  # with no grace, the in-flight one goes; the live one stays
    assert store.client.count(index=store.sentences)["count"] == 1
    assert [h.text for h in _candidates(store, "zebra")[1]] == ["The zebra crossed."]
    store.close()


# --- the retrieval order -------------------------------------------------------------------------


def test_a_longer_list_of_candidates_begins_with_every_shorter_one_even_among_equal_scores(store):
    # The same sentence in eight articles scores the same in each: whichever of them a top-k
    # keeps, a longer top-k keeps them too, in the same order.
    store.add_many([article(i, "The bridge closed. The river rose.") for i in range(8)])
    terms, snapshot = analyse_claim("bridge closed").terms, store.snapshot()
    longest = [(h.article.id, h.index) for h in snapshot.candidates(terms, EVERYTHING, 8)]
    assert sorted(longest) == [(f"a{i:03d}", 0) for i in range(8)]
    for n in range(1, 8):
        hits = store.snapshot().candidates(terms, EVERYTHING, n)
        assert [(h.article.id, h.index) for h in hits] == longest[:n]


# --- the pages of an answer ----------------------------------------------------------------------

#: Sentences on one bridge, each its own statement (none folds into another).
BRIDGE = [
    "The bridge closed after heavy floods.",
    "Engineers found cracked cables under the old bridge deck.",
    "Ferries carried commuters while the bridge stayed shut.",
    "The council voted to repair the bridge before winter.",
    "Floods also closed two schools in the valley.",
    "Traffic on the ring road doubled after the bridge closure.",
]
WORDS = "the bridge council river mayor flood closed opened city two three said new old".split()
SECRET = b"contract cursors"


def whole_answer(store, query, pool: int) -> list[list[Judged]]:
    """One big answer as index/pages.py defines it: the pools of retrieval order one after
    another, each judged and folded alone, the next read while a pool is full and holds at
    least a page of items."""
    snapshot, claim, size = store.snapshot(), analyse_claim(query.claim), pool_size(query, pool)
    items: list[list[Judged]] = []
    window = Window()
    while True:
        judged = judge_candidates(snapshot, claim, query, store.encoder, size, window)
        groups = asked_groups(fold_copies(judged), query)
        items += groups
        deeper = (window.tier + 2) * size <= MAX_CANDIDATES
        if len(judged) < size or len(groups) < query.limit or not deeper:
            return items
        held = [j.judgement.score for j in judged if j.judgement.stance == Stance.SUPPORTS]
        window = Window(window.tier + 1, max([window.best, *held]))


def walk(store, query, pool: int) -> list[EvidenceResult]:
    """Every page of the query's answer, following each page's next cursor."""
    pages = [find_page(store, query, SECRET, pool)]
    while pages[-1].next is not None:
        assert len(pages) < 500
        pages.append(find_page(store, replace(query, cursor=pages[-1].next), SECRET, pool))
    return pages


def sentences_of(item) -> frozenset[tuple[str, int]]:
    """The sentences an answer item stands for: its own and its copies'."""
    copies = {(c.article_id, c.sentence_index) for c in item.also_in}
    return frozenset({(item.article.id, item.sentence_index), *copies})


@st.composite
def corpora(draw):
    """A few articles of a small vocabulary (copies of one sentence among them), a claim in
    it, and how to ask: limit, stance, min_score, and a pool small enough to need several."""
    sentence = st.lists(st.sampled_from(WORDS), min_size=3, max_size=8).map(
        lambda ws: " ".join(ws).capitalize() + "."
    )
    texts = draw(st.lists(st.lists(sentence, min_size=1, max_size=4), min_size=2, max_size=14))
    if draw(st.booleans()):  # a wire story and its copy
        texts.append(list(texts[0]))
    claim = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=5)))
    asked = {
        "limit": draw(st.integers(1, 4)),
        "stance": draw(st.sampled_from([Stance.SUPPORTS, Stance.ALL])),
        "min_score": draw(st.sampled_from([0.0, 0.05])),
    }
    pool = draw(st.integers(2, 6) | st.just(CANDIDATE_POOL))
    return [" ".join(t) for t in texts], claim, asked, pool


def test_walking_the_cursor_gives_each_sentence_once_in_the_whole_answers_order(store):
    runs = iter(range(10_000))

    @settings(
        max_examples=40 if store.backend == "whoosh" else 8,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(corpora())
    def check(case):
        texts, claim, asked, pool = case
        source = f"run{next(runs)}"  # each example asks only its own articles
        # Whoosh names segments with the random module, which hypothesis seeds alike for every
        # example: a name of its own for each example's segment.
        random.seed(source)
        store.add_many(
            [build_article(t, id=f"{source}-{i:02d}", source=source) for i, t in enumerate(texts)]
        )
        query = EvidenceQuery(claim, sources=(source,), **asked)
        pages = walk(store, query, pool)
        items = [item for page in pages for item in page.evidence]
        assert all(len(p.evidence) == query.limit for p in pages[:-1])
        assert len(pages[-1].evidence) <= query.limit
        said = [s for item in items for s in sentences_of(item)]
        assert len(said) == len(set(said))  # each sentence once, as an item or a copy
        whole = whole_answer(store, query, pool)
        assert [sentences_of(i) for i in items] == [
            frozenset((j.hit.article.id, j.hit.index) for j in g) for g in whole
        ]
        if pool == CANDIDATE_POOL:
            assert pages[0].evidence == find_evidence(store, query).evidence

    check()


def test_the_first_page_is_the_answer_find_evidence_gives(store):
    store.add_many([article(i, text) for i, text in enumerate(BRIDGE)])
    query = EvidenceQuery("the bridge closed after floods", limit=2, stance=Stance.ALL)
    first = find_page(store, query, SECRET)
    assert first.evidence == find_evidence(store, query).evidence and first.next is not None
    rest = walk(store, replace(query, cursor=first.next), CANDIDATE_POOL)
    shown = [e.article.id for page in [first, *rest] for e in page.evidence]
    assert sorted(shown) == [f"a{i:03d}" for i in range(len(BRIDGE))]


def test_a_cursor_is_bound_to_its_query_and_to_the_archive_it_started_on(store):
    store.add_many([article(i, text) for i, text in enumerate(BRIDGE)])
    query = EvidenceQuery("the bridge closed after floods", limit=1, stance=Stance.ALL)
    cursor = find_page(store, query, SECRET).next
    assert cursor is not None
    for other in [replace(query, claim="bridge opened"), replace(query, limit=2)]:
        with pytest.raises(InvalidCursor, match="another query"):
            find_page(store, replace(other, cursor=cursor), SECRET)
    with pytest.raises(InvalidCursor, match="Not a cursor this service issued"):
        find_page(store, replace(query, cursor=cursor), b"another secret")
    store.add(article(9, "The bridge closed again after the floods."))
    with pytest.raises(StaleCursor, match="ask again without a cursor"):
        find_page(store, replace(query, cursor=cursor), SECRET)
