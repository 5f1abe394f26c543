"""Overload: a worker takes a bounded amount of work and refuses the rest at once.

In process, the count itself; against a real gunicorn, a burst of drafts ten times what the
service takes at once: each is checked or refused (503, Retry-After, problem+json), none is
left without an answer, probes answer throughout, and the service serves normally afterwards.
How fast refusals and probes are is measured by ``python -m lab overload``, not here.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from werkzeug.exceptions import ServiceUnavailable

from index.ingest import seed_if_new
from lab.load import Call, Client, well_formed_refusal
from service.admission import DRAFT_BYTES_PER_SENTENCE, KEY, Admission
from service.config import Config, default_inflight

from .conftest import start_server, stop_server

CLAIM = "Peskov said the annexed regions are non-negotiable"
#: Each worker takes one such draft at a time (PROVENANCE_MAX_INFLIGHT=40 below).
DRAFT_SENTENCES = 40
BURST = 20  # ten times the two drafts two workers take at once


def test_work_beyond_the_budget_is_refused_and_what_ends_is_given_back(make_app):
    admission = Admission(budget=10)
    with make_app().app_context():
        with admission.holding(8):
            with pytest.raises(ServiceUnavailable) as refused:
                with admission.holding(3):
                    pass
            assert refused.value.retry_after == 2
            with admission.holding(2):
                assert admission.held == 10
        assert admission.held == 0
        with admission.holding(50):  # heavier than the whole budget: taken when alone
            assert admission.held == 10


def test_the_default_budget_follows_the_cores_each_worker_has():
    assert Config.from_env({"PROVENANCE_MAX_INFLIGHT": "7"}).max_inflight == 7
    assert default_inflight({"WEB_CONCURRENCY": "1"}) >= default_inflight({"WEB_CONCURRENCY": "2"})
    with pytest.raises(ValueError, match="PROVENANCE_MAX_INFLIGHT"):
        Config.from_env({"PROVENANCE_MAX_INFLIGHT": "0"})


@pytest.fixture
def full(make_app, store):
    """An app on the seeds whose worker already holds all but one claim of its budget."""
    seed_if_new(store)
    app = make_app(max_inflight=10)
    with app.app_context(), app.extensions[KEY].holding(9):
        yield app.test_client()


def test_probes_and_metrics_are_never_counted(full):
    for path in ("/healthz", "/readyz", "/metrics"):
        assert full.get(path).status_code == 200


def test_a_claim_fits_the_last_place_and_a_draft_weighs_its_sentences(full):
    assert full.get("/v1/evidence", query_string={"claim": CLAIM}).status_code == 200
    draft = "The Kremlin spokesman said talks would go on. " * 5  # about two claims' worth
    assert len(draft) > DRAFT_BYTES_PER_SENTENCE
    refused = full.post("/v1/check", json={"text": draft})
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "2"
    assert refused.content_type == "application/problem+json"
    assert "PROVENANCE_MAX_INFLIGHT" in refused.get_json()["detail"]
    assert full.get("/?claim=Peskov").status_code == 200  # the page's claim: one, it fits


@pytest.mark.slow  # starts gunicorn
def test_a_burst_of_drafts_is_checked_or_refused_at_once_and_probes_answer(tmp_path: Path):
    server = start_server(
        tmp_path / "index", PROVENANCE_VERIFIER="on", PROVENANCE_MAX_INFLIGHT="40"
    )
    try:
        article = server.get("/v1/articles/22f7d43c8802e9ee").json()
        sentences = [s["text"] for s in article["sentences"]]
        texts = [
            " ".join(sentences[(n + k) % len(sentences)] for k in range(DRAFT_SENTENCES))
            for n in range(BURST)
        ]
        assert len(texts[0]) > 40 * DRAFT_BYTES_PER_SENTENCE  # each weighs the whole budget
        client = Client(server.url, 0, timeout=300)
        start = threading.Barrier(BURST)

        def send(text: str):
            start.wait()  # all at once
            return client.send(Call("draft", "POST", "/v1/check", {"json": {"text": text}}))

        probes, done = [], threading.Event()

        def probe() -> None:
            while not done.is_set():
                for path in ("/healthz", "/readyz"):
                    probes.append(client.send(Call("probe", "GET", path)).status)

        prober = threading.Thread(target=probe)
        prober.start()
        with ThreadPoolExecutor(BURST) as pool:
            answers = list(pool.map(send, texts))
        done.set()
        prober.join()

        assert [a.error for a in answers] == [None] * BURST  # every one answered in time
        checked = [a for a in answers if a.status == 200]
        refused = [a for a in answers if a.status == 503]
        assert len(checked) + len(refused) == BURST, [a.status for a in answers]
        assert checked and refused
        assert all(a.refusal_well_formed for a in refused)
        assert probes and set(probes) == {200}
        # afterwards it serves as before
        assert server.get("/v1/evidence", params={"claim": CLAIM}).json()["evidence"]
        again = server.request("POST", "/v1/check", json={"text": texts[0]})
        assert again.status_code == 200 and not well_formed_refusal(again)
    finally:
        stop_server(server)
