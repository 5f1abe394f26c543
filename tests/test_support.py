"""What "supporting" means (SPEC §4), on the seeds: paraphrase, negation, numbers, attribution."""

import pytest

from index.evidence import EvidenceQuery, find_evidence
from index.judging.model import NEAR_VERBATIM, REFUTES, RELATED, SUPPORTS, model, within_reach
from index.judging.quantities import date_words
from index.text.articles import build_article

# The lexical rules' own behaviour, as PROVENANCE_VERIFIER=off judges (tests/conftest.py).
JUDGE = "lexical"


@pytest.fixture
def store(either_store):
    """Every behaviour here holds in the lexical and in the semantic ranking mode."""
    return either_store


PUTIN_SENTENCE = "Putin said Thursday that the contacts with the United States gave"


def ask(store, claim, **kw):
    return find_evidence(store, EvidenceQuery(claim, **kw))


def sentences(result) -> list[str]:
    return [e.sentence for e in result.evidence]


def test_paraphrase_is_found(seeded):
    found = sentences(ask(seeded, "Moscow will not give back Ukrainian regions it annexed"))
    assert any("ruled out giving back Ukrainian regions" in s for s in found)


def test_negated_claim_is_not_supported_but_refuted(seeded):
    claim = "The Kremlin is willing to return annexed regions"
    assert not any("ruled out" in s for s in sentences(ask(seeded, claim)))
    evidence = ask(seeded, claim, stance="all").evidence
    ruled_out = [e.stance for e in evidence if e.sentence.startswith("The Kremlin on Thursday")]
    assert ruled_out and set(ruled_out) == {REFUTES}


def test_wrong_year_is_not_supported(seeded):
    claim = "Russia annexed the Crimean peninsula in 2016"
    assert not any("2014" in s for s in sentences(ask(seeded, claim)))
    crimea = [e for e in ask(seeded, claim, stance="all").evidence if "2014" in e.sentence]
    assert crimea and all(e.stance == REFUTES for e in crimea)
    right_year = sentences(ask(seeded, "Russia annexed the Crimean peninsula in 2014"))
    assert any("2014" in s for s in right_year)


def test_wrong_weekday_or_month_is_not_supported(seeded):
    def supported(claim: str, opening: str) -> bool:
        return any(s.startswith(opening) for s in sentences(ask(seeded, claim)))

    kremlin = "The Kremlin on Thursday ruled out"
    assert supported("The Kremlin on Thursday ruled out giving back Ukrainian regions", kremlin)
    assert not supported("The Kremlin on Friday ruled out giving back Ukrainian regions", kremlin)
    invasion = "Months after launching its full-scale"
    assert supported("Russia launched its full-scale invasion in February 2022", invasion)
    assert not supported("Russia launched its full-scale invasion in March 2022", invasion)


def test_date_words_are_months_and_weekdays_not_verbs_or_names():
    assert date_words("On May 9 and 9 May, in Sept. and on Thursday") == {
        ("month", "May"),
        ("month", "September"),
        ("weekday", "Thursday"),
    }
    assert date_words("It may rain on 3 may; The Sun sat in Marching Augustus Decembers") == set()


def test_unsupported_claim_gets_an_empty_default_answer(seeded):
    result = ask(seeded, "The Kremlin agreed to hold new elections in Kherson in 2026")
    assert result.evidence == []
    assert ask(seeded, "The Kremlin agreed to hold new elections in Kherson", stance="all").evidence


def test_quote_with_he_said_is_attributed_to_the_speaker_named_before(seeded):
    result = ask(seeded, "Peskov said the annexed regions are non-negotiable")
    quote = next(e for e in result.evidence if "undeniable and non-negotiable" in e.sentence)
    assert (quote.attribution.speaker, quote.attribution.quoted) == ("Dmitry Peskov", True)


def test_sentence_with_two_speakers_is_attributed_to_the_one_the_claim_matches(seeded):
    def speaker(claim: str) -> str:
        evidence = ask(seeded, claim, stance="all").evidence
        return next(e for e in evidence if PUTIN_SENTENCE in e.sentence).attribution.speaker

    assert speaker("Giving up annexed Ukrainian land is non-negotiable") == "Dmitry Peskov"
    assert speaker("Contacts with the United States gave some hope") == "Vladimir Putin"


def test_wire_copies_fold_with_the_earliest_first(store):
    text = "The minister said the bridge would reopen in May, officials confirmed on {}."
    for source, published, day in [
        ("Later Daily", "2025-03-02", "Sunday"),
        ("Wire Service", "2025-03-01", "Saturday"),
        ("Third Paper", "2025-03-03", "Monday"),
    ]:
        store.add(build_article(text.format(day), source=source, published=published))
    [item] = ask(store, "The bridge will reopen in May").evidence
    assert (item.article.source, item.article.published) == ("Wire Service", "2025-03-01")
    assert [c.published for c in item.also_in] == ["2025-03-02", "2025-03-03"]
    assert item.corroboration == 3


def test_different_statements_do_not_fold(seeded):
    result = ask(seeded, "Peskov said the annexed regions are non-negotiable", stance="all")
    leads = {e.sentence.split(",")[0]: e for e in result.evidence}
    quote, territories = (
        leads['"This is undeniable and non-negotiable'],
        next(e for lead, e in leads.items() if lead.startswith('"The territories')),
    )
    assert quote is not territories
    assert all("territories" not in c.sentence for c in quote.also_in)
    assert len(territories.also_in) == 1


def test_scores_are_probabilities_and_min_score_filters(seeded):
    claim = "Kremlin ruled out returning annexed regions"
    everything = ask(seeded, claim, stance="all").evidence
    assert everything and all(0 <= e.score <= 1 for e in everything)
    assert [e.score for e in everything] == sorted((e.score for e in everything), reverse=True)
    cut = everything[len(everything) // 2].score
    kept = ask(seeded, claim, stance="all", min_score=cut).evidence
    assert kept and all(e.score >= cut for e in kept)
    assert len(kept) < len(everything)


def test_default_answer_holds_only_supporting_sentences(seeded):
    result = ask(seeded, "Kremlin ruled out returning annexed regions")
    assert result.evidence and {e.stance for e in result.evidence} == {SUPPORTS}


def test_a_claimed_number_the_sentence_leaves_out_does_not_veto_support(store):
    store.add(build_article("The harbour bridge in Split will reopen to traffic in May."))
    store.add(build_article("The harbour bridge in Split will reopen to traffic in May 2027."))
    found = ask(store, "The harbour bridge in Split will reopen in May 2026").evidence
    assert [e.sentence for e in found] == [
        "The harbour bridge in Split will reopen to traffic in May."
    ]


def test_supports_far_below_the_claims_best_support_are_only_related():
    scores = [0.2, 0.1, 0.01, 0.25]
    stances = [SUPPORTS, SUPPORTS, SUPPORTS, REFUTES]
    assert within_reach(scores, stances, 0.1) == [SUPPORTS, SUPPORTS, RELATED, REFUTES]
    assert within_reach([0.01], [RELATED], 0.1) == [RELATED]


def test_a_near_verbatim_match_raises_the_bar_no_higher_than_a_strong_support():
    scores = [0.95, NEAR_VERBATIM / 5, NEAR_VERBATIM / 20]
    stances = [SUPPORTS] * 3
    assert within_reach(scores, stances, 0.1) == [SUPPORTS, SUPPORTS, RELATED]


def test_default_answer_is_the_whole_rankings_supports_within_reach_of_the_best(seeded):
    claim = "Peskov said the annexed regions are non-negotiable"
    answer = ask(seeded, claim).evidence
    ranking = ask(seeded, claim, stance="all").evidence
    assert answer
    assert [e.sentence for e in answer] == [e.sentence for e in ranking if e.stance == SUPPORTS]
    bar = model().relative * min(answer[0].score, NEAR_VERBATIM)
    assert all(e.score >= bar for e in answer)
