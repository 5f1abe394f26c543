"""Each scoring feature of index.judging.support on hand-made claim/sentence pairs.

The seeds test what the features add up to; these pin what each one measures on its own, so a
change to one shows here by name rather than as a shifted score somewhere downstream.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from index.judging.claims import analyse_claim
from index.judging.features import FEATURES, features
from index.judging.views import SentenceView

# The lexical rules' own behaviour, as PROVENANCE_VERIFIER=off judges (tests/conftest.py).
JUDGE = "lexical"


def feature(
    name: str,
    claim: str,
    sentence: str,
    title: str | None = None,
    idf: dict[str, float] | None = None,
    **view,
) -> float:
    """Feature ``name`` of the sentence for the claim; every claim term weighs 1 unless given.

    Through :func:`features`, the entry the judgement uses, whatever each function takes.
    """
    analysed = analyse_claim(claim)
    weights = dict.fromkeys(analysed.terms, 1.0) | (idf or {})
    readings = view.pop("readings", ())
    s = replace(SentenceView.of(sentence, title, **view), readings=readings)
    return features(analysed, s, weights)[name]


def test_every_feature_has_a_test_here():
    tested = {name.removeprefix("test_").split("__")[0] for name in globals()}
    assert set(FEATURES) <= tested


def test_coverage__is_the_idf_weighted_share_of_claim_terms_in_the_sentence():
    claim, sentence = "Russia annexed Crimea in 2014", "Russia annexed Crimea."
    assert feature("coverage", claim, sentence) == pytest.approx(3 / 4)
    # A rare term weighs more: missing it costs more.
    assert feature("coverage", claim, sentence, idf={"2014": 5.0}) == pytest.approx(3 / 8)
    assert feature("coverage", claim, "Nothing alike.") == 0.0


def test_coverage__counts_the_speaker_as_the_sentence_own_words():
    claim = "Peskov ruled out talks"
    assert feature("coverage", claim, "He ruled out talks.", speaker="Peskov") == 1.0


def test_title_coverage__counts_only_terms_the_title_adds():
    claim = "Russia annexed Crimea in 2014"
    in_title = feature("title_coverage", claim, "Russia annexed it.", title="Crimea 2014")
    assert in_title == pytest.approx(2 / 4)
    # Terms the sentence has already count for coverage, never twice.
    claim = "Russia annexed Crimea"
    assert feature("title_coverage", claim, "Russia annexed Crimea.", title="Crimea") == 0.0


def test_retrieval__is_the_sentence_bm25_relative_to_the_best_candidate():
    claim = "Russia annexed Crimea"
    assert feature("retrieval", claim, "Russia annexed Crimea.", retrieval=0.25) == 0.25


def test_order__is_the_share_of_adjacent_claim_pairs_kept_close_and_in_order():
    claim = "Russia annexed Crimea"
    assert feature("order", claim, "Russia annexed Crimea.") == 1.0
    assert feature("order", claim, "Crimea annexed Russia.") == 0.0
    # "Russia annexed" is kept; "annexed ... Crimea" is five positions apart: too far.
    apart = "Russia annexed lands far from the old Crimea."
    assert feature("order", claim, apart) == pytest.approx(1 / 2)
    assert feature("order", "Crimea", "Crimea.") == 0.0  # no pair to keep


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
    assert feature("negation_mismatch", claim, sentence) == mismatch


@pytest.mark.parametrize(
    "claim, sentence, conflict",
    [
        ("Crimea was annexed in 2016", "Crimea was annexed in 2014.", 1.0),
        ("Crimea was annexed in 2014", "Crimea was annexed in 2014.", 0.0),
        ("They met on Thursday", "They met on Friday.", 1.0),
        ("They met in June", "They met in May 2025.", 1.0),
        ("Crimea was annexed in 2016", "Crimea was annexed.", 0.0),  # missing, not conflicting
        ("Crimea was annexed in 2016", "Crimea has 3 regions.", 0.0),  # a count is not a year
        # A quantity is stated as the claim rounds it: to its last digit, or after a hedge to
        # its last nonzero digit; never across half a step.
        ("Sea levels would rise 7 m", "Sea levels would rise 7.2 m.", 0.0),
        ("Sea levels would rise 7 m", "Sea levels would rise 7.6 m.", 1.0),
        ("Warming is capped at 2 degrees", "Warming is capped at 1.5 degrees.", 1.0),
        ("Acidity rose about 30 percent", "Acidity rose 26 percent.", 0.0),
        ("Acidity rose 30 percent", "Acidity rose 26 percent.", 1.0),
        ("About 100 people died", "140 people died.", 0.0),
        ("100 people died", "140 people died.", 1.0),
        ("It emits 29 billion tonnes", "It emits 29.4 billion tonnes.", 0.0),
        ("The talks lasted 6 months", "The talks ended in June.", 0.0),  # a count, a name
    ],
)
def test_number_conflict__is_one_when_the_sentence_states_another_of_the_kind(
    claim, sentence, conflict
):
    assert feature("number_conflict", claim, sentence) == conflict


@pytest.mark.parametrize(
    "claim, sentence, missing",
    [
        ("Troops numbered 10,000", "Troops numbered 10000.", 0.0),  # separators aside
        ("Troops numbered 10,000", "Troops numbered many.", 1.0),
        ("Troops numbered many", "Troops numbered 10,000.", 0.0),
        ("Troops numbered about 10,000", "Troops numbered 9,800.", 0.0),  # as rounded
    ],
)
def test_number_missing__is_one_when_the_claim_number_is_absent(claim, sentence, missing):
    assert feature("number_missing", claim, sentence) == missing


def test_synonym_coverage__is_the_share_stated_by_a_synonym_and_only_that():
    claim, conquered = "The army seized the city", "The army conquered the city."
    assert feature("synonym_coverage", claim, conquered) == pytest.approx(1 / 3)
    # A synonym is not the word itself: plain coverage leaves it out.
    assert feature("coverage", claim, conquered) == pytest.approx(2 / 3)
    assert feature("synonym_coverage", claim, "The army seized the city.") == 0.0


def test_antonym__is_one_when_the_opposite_stands_where_the_word_would():
    claim = "Prices increased sharply"
    assert feature("antonym", claim, "Prices decreased sharply.") == 1.0
    assert feature("antonym", claim, "Prices increased sharply.") == 0.0
    # An opposite away from the claim's other words is not in the word's place.
    assert feature("antonym", claim, "Wages decreased in May.") == 0.0


def test_predicate_missing__is_one_when_the_key_predicate_is_not_stated_even_by_a_synonym():
    claim = "Kyiv has lost hundreds of tanks"
    assert feature("predicate_missing", claim, "Kyiv has lost hundreds of tanks.") == 0.0
    assert feature("predicate_missing", claim, "Tanks were counted in Kyiv.") == 1.0
    synonym = feature("predicate_missing", "The army seized the city", "The army conquered it.")
    assert synonym == 0.0


def test_predicate_swapped__is_one_when_another_word_stands_in_the_predicate_place():
    claim = "Kyiv has lost hundreds of tanks"
    assert feature("predicate_swapped", claim, "Kyiv has seized hundreds of tanks.") == 1.0
    assert feature("predicate_swapped", claim, "Kyiv has lost hundreds of tanks.") == 0.0
    # Missing without a stand-in between the claim's words around it: not swapped.
    assert feature("predicate_swapped", claim, "Tanks were counted in Kyiv.") == 0.0


def test_similarity__is_the_claims_cosine_given_in_semantic_mode_and_zero_without():
    claim, sentence = "Russia annexed Crimea", "Russia annexed Crimea."
    assert feature("similarity", claim, sentence, similarity=0.83) == 0.83
    assert feature("similarity", claim, sentence) == 0.0


def test_entailment__is_what_the_verifier_read_for_this_claim_else_zero():
    claim = "Exports rose in 2024"
    read = (("Exports rose in 2024", 0.9, 0.05), ("Another claim", 0.1, 0.8))
    assert feature("entailment", claim, "Exports rose 12 percent.", readings=read) == 0.9
    assert feature("entailment", claim, "Exports rose 12 percent.") == 0.0


def test_contradiction__is_what_the_verifier_read_for_this_claim_else_zero():
    claim = "Exports rose in 2024"
    read = (("Exports rose in 2024", 0.1, 0.85),)
    assert feature("contradiction", claim, "Exports fell in 2024.", readings=read) == 0.85
    assert feature("contradiction", "Another claim", "Exports fell in 2024.", readings=read) == 0.0
