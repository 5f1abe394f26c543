"""Conflicts when the verifier judges (PROVENANCE_VERIFIER=on): a rule that fires still names
the conflict; a contradiction only the verifier read is a ``reading``."""

from __future__ import annotations

from index.evidence import EvidenceQuery, find_evidence
from index.judging.conflicts import ConflictKind
from index.judging.views import Conflict
from index.records import Stance

JUDGE = "verifier"


def refuting(store, claim: str) -> dict[str, Conflict | None]:
    found = find_evidence(store, EvidenceQuery(claim, stance=Stance.ALL)).evidence
    return {e.sentence: e.conflict for e in found if e.stance == Stance.REFUTES}


def test_a_rule_still_names_the_conflict_the_verifier_reads(seeded):
    found = refuting(seeded, "Russia annexed the Crimean peninsula in 2016")
    assert found["It also annexed the Crimean Peninsula in 2014."] == Conflict(
        ConflictKind.DATE, "2016", "2014"
    )


def test_a_contradiction_no_rule_sees_is_the_verifiers_reading(seeded):
    claim = "Zelensky is due to meet Putin on Friday"
    sentence = "Zelensky is due to meet Trump on Friday, where he hopes to press Washington on aid."
    assert refuting(seeded, claim)[sentence] == Conflict(ConflictKind.READING, claim, sentence)
