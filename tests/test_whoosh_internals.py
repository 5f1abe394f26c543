"""Writing a segment with its length columns read whole keeps Whoosh's own term statistics."""

import pytest

from index import schema as S
from index.ingest import read_paths, seed_files
from index.store import Store


@pytest.mark.parametrize("procs", [1, 2])
def test_each_terms_length_bounds_are_whooshs_own_field_lengths(tmp_path, procs):
    store = Store(tmp_path / "index", procs=procs)
    store.add_many(read_paths(seed_files()))
    checked = 0
    for reader in store.searcher().reader().leaf_readers():
        reader = reader[0]
        perdoc = reader._perdoc
        for field in (S.TEXT_FIELD, S.TITLE, S.SPEAKER, S.KIND):
            for term in reader.lexicon(field):
                info = reader.term_info(field, term)
                docs = reader.postings(field, term).all_ids()
                lengths = [perdoc.doc_field_length(d, field) or 0 for d in docs]
                assert (info.min_length(), info.max_length()) == (min(lengths), max(lengths))
                checked += 1
    store.close()
    assert checked > 300
