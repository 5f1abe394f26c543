"""The store: atomic add / replace / delete, idempotent re-ingest, listing, other processes."""

import pytest

from index.errors import ArticleConflict, ArticleNotFound, IndexBusy
from index.evidence import EvidenceQuery, find_evidence
from index.records import ArticleFilter
from index.stores.whoosh import internals
from index.stores.whoosh.store import MAX_SEGMENTS, Store
from index.text.articles import build_article


def article(i: int, text: str | None = None, **kw):
    return build_article(
        text or f"Article {i} says the zebra{i} crossed the river. It was sunny.",
        id=f"a{i:03d}",
        **kw,
    )


def test_add_then_get_returns_article_and_sentences(store):
    result = store.add(article(1, source="Daily"))
    assert (result.status, result.sentences) == ("created", 2)
    got = store.get("a001")
    assert got.article.source == "Daily"
    assert [s.text for s in got.sentences] == [
        "Article 1 says the zebra1 crossed the river.",
        "It was sunny.",
    ]


def test_identical_reingest_is_a_no_op_and_changed_content_conflicts(store):
    store.add(article(1))
    assert store.add(article(1)).status == "unchanged"
    assert store.counts() == {"articles": 1, "sentences": 2}
    with pytest.raises(ArticleConflict):
        store.add(article(1, "Different text."))
    assert store.add(article(1, "Different text."), replace=True).status == "replaced"
    assert store.counts() == {"articles": 1, "sentences": 1}


def test_delete_removes_every_sentence_at_once(store):
    store.add(article(1))
    claim = EvidenceQuery("zebra1 crossed the river")
    assert find_evidence(store, claim).evidence
    store.delete("a001")
    assert find_evidence(store, claim).evidence == []
    assert store.counts() == {"articles": 0, "sentences": 0}
    with pytest.raises(ArticleNotFound):
        store.delete("a001")


def test_another_process_sees_commits_without_reopening(tmp_path):
    reader, writer = Store(tmp_path / "ix"), Store(tmp_path / "ix")
    assert reader.counts()["articles"] == 0
    writer.add(article(1))
    assert reader.counts()["articles"] == 1
    writer.delete("a001")
    assert reader.counts()["articles"] == 0


def test_list_filters_by_source_and_day_and_pages_by_cursor(store):
    for i in range(5):
        store.add(article(i, source="Even" if i % 2 == 0 else "Odd", published=f"2024-01-0{i + 1}"))
    evens = store.list(ArticleFilter(("even",)), None, 10)
    assert [a.id for a in evens.articles] == ["a000", "a002", "a004"]
    window = store.list(ArticleFilter((), "2024-01-02", "2024-01-04"), None, 10)
    assert [a.id for a in window.articles] == ["a001", "a002", "a003"]
    first = store.list(ArticleFilter(), None, 2)
    second = store.list(ArticleFilter(), first.next_cursor, 2)
    third = store.list(ArticleFilter(), second.next_cursor, 2)
    assert [a.id for p in (first, second, third) for a in p.articles] == [
        f"a{i:03d}" for i in range(5)
    ]
    assert third.next_cursor is None


def test_a_held_write_lock_gives_index_busy_not_lock_error(tmp_path):
    holder = Store(tmp_path / "ix")
    waiting = Store(tmp_path / "ix", lock_timeout=0.2)
    writer = holder.ix.writer()
    try:
        with pytest.raises(IndexBusy):
            waiting.add(article(1))
    finally:
        writer.cancel()
    assert waiting.add(article(1)).status == "created"


def test_a_two_process_writer_adds_replaces_and_deletes_like_one(tmp_path):
    store = Store(tmp_path / "index", procs=2)
    results = store.add_many([article(i) for i in range(40)])
    assert {r.status for r in results} == {"created"}
    assert store.add(article(3, "Zebra3 swam instead."), replace=True).status == "replaced"
    store.delete("a004")
    assert store.counts() == {"articles": 39, "sentences": 38 * 2 + 1}
    hits = find_evidence(store, EvidenceQuery("zebra7 crossed the river")).evidence
    assert hits[0].article.id == "a007"
    gone = find_evidence(store, EvidenceQuery("zebra4 crossed the river")).evidence
    assert all(e.article.id != "a004" for e in gone)
    store.close()


def test_a_searcher_snapshot_still_reads_an_article_deleted_since(tmp_path):
    reader, writer = Store(tmp_path / "ix"), Store(tmp_path / "ix")
    writer.add(article(1))
    snapshot = reader.snapshot()
    writer.delete("a001")
    assert snapshot.article("a001").article.id == "a001"
    with pytest.raises(ArticleNotFound):
        reader.get("a001")


def test_a_two_process_bulk_load_keeps_every_document_in_a_bounded_number_of_segments(tmp_path):
    store = Store(tmp_path / "index", procs=2)
    # 12 commits of two segments each: more than MAX_SEGMENTS, so the smallest are merged.
    results = store.add_many([article(i) for i in range(60)], batch_size=5)
    assert [r.sentences for r in results] == [2] * 60
    assert store.counts() == {"articles": 60, "sentences": 120}
    assert internals.segment_count(store.ix) <= MAX_SEGMENTS
    assert find_evidence(store, EvidenceQuery("zebra42 crossed")).evidence[0].article.id == "a042"
    store.close()
