"""Semantic ranking (index.models.semantic): vectors written with their sentences, read by
answers."""

from __future__ import annotations

import json

import numpy as np
import pytest

from index.evidence import EvidenceQuery, find_evidence, judge_candidates
from index.ingest import seed_if_new
from index.judging.claims import analyse_claim
from index.judging.model import model
from index.models import semantic
from index.models.semantic import SemanticUnavailable, load_encoder, pack, similarities, unpack
from index.stores.whoosh.store import Store
from index.text.articles import build_article

from .conftest import AUTH, READY_ON_SEEDS, SEED_SENTENCES, kill_server, start_server

PESKOV = "Peskov said the annexed regions are non-negotiable"


@pytest.fixture(scope="module")
def encoder() -> semantic.Encoder:
    return load_encoder()


@pytest.fixture
def semantic_store(tmp_path, encoder):
    s = Store(tmp_path / "index", encoder=encoder)
    yield s
    s.close()


def vectors_by_text(store: Store) -> dict[str, bytes | None]:
    """Every sentence document's text and stored vector."""
    searcher = store.searcher()
    return {
        f["text"]: f.get("vector") for f in searcher.all_stored_fields() if f["kind"] == "sentence"
    }


def test_vectors_are_unit_length_and_independent_of_their_batch(encoder):
    texts = ["Russia annexed Crimea in 2014.", "A much longer sentence " * 12, "Short."]
    together = encoder.encode(texts)
    alone = np.vstack([encoder.encode([t]) for t in texts])
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert np.allclose(together, alone, atol=1e-5)


def test_related_sentences_are_closer_than_unrelated_ones(encoder):
    claim, near, far = encoder.encode(
        [
            "The Kremlin rejects returning annexed land",
            "Moscow refuses to give back the regions it annexed.",
            "The recipe needs two eggs and flour.",
        ]
    )
    assert claim @ near > claim @ far + 0.3


def test_the_stored_int8_form_keeps_the_cosine(encoder):
    a, b = encoder.encode(["Russia annexed Crimea.", "Crimea was annexed by Russia."])
    assert len(pack(a)) == semantic.DIMENSION
    assert float(similarities(b, [pack(a)])[0]) == pytest.approx(float(a @ b), abs=0.01)
    assert float(unpack(pack(a)) @ a) > 0.99


def test_every_sentence_is_written_with_its_vector_and_replaced_and_deleted_with_it(
    semantic_store,
):
    article = build_article("Alpha beta gamma. Delta epsilon zeta.", id="greek", title="Letters")
    semantic_store.add(article)
    stored = vectors_by_text(semantic_store)
    assert set(stored) == {"Alpha beta gamma.", "Delta epsilon zeta."}
    assert all(v is not None and len(v) == semantic.DIMENSION for v in stored.values())

    semantic_store.add(build_article("Eta theta iota.", id="greek", title="Letters"), replace=True)
    stored = vectors_by_text(semantic_store)
    assert list(stored) == ["Eta theta iota."]
    expected = semantic_store.encoder.encode(["Letters: Eta theta iota."])[0]
    # Embedded with its title, as answers read it.
    assert float(unpack(stored["Eta theta iota."]) @ expected) > 0.99

    semantic_store.delete("greek")
    assert vectors_by_text(semantic_store) == {}


def test_answers_read_the_cosine_and_use_the_semantic_model(semantic_store):
    seed_if_new(semantic_store)
    assert len(vectors_by_text(semantic_store)) == SEED_SENTENCES
    judged = judge_candidates(
        semantic_store.snapshot(),
        analyse_claim(PESKOV),
        EvidenceQuery(PESKOV),
        semantic_store.encoder,
    )
    assert all(0.0 < j.view.similarity <= 1.0 for j in judged)
    best = max(judged, key=lambda j: j.view.similarity)
    assert "non-negotiable" in best.hit.text
    semantic_model = model(semantic=True)
    assert "similarity" in semantic_model.weights
    assert best.judgement.score == round(semantic_model.score(best.judgement.features), 4)


def test_an_index_built_lexically_is_answered_semantically_without_a_rebuild(tmp_path, encoder):
    lexical = Store(tmp_path / "index")
    seed_if_new(lexical)
    lexical.close()
    reopened = Store(tmp_path / "index", encoder=encoder)
    try:
        assert set(vectors_by_text(reopened).values()) == {None}
        result = find_evidence(reopened, EvidenceQuery(PESKOV))
        assert result.evidence and "non-negotiable" in result.evidence[0].sentence
        # New writes carry vectors beside the old sentences without them.
        reopened.add(build_article("Omega psi chi.", id="late", title="Late"))
        assert vectors_by_text(reopened)["Omega psi chi."] is not None
    finally:
        reopened.close()


def test_readyz_says_which_ranking_runs(make_app):
    for on, ranking in ((False, "lexical"), (True, "semantic")):
        app = make_app(semantic=on)
        seed_if_new(app.extensions["provenance.store"])
        body = app.test_client().get("/readyz").get_json()
        assert body == {**READY_ON_SEEDS, "ranking": ranking}
        app.extensions["provenance.store"].close()


@pytest.mark.parametrize(
    ("value", "on"), [("on", True), ("1", True), ("off", False), ("", False), ("OFF", False)]
)
def test_the_mode_is_read_from_provenance_semantic(value, on):
    assert semantic.wanted({"PROVENANCE_SEMANTIC": value}) is on
    assert semantic.wanted({}) is False


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="PROVENANCE_SEMANTIC"):
        semantic.wanted({"PROVENANCE_SEMANTIC": "maybe"})


def test_a_model_file_that_is_not_the_pinned_one_is_refused(monkeypatch):
    monkeypatch.setattr(semantic, "MODEL_SHA256", "0" * 64)
    load_encoder.cache_clear()
    try:
        with pytest.raises(SemanticUnavailable, match="sha256"):
            load_encoder()
    finally:
        load_encoder.cache_clear()


def test_a_missing_package_says_how_to_install_it():
    with pytest.raises(SemanticUnavailable, match=r"fact-provenance\[semantic\]"):
        semantic._package_file("no_such_package_here", ("model.onnx",))


@pytest.mark.slow
def test_gunicorn_serves_in_semantic_mode_and_writes_vectors_over_http(tmp_path):
    server = start_server(tmp_path / "index", workers=1, PROVENANCE_SEMANTIC="on")
    try:
        assert server.get("/readyz").json() == {**READY_ON_SEEDS, "ranking": "semantic"}
        article = {
            "text": "The harbour bridge in Split reopened to traffic on Monday.",
            "id": "split",
        }
        assert server.request("POST", "/v1/articles", json=article, headers=AUTH).status_code == 201
        found = server.get("/v1/evidence", params={"claim": "Split's harbour bridge reopened"})
        assert [e["article"]["id"] for e in found.json()["evidence"]] == ["split"]
        # A graceful stop is clean: no worker aborts on the model's process-wide state (the
        # master seeds the index without loading the model; workers load their own).
        server.process.terminate()
        assert server.process.wait(timeout=30) == 0
        with server.process.stderr as log:
            assert "SIGABRT" not in log.read().decode()
    finally:
        if server.process.poll() is None:
            kill_server(server)
    reopened = Store(tmp_path / "index")
    try:
        assert all(v is not None for v in vectors_by_text(reopened).values())
    finally:
        reopened.close()


def test_embed_gives_an_archive_built_lexically_its_vectors(tmp_path, provenance, monkeypatch):
    index_dir = tmp_path / "index"
    lexical = Store(index_dir)
    seed_if_new(lexical)
    lexical.close()
    refused = provenance("embed", index_dir=index_dir)
    assert refused.returncode == 1 and "PROVENANCE_SEMANTIC=on" in refused.stderr

    monkeypatch.setenv("PROVENANCE_SEMANTIC", "on")
    done = provenance("embed", index_dir=index_dir)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"embedded": 2, "articles": 2, "sentences": SEED_SENTENCES}
    reopened = Store(index_dir)
    try:
        stored = vectors_by_text(reopened)
        assert len(stored) == SEED_SENTENCES and None not in stored.values()
    finally:
        reopened.close()
