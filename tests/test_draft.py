"""Checking a whole draft (SPEC §3b): sentences with offsets into the draft as sent, which of
them are checked, and each checked one's verdict from the archive's evidence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.draft import (
    DraftLimits,
    DraftQuery,
    Unchecked,
    Verdict,
    check_draft,
    resolve,
    segment_draft,
)
from index.errors import DraftTooLong, InvalidDraft
from index.records import Stance
from index.text.articles import build_article

SUPPORTED = "Peskov said the annexed regions are non-negotiable."
CONTRADICTED = "Kyiv has lost hundreds of square kilometres of Russia's Kursk region."
UNSUPPORTED = "Coffee exports from Brazil doubled."


def verdicts(store, draft: str) -> dict[str, Verdict | None]:
    return {s.text: s.verdict for s in check_draft(store, DraftQuery(draft)).sentences}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40)
        | st.sampled_from(["\r\n", "\n\n", "\t", "  ", ". ", "? ", "Mr. ", "é", "“Yes.” "]),
        max_size=30,
    ).map("".join)
)
def test_every_sentence_slices_the_draft_as_sent(draft):
    if not draft.strip():
        return
    segments = segment_draft(draft, DraftLimits(10**6, 10**6))
    ends = [0]
    for s in segments:
        text = draft[s.start : s.end]
        assert text and text == text.strip()
        assert s.start >= ends[-1]
        ends.append(s.end)


def test_crlf_tabs_and_leading_spaces_keep_offsets():
    draft = "  Title of the piece\r\n\r\n\tPeskov said the regions are non-negotiable.\r\nIt is so."
    segments = segment_draft(draft)
    texts = [draft[s.start : s.end] for s in segments]
    assert texts == [
        "Title of the piece",
        "Peskov said the regions are non-negotiable.",
        "It is so.",
    ]
    assert segments[0].reason == Unchecked.HEADING


@pytest.mark.parametrize(
    ("draft", "reason"),
    [
        ("What happens next?", Unchecked.QUESTION),
        ('Did he say "never?"', Unchecked.QUESTION),
        ("# The talks\n\nPeskov spoke.", Unchecked.HEADING),
        ("Kremlin rules out return of regions\n\nPeskov spoke.", Unchecked.HEADING),
        ("He said:", Unchecked.ATTRIBUTION),
        ("Peskov told reporters:", Unchecked.ATTRIBUTION),
        ("It is what it is.", Unchecked.NO_CONTENT_WORD),
        ("Oh, and so on!", Unchecked.NO_CONTENT_WORD),
    ],
)
def test_what_is_not_checked_says_why(draft, reason):
    assert segment_draft(draft)[0].reason == reason


def test_a_last_line_without_a_full_stop_is_checked():
    assert segment_draft("Peskov said the regions are non-negotiable")[0].reason is None


def test_he_is_the_person_named_just_before():
    before = ["Kremlin spokesman Dmitry Peskov spoke to reporters on Thursday."]
    said = "He said the annexed regions are non-negotiable."
    assert resolve(said, before) == "Dmitry Peskov said the annexed regions are non-negotiable."
    assert resolve(said, []) == said
    assert resolve("It rained.", before) == "It rained."


def test_empty_and_oversized_drafts_are_refused():
    with pytest.raises(InvalidDraft):
        segment_draft(" \n\t")
    with pytest.raises(DraftTooLong):
        segment_draft("Peskov spoke. " * 10, DraftLimits(max_chars=100))
    with pytest.raises(DraftTooLong):
        segment_draft("Peskov spoke. " * 10, DraftLimits(max_sentences=9))


def test_seed_claims_get_their_verdicts(seeded):
    draft = f"Talks in Istanbul\n\n{SUPPORTED} {CONTRADICTED}\n{UNSUPPORTED} What happens next?"
    assert verdicts(seeded, draft) == {
        "Talks in Istanbul": None,
        SUPPORTED: Verdict.SUPPORTED,
        CONTRADICTED: Verdict.CONTRADICTED,
        UNSUPPORTED: Verdict.UNSUPPORTED,
        "What happens next?": None,
    }


def test_a_resolved_pronoun_is_checked_as_the_person(seeded):
    draft = "Dmitry Peskov spoke to reporters.\nHe said the annexed regions are non-negotiable."
    said = check_draft(seeded, DraftQuery(draft)).sentences[1]
    assert said.checked_as == "Dmitry Peskov said the annexed regions are non-negotiable."
    assert said.verdict == Verdict.SUPPORTED and said.evidence[0].stance == Stance.SUPPORTS


def test_sources_on_both_sides_make_it_disputed(store):
    store.add(build_article("The glacier lost 40 percent of its mass in two decades.", id="a"))
    store.add(build_article("The glacier lost 25 percent of its mass in two decades.", id="b"))
    result = check_draft(store, DraftQuery("The glacier lost 40 percent of its mass."))
    (checked,) = result.sentences
    assert checked.verdict == Verdict.DISPUTED
    assert {e.stance for e in checked.evidence} == {Stance.SUPPORTS, Stance.REFUTES}
    assert result.summary.disputed == result.summary.checked == 1


def test_filters_and_limit_apply_to_every_sentence(seeded):
    query = DraftQuery(SUPPORTED, limit=1, sources=("The Moscow Times",))
    (checked,) = check_draft(seeded, query).sentences
    assert len(checked.evidence) == 1
    assert checked.evidence[0].article.source == "The Moscow Times"
    nothing = DraftQuery(SUPPORTED, published_to="2000-01-01")
    assert check_draft(seeded, nothing).sentences[0].verdict == Verdict.UNSUPPORTED
