"""Sentence segmentation with offsets."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pysbd.lang.english import English

from index.text.articles import parse_raw
from index.text.sentences import _is_plain, _paragraph_spans, _pysbd_spans, split_sentences

from .conftest import SEED_FILES


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_offsets_slice_the_stored_text_exactly(path):
    article = parse_raw(path.read_text())
    sentences = split_sentences(article.text)
    assert len(sentences) > 10
    for i, s in enumerate(sentences):
        assert s.index == i
        assert article.text[s.start : s.end] == s.text
        assert s.text == s.text.strip()


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            '"This is undeniable. It is final," he said. Then he left.',
            ['"This is undeniable. It is final," he said.', "Then he left."],
        ),
        (
            "Russian and U.S. officials met in Istanbul. They talked.",
            ["Russian and U.S. officials met in Istanbul.", "They talked."],
        ),
        (
            "Growth was 2.5 percent in Feb. last year, Dr. J. R. Smith said. Prices rose.",
            ["Growth was 2.5 percent in Feb. last year, Dr. J. R. Smith said.", "Prices rose."],
        ),
    ],
)
def test_quotes_abbreviations_and_numbers_do_not_split(text, expected):
    assert [s.text for s in split_sentences(text)] == expected


def test_paragraphs_never_share_a_sentence():
    text = "A heading without a stop\n\nThe body starts here. It ends here."
    assert [s.text for s in split_sentences(text)] == [
        "A heading without a stop",
        "The body starts here.",
        "It ends here.",
    ]


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=400))
def test_offsets_hold_for_any_text(text):
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text
        assert s.text.strip()


def test_segmenting_again_compiles_no_regular_expression(monkeypatch):
    # pysbd builds its patterns from strings at each call; they must stay in re's cache.
    text = "\n\n".join(
        f'He met the {a}. Smith in 2.5 days. Then "it\'s {a}. over," he said!'
        for a in sorted(English.Abbreviation.ABBREVIATIONS)
    )
    first = split_sentences(text)
    compiled = []
    real = re._compiler.compile
    monkeypatch.setattr(re._compiler, "compile", lambda *a: compiled.append(a) or real(*a))
    assert split_sentences(text) == first
    assert len(first) > 500 and compiled == []


WORDS = [
    "the", "market", "rose", "Japan", "March", "May", "may", "Bank", "The", "He", "It", "is",
    "a", "A", "I", "U.S", "vs", "Inc", "Corp", "Co", "Ltd", "no", "No", "Dr", "Gen", "General",
    "St", "Mr", "Mrs", "Smith", "II", "IV", "iv", "Mix", "Dim", "1986", "25", "3", "2.5",
    "Feb", "Jan", "Sept", "pct", "dlrs", "mln", "Est", "Ave", "Fig", "al", "etc", "e.g", "i.e",
    "am", "pm", "p.m", "Prof", "Rep", "Sen", "Capt", "Col", "Ing", "ing", "Ph", "Mt", "Messrs",
]  # fmt: skip


@given(
    st.lists(
        st.tuples(st.sampled_from(WORDS), st.sampled_from([" ", " ", ", ", ". ", ".  "])),
        min_size=1,
        max_size=40,
    )
)
def test_cutting_at_sure_stops_gives_pysbds_sentences(words):
    paragraph = "".join(w + sep for w, sep in words).rstrip() + "."
    assert _is_plain(paragraph)
    assert _paragraph_spans(paragraph, 0) == _pysbd_spans(paragraph, 0)


@pytest.mark.parametrize("text", ["a \x1f0. b", "Item \x0b1. Next.\x7f2. Last."])
def test_control_characters_split_like_spaces_and_keep_offsets(text):
    sentences = split_sentences(text)
    assert sentences and all(text[s.start : s.end] == s.text for s in sentences)
