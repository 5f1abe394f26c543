"""The one-step analyzer gives exactly the tokens of the filter chain it replaced."""

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import TEXT

from index.ingest import read_paths, seed_files
from index.stores import fields as F
from index.stores.whoosh import schema as S
from index.stores.whoosh.store import Store
from index.text import analysis as A
from index.text.articles import Article, build_article

#: The analyzer indexes were built with before ClaimAnalyzer; their schemas still hold it.
CHAIN = (
    RegexTokenizer(A.WORD_PATTERN)
    | A.CasedVariantFilter()
    | LowercaseFilter()
    | A.SpellingFilter()
    | StopFilter(minsize=1)
    | StemFilter(cachesize=100_000)
)

TRICKY = [
    "",
    "   ",
    "The U.S. and the U.K. met at the U.N. in Kiev; USA, US, us and u.s. differ.",
    "Defence programmes: the colour of kilometres, normalised catalogues, travelled tonnes.",
    "It is what it is: a an the of to be, and or not.",
    "3.14159 percent, 2,500 tonnes, 1990s, Feb. 3, e.g. i.e. J.R.R. Tolkien.",
    "Zaporozhye, Zaporizhia, Artemovsk, Lugansk, Kharkov and Odessa's mayors",
    "Ünïcödé wörds, naïve café, straße, ΑΘΗΝΑ, 東京, under_score, x...y, ..., a.b.c.",
    "Running runners ran; the organisation's organisers realised it.",
]
WORDS = [
    "US", "U.S", "U.S.A", "USA", "U.K", "U.N", "us", "the", "The", "THE", "a", "A", "be", "is",
    "kiev", "Kiev", "defence", "colour", "colours", "normalise", "realised", "theatre",
    "catalogue", "travelled", "programmes", "tonne", "running", "runs", "3.5", "e.g", "x_y",
    "café", "İstanbul", "ǅ", "ß", "Σ", "ﬁ",
]  # fmt: skip
KWARGS = [
    {},
    {"positions": True, "chars": True},
    {"positions": True, "chars": True, "removestops": False},
    {"positions": True, "start_pos": 5, "chars": True, "start_char": 7, "removestops": False},
    {"no_morph": True, "positions": True},
    {"no_morph": True, "removestops": False, "keeporiginal": True, "chars": True},
    {"mode": "index", "boosts": True},
    {"mode": "query", "keeporiginal": True},
    {"tokenize": False, "positions": True, "chars": True, "start_pos": 2, "start_char": 3},
]
ATTRS = ("text", "pos", "startchar", "endchar", "stopped", "boost", "original", "mode")


def tokens(analyzer, text: str, **kwargs) -> list[tuple]:
    """Every attribute a consumer may read, token by token (the Token object is reused)."""
    return [
        tuple(getattr(t, a, None) for a in ATTRS) + (t.positions, t.chars, t.removestops)
        for t in analyzer(text, **kwargs)
    ]


@pytest.mark.parametrize("kwargs", KWARGS, ids=repr)
@pytest.mark.parametrize("text", TRICKY)
def test_tricky_strings_give_the_chains_tokens(text, kwargs):
    assert tokens(A.ANALYZER, text, **kwargs) == tokens(CHAIN, text, **kwargs)


@settings(max_examples=300)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(WORDS),
            st.text(max_size=8),
            st.sampled_from([" ", ". ", ", ", "-", "'", ".", "\n"]),
        ),
        max_size=30,
    ).map("".join),
    st.sampled_from(KWARGS),
)
def test_any_text_gives_the_chains_tokens(text, kwargs):
    assert tokens(A.ANALYZER, text, **kwargs) == tokens(CHAIN, text, **kwargs)
    # What a document's field is indexed as: terms, frequencies, weights, encoded values.
    field = S.build_schema()[F.TITLE]
    assert sorted(field.index(text)) == sorted(OLD_FIELD.index(text))
    assert sorted(field.index(text)) == sorted(OLD_FIELD.index(text))  # remembered


OLD_FIELD = TEXT(analyzer=CHAIN, phrase=False)


def test_a_full_cache_starts_again_with_the_same_terms():
    analyzer = A.ClaimAnalyzer(cachesize=3)
    text = TRICKY[2]
    first = tokens(analyzer, text, positions=True)
    assert len(analyzer._terms) <= 3
    assert tokens(analyzer, text, positions=True) == first == tokens(CHAIN, text, positions=True)


def test_the_schema_pickles_the_analyzer_without_its_cache():
    analyzer = A.ClaimAnalyzer()
    list(analyzer(TRICKY[2]))
    copy = pickle.loads(pickle.dumps(S.build_schema()))[F.TEXT_FIELD].analyzer
    assert copy == analyzer and not copy._terms
    assert len(pickle.dumps(analyzer)) < 200
    assert tokens(copy, TRICKY[3], positions=True) == tokens(CHAIN, TRICKY[3], positions=True)


def test_an_index_made_with_the_chain_gets_the_same_terms_postings_and_stored_fields(tmp_path):
    legacy = S.build_schema()  # as built before ClaimAnalyzer and AnalysedText
    for name in (F.TEXT_FIELD, F.TITLE, F.SPEAKER):
        legacy.remove(name)
        legacy.add(name, TEXT(analyzer=CHAIN, phrase=False, stored=name == F.TEXT_FIELD))
    (tmp_path / "old").mkdir()
    whoosh_index.create_in(str(tmp_path / "old"), legacy)
    articles = [a for a in read_paths(seed_files()) if isinstance(a, Article)]
    articles += [
        build_article(f"{text} Kiev's mayor said so.", id=f"t{i}", title=TRICKY[i - 1])
        for i, text in enumerate(TRICKY)
        if text.strip()
    ]
    built = []
    for name in ("old", "new"):
        store = Store(tmp_path / name)
        store.add_many(articles)
        built.append(contents(store.ix.reader()))
        store.close()
    assert built[0] == built[1]
    kept = whoosh_index.open_dir(str(tmp_path / "old")).schema[F.TEXT_FIELD]
    assert type(kept) is TEXT and [type(f) for f in kept.analyzer.items] == [
        type(f) for f in CHAIN.items
    ]
    assert len(built[1][0]) > 1000


def contents(reader) -> tuple[list, list, list]:
    """Every posting, every stored document and every field length of an index."""
    postings = list(reader.iter_postings())
    stored = list(reader.all_stored_fields())
    lengths = [
        reader.doc_field_length(n, f, 0)
        for n in range(reader.doc_count_all())
        for f in (F.TEXT_FIELD, F.TITLE, F.SPEAKER)
    ]
    return postings, stored, lengths


#: Written by a process whose schema classes pickle under the module path that releases before
#: the package was laid out by concern gave them (``index.schema``), as their indexes hold.
OLD_LAYOUT_WRITER = """
import sys
from index.ingest import seed_if_new
from index.stores.whoosh import schema
from index.stores.whoosh.store import Store
from index.text import analysis

analysis.ClaimAnalyzer.__module__ = schema.AnalysedText.__module__ = "index.schema"
store = Store(sys.argv[1])
seed_if_new(store)
store.close()
"""


@pytest.mark.slow
def test_an_index_written_under_the_old_module_paths_opens_and_answers(tmp_path):
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", OLD_LAYOUT_WRITER, str(tmp_path)], check=True)
    [toc] = tmp_path.glob("*.toc")
    assert b"index.schema" in toc.read_bytes() and b"index.text" not in toc.read_bytes()
    from index.evidence import EvidenceQuery, find_evidence

    store = Store(tmp_path)
    try:
        answer = find_evidence(store, EvidenceQuery("Peskov said the regions are non-negotiable"))
        assert answer.evidence and "non-negotiable" in answer.evidence[0].sentence
    finally:
        store.close()
