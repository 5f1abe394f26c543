"""Stance that reads the sentence (SPEC §4): names with digits, quantities with units, negation
in its clause, polarity in other words, a swapped or opposite key word, and the reasons given."""

import pytest

from index.judging.claims import analyse_claim
from index.judging.features import features, key_predicate
from index.judging.model import REFUTES, SUPPORTS, claim_parts, judge
from index.judging.negation import clauses, negated
from index.judging.quantities import quantities
from index.judging.views import SentenceView
from index.text.articles import build_article

from .test_support import ask

# The lexical rules' own behaviour, as PROVENANCE_VERIFIER=off judges (tests/conftest.py).
JUDGE = "lexical"


@pytest.fixture
def store(either_store):
    """Every behaviour here holds in the lexical and in the semantic ranking mode."""
    return either_store


KURSK = "Kyiv has seized hundreds of square kilometres of Russia's Kursk region"


def stance_of(store, claim: str, opening: str) -> str | None:
    """The stance of the sentence starting with ``opening`` among everything the claim finds."""
    found = [
        e.stance for e in ask(store, claim, stance="all").evidence if e.sentence.startswith(opening)
    ]
    return found[0] if found else None


@pytest.mark.parametrize(
    "text",
    [
        "COVID-19 patients and SARS-CoV-2",
        "the G7 and F-16 jets over 5G masts",
        "a new Boeing 737 running Windows 11 under Article 5",
    ],
)
def test_digits_inside_names_are_not_quantities(text):
    assert quantities(text) == set()


def test_quantities_carry_their_units_and_multipliers():
    assert quantities("40 percent of 3 million people, 2 degrees, 1.5 °C, 10km and 400 ppm") == {
        ("percent", 40.0),
        ("peopl", 3e6),
        ("degree", 2.0),
        ("degree", 1.5),
        ("km", 10.0),
        ("ppm", 400.0),
    }
    assert quantities("In 2014 it rose 12 percent") == {("year", 2014.0), ("percent", 12.0)}


def test_a_name_with_digits_does_not_turn_support_into_refutation(store):
    store.add(build_article("COVID-19 patients on the new drug recovered 30 percent faster."))
    claim = "COVID-19 patients on the new drug recovered faster"
    assert stance_of(store, claim, "COVID-19 patients") == SUPPORTS


def test_quantities_in_other_units_do_not_disagree_but_the_same_unit_does(store):
    store.add(build_article("The glacier lost 40 percent of its mass in 2 decades."))
    assert stance_of(store, "The glacier lost 40 percent of its mass", "The glacier") == SUPPORTS
    assert stance_of(store, "The glacier lost 25 percent of its mass", "The glacier") == REFUTES


def test_negation_in_another_clause_does_not_refute(seeded):
    assert clauses("Kyiv seized land -- a notion ruled out by Russia.") == [(0, 16), (20, 49)]
    assert any(e.sentence.startswith(KURSK) for e in ask(seeded, KURSK).evidence)


def test_negation_in_the_claims_clause_still_refutes(seeded):
    claim = "The Kremlin is willing to return annexed regions"
    assert stance_of(seeded, claim, "The Kremlin on Thursday ruled out") == REFUTES


@pytest.mark.parametrize(
    ("sentence", "claim"),
    [
        (
            "The firm lacks the funds to pay its debts, its administrator said.",
            "The firm cannot pay its debts",
        ),
        (
            "The minister dismissed the audit report as false.",
            "The minister called the audit report false",
        ),
        (
            "Engineers cannot rule out a collapse of the harbour bridge within decades.",
            "A collapse of the harbour bridge within decades is possible",
        ),
    ],
)
def test_the_same_polarity_in_other_words_supports(store, sentence, claim):
    store.add(build_article(sentence))
    assert stance_of(store, claim, sentence[:12]) == SUPPORTS


def test_a_swapped_key_word_is_not_support(seeded):
    swapped = "Kyiv has lost hundreds of square kilometres of Russia's Kursk region"
    assert key_predicate(analyse_claim(swapped)) == "lost"
    assert not any(e.sentence.startswith(KURSK) for e in ask(seeded, swapped).evidence)
    assert stance_of(seeded, swapped, KURSK) == REFUTES


def test_an_opposite_key_word_refutes(store):
    store.add(build_article("Coffee exports from the port increased sharply last year."))
    claim = "Coffee exports from the port decreased sharply last year"
    assert ask(store, claim).evidence == []
    assert stance_of(store, claim, "Coffee exports") == REFUTES


def test_a_synonym_covers_the_claims_word():
    claim = analyse_claim("The river flooded the old town")
    view = SentenceView.of("The river inundated the old town overnight.", None)
    feats = features(claim, view, {t: 1.0 for t in claim.terms})
    assert feats["synonym_coverage"] > 0 and not feats["predicate_missing"]


def test_a_paraphrase_survives_the_cut_next_to_a_verbatim_match(seeded):
    # Peskov's quote states the claim nearly word for word; Putin's report of what his spokesman
    # said states it in other words and scores a tenth as high: it stays in the answer.
    found = [
        e.sentence
        for e in ask(seeded, "Peskov said the annexed regions are non-negotiable").evidence
    ]
    assert any(s.startswith('"This is undeniable and non-negotiable') for s in found)
    assert any(s.startswith("Putin said Thursday") for s in found)


def test_each_item_says_which_claim_words_it_covers_and_how(seeded):
    item = next(
        e
        for e in ask(seeded, "Peskov said the annexed regions are non-negotiable").evidence
        if "undeniable" in e.sentence
    )
    how = {c.claim_word: (c.how, c.sentence_word) for c in item.covers}
    assert how["Peskov"] == ("speaker", "Dmitry Peskov")
    assert how["said"] == ("exact", "said")
    assert "non-negotiable" in how
    assert item.explanation.startswith(f"States {len(item.covers)} of 5 claim words")


def test_a_refuting_item_says_why(seeded):
    evidence = ask(seeded, "Russia annexed the Crimean peninsula in 2016", stance="all").evidence
    crimea = next(e for e in evidence if "2014" in e.sentence)
    assert crimea.stance == REFUTES and "another number or date" in crimea.explanation


@pytest.mark.parametrize(
    ("second", "borrowed"),
    [
        ("This angered readers across the city, the mayor said.", True),
        ("Readers across the city were angered, the mayor said.", False),
    ],
)
def test_a_demonstrative_sentence_borrows_its_neighbours_terms(store, second, borrowed):
    store.add(build_article("The council voted to close the riverside library in March. " + second))
    claim = "Closing the riverside library angered readers"
    item = next(e for e in ask(store, claim, stance="all").evidence if e.sentence == second)
    how = {c.claim_word: (c.how, c.sentence_word) for c in item.covers}
    assert ("library" in how) == borrowed
    if borrowed:
        assert how["library"] == ("neighbour", "library")
        assert how["angered"] == ("exact", "angered")


LONG = (
    "The Kremlin on Thursday ruled out giving back Ukrainian regions it claims to have annexed, "
    "while officials in Brussels kept discussing which security guarantees European partners "
    "could offer over the coming years."
)


def test_a_long_claim_is_judged_clause_by_clause(seeded):
    parts = claim_parts(analyse_claim(LONG))
    assert [p.text.split()[0] for p in parts] == ["The", "while"]
    result = ask(seeded, LONG)
    [item] = [e for e in result.evidence if e.sentence.startswith("The Kremlin on Thursday")]
    view = SentenceView.of(item.sentence, item.article.title)
    idf = {t: 1.0 for t in analyse_claim(LONG).terms}
    assert judge(analyse_claim(LONG), view, idf).score == judge(parts[0], view, idf).score
    assert "Brussels" in result.unsupported_terms
    # The claim is supported only in part: its first clause is, the Brussels clause is not.
    assert [(p.text.split()[0], p.supported) for p in result.parts] == [
        ("The", True),
        ("while", False),
    ]


def test_a_long_claim_is_supported_when_every_part_is(store):
    store.add(build_article("The harbour bridge in Split reopened to traffic on Monday morning."))
    store.add(build_article("The ferry from Split to Hvar resumed its summer timetable on Monday."))
    claim = (
        "The harbour bridge in Split reopened to traffic on Monday morning after months of "
        "repairs, while the ferry from Split to Hvar resumed its summer timetable on Monday."
    )
    result = ask(store, claim)
    assert [p.supported for p in result.parts] == [True, True]
    assert len(result.evidence) == 2
    # A short claim is judged whole: no parts.
    assert ask(store, "The harbour bridge in Split reopened").parts == []


@pytest.mark.parametrize(
    ("text", "negative"),
    [
        ("We cannot rule out large changes.", False),
        ("A collapse is not impossible.", False),
        ("The ministry did not deny the report.", False),
        ("We rule out large changes.", True),
        ("A collapse is impossible and will not happen.", True),
        ("The ministry denied the report.", True),
    ],
)
def test_two_negatives_read_as_a_positive(text, negative):
    claim = analyse_claim(text)
    assert negated(text, claim.tokens, dict.fromkeys(claim.terms, 1.0)) is negative
