"""Conflicts as data (SPEC §3c): every refuting item says what disagrees, of which kind, and each
side's value as written; numbers written as words and weekdays are compared too."""

from __future__ import annotations

import pytest

from index.evidence import EvidenceQuery, find_evidence
from index.judging.claims import analyse_claim
from index.judging.conflicts import ConflictKind, conflict
from index.judging.features import FEATURES
from index.judging.quantities import mentions, quantities
from index.judging.views import Conflict, Reading, SentenceView
from index.records import Stance
from index.render import evidence_text
from index.text.articles import build_article

from .test_features import feature

# The lexical rules' own behaviour, as PROVENANCE_VERIFIER=off judges (tests/conftest.py).
JUDGE = "lexical"

RALLY = "About 300 people attended the rally in the main square on Thursday."


def refuting(store, claim: str) -> list:
    """The refuting items of everything the claim finds."""
    found = find_evidence(store, EvidenceQuery(claim, stance=Stance.ALL)).evidence
    return [e for e in found if e.stance == Stance.REFUTES]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("five hundred people", [("peopl", 500.0, "five hundred")]),
        ("two dozen eggs", [("egg", 24.0, "two dozen")]),
        ("a dozen eggs", [("egg", 12.0, "a dozen")]),
        ("Three soldiers died", [("soldier", 3.0, "Three")]),
        ("twenty-five thousand fans", [("fan", 25_000.0, "twenty-five thousand")]),
        ("about 300 people", [("peopl", 300.0, "about 300")]),
        ("3 million people", [("peopl", 3e6, "3 million")]),
        ("a 10km run", [("km", 10.0, "10km")]),
    ],
)
def test_numbers_in_words_or_digits_are_read_with_their_words(text, expected):
    read = [(m.kind, m.value, text[m.start : m.end]) for m in mentions(text)]
    assert read == expected


@pytest.mark.parametrize(
    "text",
    [
        "No one expects a quick deal",  # "one" alone is a pronoun
        "a notion ruled out by Russia",  # "a" alone is no number
        "the three-year conflict and two-thirds of voters",  # hyphenated to another word
        "Kyiv has seized hundreds of square kilometres",  # "hundreds" counts nothing exactly
    ],
)
def test_words_that_only_look_like_numbers_are_not_read(text):
    assert quantities(text) == set()


def test_a_day_next_to_a_month_is_a_date_not_a_bare_number():
    text = "On February 27, 2025 and on 9 May"
    read = [(m.kind, m.value, text[m.start : m.end]) for m in mentions(text)]
    assert read == [
        ("named month", "February", "February"),
        ("day", 27.0, "27"),
        ("year", 2025.0, "2025"),
        ("day", 9.0, "9"),
        ("named month", "May", "May"),
    ]


@pytest.mark.parametrize(
    ("claim", "sentence", "conflicts"),
    [
        ("Five hundred people attended", "500 people attended.", 0.0),
        ("Two dozen people were hurt", "Twenty-four people were hurt.", 0.0),
        ("Two dozen people were hurt", "30 people were hurt.", 1.0),
        ("500 people attended", "Five hundred people attended.", 0.0),
        ("500 people attended", "Three hundred people attended.", 1.0),
        ("The rally was on Monday", "The rally was on Thursday.", 1.0),
        ("The rally was on February 27", "The rally was on February 28.", 1.0),
    ],
)
def test_number_conflict_compares_numbers_written_as_words(claim, sentence, conflicts):
    assert feature("number_conflict", claim, sentence) == conflicts


@pytest.mark.parametrize(
    ("claim", "sentence", "expected"),
    [
        (
            "500 people attended the rally in the main square",
            RALLY,
            Conflict(ConflictKind.NUMBER, "500", "About 300"),
        ),
        (
            "Five hundred people attended the rally in the main square",
            RALLY,
            Conflict(ConflictKind.NUMBER, "Five hundred", "About 300"),
        ),
        (
            "About 300 people attended the rally in the main square on Monday",
            RALLY,
            Conflict(ConflictKind.WEEKDAY, "Monday", "Thursday"),
        ),
        (
            "Coffee exports from the port decreased sharply last year",
            "Coffee exports from the port increased sharply last year.",
            Conflict(ConflictKind.ANTONYM, "decreased", "increased"),
        ),
        (
            "The minister will likely resign before the vote",
            "The minister will certainly resign before the vote.",
            Conflict(ConflictKind.MODALITY, "likely", "certainly"),
        ),
        (
            "The winner of the award is Smith from Leeds",
            "The winner of the award is Jones from Leeds.",
            Conflict(ConflictKind.NAME, "Smith", "Jones"),
        ),
    ],
)
def test_a_refuting_item_carries_what_disagrees(store, claim, sentence, expected):
    store.add(build_article(sentence))
    assert [e.conflict for e in refuting(store, claim)] == [expected]


def test_the_seeds_refute_with_a_negation_a_date_and_a_swapped_word(seeded):
    negated = refuting(seeded, "The Kremlin is willing to return annexed regions")
    assert Conflict(ConflictKind.NEGATION, "willing to return", "ruled out relinquishing") in [
        e.conflict for e in negated
    ]
    dated = refuting(seeded, "Russia annexed the Crimean peninsula in 2016")
    assert dated and {e.conflict for e in dated} == {Conflict(ConflictKind.DATE, "2016", "2014")}
    swapped = refuting(seeded, "Kyiv has lost hundreds of square kilometres of Russia's Kursk")
    assert [e.conflict for e in swapped] == [Conflict(ConflictKind.ANTONYM, "lost", "seized")]


@pytest.mark.parametrize(
    ("claim", "opening", "expected"),
    [
        # the claim denies: the sentence's side is its word for what the denial governs
        ("Zelensky will not meet Trump on Friday", "Zelensky is due", ("not meet", "meet Trump")),
        (
            "Ukraine has no internationally recognized borders",
            '"Ukraine has its',
            ("no internationally", "internationally recognized"),
        ),
    ],
)
def test_a_negation_reads_both_sides_where_the_denial_bites(seeded, claim, opening, expected):
    found = [e.conflict for e in refuting(seeded, claim) if e.sentence.startswith(opening)]
    assert found == [Conflict(ConflictKind.NEGATION, *expected)]


def test_only_refuting_items_carry_a_conflict(seeded):
    found = find_evidence(
        seeded, EvidenceQuery("Russia annexed the Crimean peninsula in 2016", stance=Stance.ALL)
    ).evidence
    assert {e.stance for e in found} == {Stance.REFUTES, Stance.RELATED}
    assert all((e.conflict is None) == (e.stance != Stance.REFUTES) for e in found)


def test_a_contradiction_only_the_verifier_read_is_a_reading():
    claim = analyse_claim("The bridge reopened to traffic")
    view = SentenceView.of("The bridge stayed shut to traffic.", None)
    nothing_fires = dict.fromkeys(FEATURES, 0.0)
    read = Reading(claim, view, dict.fromkeys(claim.terms, 1.0))
    assert conflict(read, nothing_fires) == Conflict(
        ConflictKind.READING, "The bridge reopened to traffic", "The bridge stayed shut to traffic."
    )


def test_the_text_answer_shows_both_values(store):
    store.add(build_article(RALLY))
    claim = "500 people attended the rally in the main square"
    text = evidence_text(find_evidence(store, EvidenceQuery(claim, stance=Stance.ALL)))
    assert "  conflict: number · claim: 500 · source: About 300\n" in text


def test_the_api_answers_a_conflict_object_or_null(seeded_client):
    answer = seeded_client.get(
        "/v1/evidence",
        query_string={"claim": "Russia annexed the Crimean peninsula in 2016", "stance": "all"},
    ).get_json()
    by_stance = {e["stance"]: e["conflict"] for e in answer["evidence"]}
    assert by_stance["refutes"] == {"kind": "date", "claim": "2016", "sentence": "2014"}
    assert by_stance["related"] is None


def test_a_checked_draft_sentence_carries_its_conflicts(seeded_client):
    draft = "Kyiv has lost hundreds of square kilometres of Russia's Kursk region."
    answer = seeded_client.post("/v1/check", json={"text": draft}).get_json()
    evidence = answer["sentences"][0]["evidence"]
    assert evidence[0]["stance"] == "refutes"
    assert evidence[0]["conflict"] == {"kind": "antonym", "claim": "lost", "sentence": "seized"}
    text = seeded_client.post(
        "/v1/check", data=draft, headers={"Content-Type": "text/plain", "Accept": "text/plain"}
    ).get_data(as_text=True)
    assert "refutes: Kyiv has seized" in text and "[antonym · claim: lost · source: seized]" in text


def test_the_page_shows_the_conflict_on_the_card(seeded_client):
    page = seeded_client.get(
        "/", query_string={"claim": "Russia annexed the Crimean peninsula in 2016", "stance": "all"}
    ).get_data(as_text=True)
    assert '<p class="conflict conflict-date"><strong>Conflict (date):</strong>' in page
    assert '<q class="claim-value">2016</q> · source: <q class="source-value">2014</q>' in page
