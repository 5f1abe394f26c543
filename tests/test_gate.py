"""The draft gate (SPEC §3c): /v1/check's fail_under, the summary's verified_fraction and
passed, and `provenance check --fail-under`'s exit status."""

from __future__ import annotations

import json

import pytest

from index.draft import FAIL_UNDER, DraftQuery, DraftSentence, DraftSummary, Verdict, check_draft

from .conftest import SEED_FILES
from .test_draft import CONTRADICTED, SUPPORTED, UNSUPPORTED

DRAFT = f"{SUPPORTED} {CONTRADICTED} {UNSUPPORTED} What next?"
PROBLEM = "application/problem+json"


def sentences(*verdicts: Verdict | None) -> list[DraftSentence]:
    """Draft sentences with these verdicts (None: not checked)."""
    return [DraftSentence("s.", 0, 2, checked=v is not None, verdict=v) for v in verdicts]


def test_the_fraction_is_exact_at_the_threshold():
    seven_of_ten = sentences(*[Verdict.SUPPORTED] * 7, *[Verdict.UNSUPPORTED] * 3)
    summary = DraftSummary.of(seven_of_ten, 0.7)  # 0.7 * 10 is 7.000000000000001 in floats
    assert (summary.verified_fraction, summary.passed) == (0.7, True)
    assert not DraftSummary.of(seven_of_ten, 0.71).passed


def test_by_default_every_checked_sentence_must_be_supported():
    assert FAIL_UNDER == 1.0
    disputed = DraftSummary.of(sentences(Verdict.SUPPORTED, Verdict.DISPUTED, None))
    assert (disputed.verified_fraction, disputed.fail_under, disputed.passed) == (0.5, 1.0, False)
    assert DraftSummary.of(sentences(Verdict.SUPPORTED, None)).passed


def test_a_draft_with_nothing_to_check_has_no_fraction_and_passes():
    summary = DraftSummary.of(sentences(None, None), 1.0)
    assert (summary.checked, summary.verified_fraction, summary.passed) == (0, None, True)


def test_a_seed_draft_passes_or_fails_by_its_gate(seeded):
    lenient = check_draft(seeded, DraftQuery(DRAFT, fail_under=0.3)).summary
    assert (lenient.checked, lenient.supported, lenient.verified_fraction) == (3, 1, 0.3333)
    assert lenient.passed
    assert not check_draft(seeded, DraftQuery(DRAFT, fail_under=0.34)).summary.passed
    assert not check_draft(seeded, DraftQuery(DRAFT)).summary.passed


def test_the_api_takes_the_gate_in_the_body_or_the_query(seeded_client):
    body = seeded_client.post("/v1/check", json={"text": DRAFT, "fail_under": 0.3}).get_json()
    assert body["summary"] == {
        "checked": 3,
        "supported": 1,
        "disputed": 0,
        "contradicted": 1,
        "unsupported": 1,
        "verified_fraction": 0.3333,
        "fail_under": 0.3,
        "passed": True,
    }
    plain = {"Content-Type": "text/plain", "Accept": "text/plain"}
    text = seeded_client.post("/v1/check?fail_under=0.5", data=DRAFT, headers=plain)
    assert "\nverified 0.3333 (1 of 3), fail under 0.5: failed\n" in text.get_data(as_text=True)
    # the body's own gate counts over the query string's
    both = seeded_client.post("/v1/check?fail_under=0.9", json={"text": DRAFT, "fail_under": 0})
    assert both.get_json()["summary"]["passed"] is True
    default = seeded_client.post("/v1/check", json={"text": SUPPORTED}).get_json()["summary"]
    assert (default["verified_fraction"], default["fail_under"], default["passed"]) == (1, 1, True)


@pytest.mark.parametrize(
    ("url", "kwargs"),
    [
        ("/v1/check", {"json": {"text": DRAFT, "fail_under": 2}}),
        ("/v1/check", {"json": {"text": DRAFT, "fail_under": -0.1}}),
        ("/v1/check", {"json": {"text": DRAFT, "fail_under": "0.5"}}),
        ("/v1/check?fail_under=2", {"data": DRAFT, "content_type": "text/plain"}),
        ("/v1/check?fail_under=half", {"data": DRAFT, "content_type": "text/plain"}),
    ],
)
def test_a_gate_outside_0_to_1_is_a_422(client, url, kwargs):
    answer = client.post(url, **kwargs)
    assert answer.status_code == 422 and answer.content_type == PROBLEM
    assert "fail_under" in answer.get_json()["errors"]


def test_the_page_says_whether_the_draft_passed(seeded_client):
    page = seeded_client.post("/check", data={"text": DRAFT}).get_data(as_text=True)
    assert '<p class="gate gate-failed">Verified:' in page
    assert "33% (1 of 3)" in page and "needs 100%" in page


def test_the_cli_exits_by_the_gate(tmp_path, provenance):
    index_dir = tmp_path / "ix"
    provenance("ingest", *map(str, SEED_FILES), index_dir=index_dir)
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT)
    assert provenance("check", str(draft), index_dir=index_dir).returncode == 1
    passed = provenance("check", "--fail-under", "0.3", str(draft), index_dir=index_dir)
    assert passed.returncode == 0
    assert "\nverified 0.3333 (1 of 3), fail under 0.3: passed\n" in passed.stdout
    failed = provenance("check", "--json", "--fail-under", "0.5", str(draft), index_dir=index_dir)
    assert failed.returncode == 1 and json.loads(failed.stdout)["summary"]["passed"] is False
    missing = provenance("check", "--fail-under", "0.3", str(tmp_path / "no"), index_dir=index_dir)
    assert missing.returncode == 2


@pytest.mark.parametrize("value", ["2", "-0.5", "half"])
def test_the_cli_refuses_a_gate_outside_0_to_1_with_exit_2(tmp_path, provenance, capsys, value):
    with pytest.raises(SystemExit) as exited:
        provenance("check", "--fail-under", value, "-", index_dir=tmp_path / "ix")
    assert exited.value.code == 2
    assert "is not a number from 0 to 1" in capsys.readouterr().err
