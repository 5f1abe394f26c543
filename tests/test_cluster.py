"""The real three-node cluster: a node killed mid-write loses no acknowledged article, the
service runs on it, and a cluster that does not answer is unavailable (503), not an error."""

from __future__ import annotations

import json
import threading
from dataclasses import replace

import pytest

from index.judging.claims import analyse_claim
from index.records import ArticleFilter
from index.stores.opensearch.client import ClusterUnavailable
from index.stores.opensearch.settings import OpenSearchSettings
from index.stores.opensearch.store import OpenSearchStore
from index.stores.whoosh.store import Store
from index.text.articles import build_article
from lab.gunicorn import free_port
from tests.conftest import (
    AUTH,
    SEED_ARTICLES,
    SEED_FILES,
    SEED_SENTENCES,
    run_cli,
    start_server,
    stop_server,
)
from tests.opensearch_cluster import harness

pytestmark = pytest.mark.opensearch
SEEDS = {"articles": SEED_ARTICLES, "sentences": SEED_SENTENCES}
WAIT = 120  # seconds any one step may take on a busy two-core machine before the test fails


def article(i: int):
    """An article whose first sentence alone holds its id as a word."""
    article_id = f"z{i + 1:04d}"
    return build_article(
        f"Report {article_id} says the zebra crossed. The river was high.", id=article_id
    )


class Load:
    """A writer adding articles one by one and a reader searching, both until stopped."""

    def __init__(self, store: OpenSearchStore) -> None:
        self.store = store
        self.acknowledged: list[str] = []
        self.searches = 0
        self.errors: list[BaseException] = []
        self.changed = threading.Condition()
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._run, args=(f,)) for f in (self._write, self._search)
        ]

    def _run(self, step) -> None:
        i = 0
        while not self.stop.is_set():
            try:
                step(i)
            except Exception as exc:  # recorded: the test asserts there were none
                self.errors.append(exc)
            i += 1

    def _write(self, i: int) -> None:
        self.store.add(article(i))
        with self.changed:
            self.acknowledged.append(article(i).id)
            self.changed.notify_all()

    def _search(self, i: int) -> None:
        terms = analyse_claim("zebra crossed").terms
        assert self.store.snapshot().candidates(terms, ArticleFilter(), 5)
        with self.changed:
            self.searches += 1
            self.changed.notify_all()

    def wait_for(self, writes: int, searches: int) -> None:
        with self.changed:
            done = self.changed.wait_for(
                lambda: len(self.acknowledged) >= writes and self.searches >= searches, WAIT
            )
        assert done, f"{len(self.acknowledged)} writes, {self.searches} searches in {WAIT}s"

    def __enter__(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(WAIT)


def test_a_killed_node_loses_no_acknowledged_article_and_rejoins(cluster, opensearch_settings):
    store = OpenSearchStore(replace(opensearch_settings, timeout=WAIT))
    store.add(article(-1))  # something to find from the first search on
    # Every shard has its replica before the fault: losing a node loses no shard.
    store.client.cluster.health(wait_for_status="green", wait_for_active_shards="all")
    victim = cluster[0]  # the first node the client sends requests to
    with Load(store) as load:
        load.wait_for(writes=5, searches=5)
        harness.kill_node(cluster, victim)  # SIGKILL
        at_kill = (len(load.acknowledged), load.searches)
        load.wait_for(writes=at_kill[0] + 10, searches=at_kill[1] + 10)
    assert load.errors == []
    assert store.health().nodes == 2
    for article_id in load.acknowledged:
        assert store.get(article_id).article.id == article_id
    assert store.counts()["articles"] == len(load.acknowledged) + 1
    for article_id in load.acknowledged:
        hits = store.snapshot().candidates([article_id], ArticleFilter(), 5)
        assert [(h.article.id, h.index) for h in hits] == [(article_id, 0)]

    harness.start_node(cluster, victim)
    state = harness.wait_for(cluster, "green", WAIT)
    assert (state["number_of_nodes"], state["status"]) == (3, "green")
    store.close()


def test_the_service_runs_on_the_cluster_and_seeds_it(cluster, opensearch_settings, tmp_path):
    server = start_server(
        tmp_path / "unused-index",
        PROVENANCE_BACKEND="opensearch",
        OPENSEARCH_URL=opensearch_settings.url,
        OPENSEARCH_INDEX_PREFIX=opensearch_settings.prefix,
    )
    try:
        ready = server.get("/readyz").json()
        assert ready == {
            "status": "ready",
            "articles": SEED_ARTICLES,
            "sentences": SEED_SENTENCES,
            "backend": "opensearch",
            "backend_status": ready["backend_status"],
            "nodes": 3,
            "ranking": "lexical",
            "judge": "lexical",
            "writable": True,
            "writes_refused": None,
        }
        assert ready["backend_status"] in ("green", "yellow")
        claim = {"claim": "Peskov said the annexed regions are non-negotiable"}
        evidence = server.get("/v1/evidence", params=claim).json()["evidence"]
        assert evidence[0]["sentence"] == (
            '"This is undeniable and non-negotiable," he said during a daily briefing.'
        )
        assert evidence[0]["attribution"] == {"speaker": "Dmitry Peskov", "quoted": True}
        assert evidence[0]["article"]["source"] == "The Moscow Times"
        body = {"id": "x1", "text": "The okapi crossed the river.", "source": "Daily"}
        assert server.request("POST", "/v1/articles", json=body, headers=AUTH).status_code == 201
        assert server.get("/v1/articles/x1").json()["sentences"][0]["text"] == body["text"]
        listed = server.get("/v1/articles", params={"source": "daily"}).json()
        assert [a["id"] for a in listed["articles"]] == ["x1"]
        assert server.request("DELETE", "/v1/articles/x1", headers=AUTH).status_code == 204
        assert server.get("/v1/articles/x1").status_code == 404
    finally:
        stop_server(server)
    assert not (tmp_path / "unused-index").exists()  # nothing went to a Whoosh directory


def test_an_unreachable_cluster_is_unavailable_not_an_error(tmp_path):
    settings = OpenSearchSettings(url=f"http://127.0.0.1:{free_port()}", timeout=5)
    with pytest.raises(ClusterUnavailable):
        OpenSearchStore(settings)


def test_reindex_moves_the_archive_to_the_cluster_and_back(
    opensearch_settings, tmp_path, monkeypatch
):
    monkeypatch.setenv("OPENSEARCH_URL", opensearch_settings.url)
    monkeypatch.setenv("OPENSEARCH_INDEX_PREFIX", opensearch_settings.prefix)
    first, back = tmp_path / "first", tmp_path / "back"
    assert run_cli("ingest", *map(str, SEED_FILES), index_dir=first).returncode == 0

    there = run_cli("reindex", "--from", "whoosh", "--to", "opensearch", index_dir=first)
    assert there.returncode == 0, there.stderr
    assert json.loads(there.stdout) == {
        "from": "whoosh",
        "to": "opensearch",
        "created": 2,
        "target": SEEDS,
    }
    again = run_cli("reindex", "--from", "whoosh", "--to", "opensearch", index_dir=first)
    assert json.loads(again.stdout)["unchanged"] == 2

    home = run_cli("reindex", "--from", "opensearch", "--to", "whoosh", index_dir=back)
    assert json.loads(home.stdout)["target"] == SEEDS
    originals, copies = Store(first), Store(back)
    for a in originals.list(ArticleFilter(), None, 10).articles:
        assert copies.get(a.id) == originals.get(a.id)
    originals.close()
    copies.close()


def test_reindex_refuses_a_backend_onto_itself(tmp_path):
    done = run_cli("reindex", "--from", "whoosh", "--to", "whoosh", index_dir=tmp_path / "i")
    assert (done.returncode, done.stderr) == (2, "error: --from and --to name the same backend\n")


def test_sweep_runs_from_the_command_line_on_the_cluster_only(
    opensearch_settings, tmp_path, monkeypatch
):
    monkeypatch.setenv("OPENSEARCH_URL", opensearch_settings.url)
    monkeypatch.setenv("OPENSEARCH_INDEX_PREFIX", opensearch_settings.prefix)
    swept = run_cli("--backend", "opensearch", "sweep", index_dir=tmp_path / "unused")
    assert (swept.returncode, json.loads(swept.stdout)) == (0, {"removed": 0})
    refused = run_cli("sweep", index_dir=tmp_path / "unused")
    assert refused.returncode == 2
    assert refused.stderr == "error: only --backend opensearch leaves sentences to sweep\n"
