"""The pinned-version internals: mapped segment files read as Whoosh's own, without a copy;
segments written with their length columns read whole keep Whoosh's own term statistics."""

import io
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.ingest import read_paths, seed_files
from index.records import ArticleFilter
from index.stores import fields as F
from index.stores.whoosh import internals as internals
from index.stores.whoosh.store import Store
from index.text.articles import build_article


@given(st.binary(max_size=300), st.lists(st.tuples(st.integers(0, 320), st.integers(-1, 40))))
def test_a_view_file_reads_as_bytesio_does(data, steps):
    ours, theirs = internals._ViewFile(memoryview(data)), io.BytesIO(data)
    for position, size in steps:
        assert ours.seek(position) == theirs.seek(position)
        assert ours.read(size) == theirs.read(size)
        assert ours.readline() == theirs.readline()
        assert ours.tell() == theirs.tell()


def test_pickles_load_from_a_view_file():
    data = pickle.dumps(("block", 3, [1.5, 2.5])) + pickle.dumps({"next": None})
    view = internals._ViewFile(memoryview(data))
    assert pickle.load(view) == ("block", 3, [1.5, 2.5])
    assert pickle.load(view) == {"next": None}


def test_a_compound_segment_is_read_from_its_map_not_copied(tmp_path):
    store = Store(tmp_path / "ix")
    store.add(build_article("The zebra crossed the river at dawn.", id="z1"))
    reader = store.searcher().leaf_searchers()[0][0].reader()
    postings = reader._terms._postfile  # a file of the compound segment
    assert isinstance(postings, internals._MappedFile)
    assert isinstance(postings.file, internals._ViewFile)
    assert store.snapshot().candidates(["zebra"], ArticleFilter(), 5)[0].text.startswith("The")
    store.close()


@pytest.mark.parametrize("procs", [1, 2])
def test_each_terms_length_bounds_are_whooshs_own_field_lengths(tmp_path, procs):
    store = Store(tmp_path / "index", procs=procs)
    store.add_many(read_paths(seed_files()))
    checked = 0
    for reader in store.searcher().reader().leaf_readers():
        reader = reader[0]
        perdoc = reader._perdoc
        for field in (F.TEXT_FIELD, F.TITLE, F.SPEAKER, F.KIND):
            for term in reader.lexicon(field):
                info = reader.term_info(field, term)
                docs = reader.postings(field, term).all_ids()
                lengths = [perdoc.doc_field_length(d, field) or 0 for d in docs]
                assert (info.min_length(), info.max_length()) == (min(lengths), max(lengths))
                checked += 1
    store.close()
    assert checked > 300
