"""Picking a backend: settings from the environment and the store factory."""

import pytest

from index.stores.open import open_store
from index.stores.opensearch.settings import OpenSearchSettings
from index.stores.whoosh.store import Store
from service.config import Config


def test_whoosh_is_the_default_backend(tmp_path):
    store = open_store(index_dir=tmp_path / "index")
    assert isinstance(store, Store)
    assert (tmp_path / "index").is_dir()
    store.close()


def test_an_unknown_backend_is_refused(tmp_path):
    with pytest.raises(ValueError, match="Unknown backend 'solr'"):
        open_store("solr", index_dir=tmp_path)
    with pytest.raises(ValueError, match="PROVENANCE_BACKEND must be one of whoosh, opensearch"):
        Config.from_env({"PROVENANCE_BACKEND": "solr"})


def test_opensearch_settings_come_from_the_environment():
    config = Config.from_env(
        {
            "PROVENANCE_BACKEND": "opensearch",
            "OPENSEARCH_URL": "http://n1:9200, http://n2:9200,",
            "OPENSEARCH_USERNAME": "svc",
            "OPENSEARCH_PASSWORD": "secret",
            "OPENSEARCH_INDEX_PREFIX": "news",
            "OPENSEARCH_REPLICAS": "2",
        }
    )
    assert config.backend == "opensearch"
    assert config.opensearch.hosts == ["http://n1:9200", "http://n2:9200"]
    assert (config.opensearch.username, config.opensearch.password) == ("svc", "secret")
    assert (config.opensearch.prefix, config.opensearch.shards) == ("news", 3)
    assert config.opensearch.replicas == 2
    assert Config.from_env({}).opensearch == OpenSearchSettings()
