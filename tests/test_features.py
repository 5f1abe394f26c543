"""Each scoring feature of index.support on hand-made claim/sentence pairs.

The seeds test what the features add up to; these pin what each one measures on its own, so a
change to one shows here by name rather than as a shifted score somewhere downstream.
"""

from __future__ import annotations

import pytest

from index.claims import Claim, analyse_claim
from index.support import (
    FEATURES,
    SentenceView,
    coverage,
    negation_mismatch,
    number_conflict,
    number_missing,
    order,
    retrieval,
    title_coverage,
)


def pair(
    claim: str, sentence: str, title: str | None = None, **view
) -> tuple[Claim, SentenceView, dict[str, float]]:
    """The claim, the sentence's view, and an IDF of 1 for every claim term."""
    analysed = analyse_claim(claim)
    return (
        analysed,
        SentenceView.of(sentence, title, **view),
        dict.fromkeys(analysed.terms, 1.0),
    )


def test_every_feature_has_a_test_here():
    tested = {name.removeprefix("test_").split("__")[0] for name in globals()}
    assert set(FEATURES) <= tested


def test_coverage__is_the_idf_weighted_share_of_claim_terms_in_the_sentence():
    claim, view, idf = pair("Russia annexed Crimea in 2014", "Russia annexed Crimea.")
    assert coverage(claim, view, idf) == pytest.approx(3 / 4)
    idf["2014"] = 5.0  # a rare term weighs more: missing it costs more
    assert coverage(claim, view, idf) == pytest.approx(3 / 8)
    assert coverage(claim, SentenceView.of("Nothing alike.", None), idf) == 0.0


def test_coverage__counts_the_speaker_as_the_sentence_own_words():
    claim, view, idf = pair("Peskov ruled out talks", "He ruled out talks.", speaker="Peskov")
    assert coverage(claim, view, idf) == 1.0


def test_title_coverage__counts_only_terms_the_title_adds():
    claim, view, idf = pair(
        "Russia annexed Crimea in 2014", "Russia annexed it.", title="Crimea 2014"
    )
    assert title_coverage(claim, view, idf) == pytest.approx(2 / 4)
    # Terms the sentence has already count for coverage, never twice.
    claim, view, idf = pair("Russia annexed Crimea", "Russia annexed Crimea.", title="Crimea")
    assert title_coverage(claim, view, idf) == 0.0


def test_retrieval__is_the_sentence_bm25_relative_to_the_best_candidate():
    claim, view, idf = pair("Russia annexed Crimea", "Russia annexed Crimea.", retrieval=0.25)
    assert retrieval(claim, view, idf) == 0.25


def test_order__is_the_share_of_adjacent_claim_pairs_kept_close_and_in_order():
    claim, view, idf = pair("Russia annexed Crimea", "Russia annexed Crimea.")
    assert order(claim, view, idf) == 1.0
    _, reversed_, _ = pair("Russia annexed Crimea", "Crimea annexed Russia.")
    assert order(claim, reversed_, idf) == 0.0
    # "Russia annexed" is kept; "annexed ... Crimea" is five positions apart: too far.
    _, apart, _ = pair("Russia annexed Crimea", "Russia annexed lands far from the old Crimea.")
    assert order(claim, apart, idf) == pytest.approx(1 / 2)
    lone, view, idf = pair("Crimea", "Crimea.")
    assert order(lone, view, idf) == 0.0  # no pair to keep


@pytest.mark.parametrize(
    "claim, sentence, mismatch",
    [
        ("The Kremlin will return the regions", "The Kremlin ruled out returning them.", 1.0),
        ("The Kremlin will not return the regions", "The Kremlin ruled out returning them.", 0.0),
        ("The Kremlin will not return the regions", "The Kremlin will return them.", 1.0),
        ("The Kremlin will return the regions", "The Kremlin will return them.", 0.0),
    ],
)
def test_negation_mismatch__is_one_when_only_one_side_negates(claim, sentence, mismatch):
    assert negation_mismatch(*pair(claim, sentence)) == mismatch


@pytest.mark.parametrize(
    "claim, sentence, conflict",
    [
        ("Crimea was annexed in 2016", "Crimea was annexed in 2014.", 1.0),
        ("Crimea was annexed in 2014", "Crimea was annexed in 2014.", 0.0),
        ("They met on Thursday", "They met on Friday.", 1.0),
        ("They met in June", "They met in May 2025.", 1.0),
        ("Crimea was annexed in 2016", "Crimea was annexed.", 0.0),  # missing, not conflicting
        ("Crimea was annexed in 2016", "Crimea has 3 regions.", 0.0),  # a count is not a year
    ],
)
def test_number_conflict__is_one_when_the_sentence_states_another_of_the_kind(
    claim, sentence, conflict
):
    assert number_conflict(*pair(claim, sentence)) == conflict


@pytest.mark.parametrize(
    "claim, sentence, missing",
    [
        ("Troops numbered 10,000", "Troops numbered 10000.", 0.0),  # separators aside
        ("Troops numbered 10,000", "Troops numbered many.", 1.0),
        ("Troops numbered many", "Troops numbered 10,000.", 0.0),
    ],
)
def test_number_missing__is_one_when_the_claim_number_is_absent(claim, sentence, missing):
    assert number_missing(*pair(claim, sentence)) == missing
