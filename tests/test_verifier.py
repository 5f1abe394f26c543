"""The verifier: the shipped model loads only as its manifest records it, reads (sentence,
claim) pairs in one batch, decides the seeds' stances, and can be rebuilt by the lab's recipe."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.evidence import EvidenceQuery, find_evidence
from index.judging import verifier
from index.judging.model import VERIFIER_WEIGHTS_FILE
from index.judging.verifier import (
    CONTRADICTION,
    ENTAILMENT,
    FOLDER,
    Verifier,
    VerifierUnavailable,
    check_files,
)

from .conftest import ROOT, start_server, stop_server

JUDGE = "verifier"


def test_the_shipped_files_match_their_manifest():
    manifest = check_files(FOLDER)
    assert manifest["labels"] == ["entailment", "neutral", "contradiction"]
    assert len(manifest["model_sha256"]) == 64


@pytest.mark.parametrize("damage", ["altered", "missing", "manifest"])
def test_a_damaged_model_is_refused_naming_the_file(tmp_path, damage):
    folder = tmp_path / "verifier"
    shutil.copytree(FOLDER, folder)
    if damage == "altered":
        with open(folder / "model.onnx", "r+b") as f:
            f.seek(1000)
            byte = f.read(1)
            f.seek(1000)
            f.write(bytes([byte[0] ^ 1]))
    elif damage == "missing":
        (folder / "model.onnx").unlink()
    else:
        (folder / "manifest.json").write_text("{")
    with pytest.raises(VerifierUnavailable) as e:
        Verifier(folder)
    assert str(folder / ("manifest.json" if damage == "manifest" else "model.onnx")) in str(e.value)


def test_probabilities_are_one_batch_cached_and_independent_of_order():
    v = verifier.shipped()
    pairs = [
        (
            "The Kremlin said the annexed regions are non-negotiable.",
            "The regions are non-negotiable",
        ),
        ("Ukraine lacks the resources to reclaim all occupied territories.", "Kyiv won the war"),
        ("Exports rose 12 percent in 2024.", "Exports rose in 2024"),
    ]
    probs = v.probabilities(pairs)
    assert probs.shape == (3, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    again = v.probabilities(pairs[::-1])[::-1]
    np.testing.assert_allclose(again, probs, atol=1e-6)
    assert v.probabilities([]).shape == (0, 3)


def test_a_stated_number_is_read_as_entailment_and_another_as_contradiction():
    v = verifier.shipped()
    p = v.probabilities(
        [
            (
                "Exports rose 12 percent in 2024, the ministry said.",
                "Exports rose 12 percent in 2024",
            ),
            (
                "Exports rose 12 percent in 2024, the ministry said.",
                "Exports fell 12 percent in 2024",
            ),
        ]
    )
    assert p[0, ENTAILMENT] > p[0, CONTRADICTION]
    assert p[1, CONTRADICTION] > p[1, ENTAILMENT]


@pytest.mark.parametrize("value", ["on", "off", "1", "0", "yes", "no"])
def test_the_switch_reads_on_and_off(value):
    assert verifier.wanted({"PROVENANCE_VERIFIER": value}) == (value in ("on", "1", "yes"))


def test_unset_is_the_default():
    assert verifier.wanted({}) == verifier.wanted({"PROVENANCE_VERIFIER": verifier.DEFAULT})


def test_a_bad_switch_is_refused():
    with pytest.raises(ValueError, match="PROVENANCE_VERIFIER"):
        verifier.wanted({"PROVENANCE_VERIFIER": "maybe"})


@pytest.mark.slow
def test_the_recipe_rebuilds_a_loadable_model_on_a_tiny_sample(tmp_path):
    """The whole recipe (pairs, fine-tuning, checkpoint choice, ONNX export, int8, manifest) on
    a few pairs the test makes, so it cannot rot; the result loads like the shipped model."""
    from lab.generate_pairs import generate
    from lab.train_verifier import save_bundle

    sentences = [
        "The Kremlin on Thursday ruled out returning the regions it annexed, officials said.",
        "Exports rose 12 percent in 2024, the ministry said.",
        "The city council will not approve the new budget in March.",
        "Ukraine cannot retake all the occupied territories, the minister said.",
    ]
    generated = [p.__dict__ for p in generate(sentences)]
    claims = [
        {"premise": s, "hypothesis": s.split(",")[0], "label": lab, "claim_id": i}
        for i, (s, lab) in enumerate(zip(sentences, [0, 0, 2, 2], strict=True))
    ]
    bundle = tmp_path / "pairs.json.gz"
    save_bundle(
        {
            "train": generated,
            "generated": generated,
            "held_out": generated,
            "climate_fever": claims,
        },
        bundle,
    )
    out = tmp_path / "verifier"
    ran = subprocess.run(
        [
            sys.executable,
            "-m",
            "lab",
            "train-verifier",
            "--data",
            str(bundle),
            "--out",
            str(out),
            "--epochs",
            "1",
            "--limit",
            "8",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["recipe"]["seed"] == 13 and manifest["recipe"]["epochs"] == 1
    probs = Verifier(out).probabilities([(sentences[1], "Exports rose in 2024")])
    assert probs.shape == (1, 3)
    assert Path(out / "tokenizer.json").read_bytes() == (FOLDER / "tokenizer.json").read_bytes()


# Patterns the lexical rules got wrong on the seeds, which the verifier reads right (each
# failed before it): (claim, the opening of the seed sentence, the stance it must not have, the
# one it must). Those it still gets wrong are listed in docs/verifier.md.
SEED_PATTERNS = [
    (
        "Observers consider the annexations illegal",
        "Ukraine and most international observers have dismissed the annexations",
        "refutes",
        "supports",
    ),
    (
        "Starmer will ask Trump for a US backstop",
        "British Prime Minister Keir Starmer will meet Trump",
        "related",
        "supports",
    ),
    (
        "Zelensky's army cannot retake all the occupied territories",
        "Ukrainian President Volodymyr Zelensky has acknowledged",
        "refutes",
        "supports",
    ),
    (
        "Russian forces have lost territory in Kursk",
        "Russian forces have pushed further into eastern Ukraine",
        "supports",
        None,
    ),
]


@pytest.mark.parametrize(("claim", "opening", "never", "expected"), SEED_PATTERNS)
def test_the_verifier_reads_what_the_lexical_rules_misread(seeded, claim, opening, never, expected):
    items = find_evidence(seeded, EvidenceQuery(claim, stance="all")).evidence
    stances = [e.stance for e in items if e.sentence.startswith(opening)]
    assert stances, f"{opening!r} is not among the candidates of {claim!r}"
    assert stances[0] != never
    if expected:
        assert stances[0] == expected


def test_the_explanation_says_what_the_verifier_read(seeded):
    item = find_evidence(seeded, EvidenceQuery("Observers consider the annexations illegal"))
    assert item.evidence[0].explanation.startswith("The verifier reads that it states the claim")


def test_an_answer_made_with_the_verifier_names_its_model_and_weights(seeded):
    made_with = find_evidence(seeded, EvidenceQuery("Peskov said the regions")).answered_with
    manifest = json.loads((verifier.folder() / "manifest.json").read_text())
    assert made_with.judge == f"verifier:{manifest['model_sha256']}"
    weights = VERIFIER_WEIGHTS_FILE.read_bytes()
    assert made_with.support_weights_sha256 == hashlib.sha256(weights).hexdigest()


@pytest.mark.slow
def test_gunicorn_with_an_altered_model_stops_at_start_naming_the_file(tmp_path):
    folder = tmp_path / "verifier"
    shutil.copytree(FOLDER, folder)
    (folder / "tokenizer.json").write_text("{}")
    with pytest.raises(RuntimeError, match="gunicorn exited") as stopped:
        start_server(
            tmp_path / "index", PROVENANCE_VERIFIER="on", PROVENANCE_VERIFIER_DIR=str(folder)
        )
    assert f"{folder / 'tokenizer.json'} does not match its sha256" in str(stopped.value)


@pytest.mark.slow
def test_gunicorn_judges_with_the_verifier_when_it_is_on(tmp_path):
    server = start_server(tmp_path / "index", PROVENANCE_VERIFIER="on")
    try:
        assert server.get("/readyz").json()["judge"] == "verifier"
        answer = server.get(
            "/v1/evidence", params={"claim": "Observers consider the annexations illegal"}
        ).json()
        assert answer["evidence"][0]["explanation"].startswith("The verifier reads that it states")
    finally:
        stop_server(server)


def test_vitaminc_text_reads_as_written_and_a_page_is_held_out_whole():
    from lab.nli_data import Pair, _detokenise, is_held_out

    fever = "the British Phonographic Industry ( BPI ) , Westlife 's `` total '' -COLON- 24 ."
    assert _detokenise(fever) == (
        'the British Phonographic Industry (BPI), Westlife\'s " total ": 24.'
    )
    pages = [f"page {i}" for i in range(200)]
    pairs = [
        Pair(f"sentence {i} of {g}", "claim", 0, "vitaminc", g) for g in pages for i in range(3)
    ]
    held = {p.group for p in pairs if is_held_out(p)}
    assert 0 < len(held) < len(pages)  # a share of the pages, not none and not all
    assert all(is_held_out(p) == (p.group in held) for p in pairs)  # every sentence with its page


def test_the_model_card_states_the_default_the_code_has():
    card = (ROOT / "docs/verifier.md").read_text(encoding="utf-8")
    opening = card.split("\n\n")[1]
    assert f'DEFAULT = "{verifier.DEFAULT}"' in opening
    assert f"**{verifier.DEFAULT} by default**" in opening
