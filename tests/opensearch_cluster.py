"""Fixtures for tests marked ``opensearch``: the harness's real three-node cluster.

The cluster is started once per test session by ``scripts/cluster.py`` (or reused when one is
already up, and then left up) and stopped at the end. Every test gets its own index prefix, so
tests never share indices. Without Java 17 and Maven the tests skip with the reason, except
under ``PROVENANCE_REQUIRE_OPENSEARCH=1`` (``.ci/run``), where that is a failure.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from opensearchpy import OpenSearch

from index.stores.opensearch.settings import OpenSearchSettings

_SPEC = importlib.util.spec_from_file_location(
    "cluster_harness", Path(__file__).resolve().parent.parent / "scripts" / "cluster.py"
)
harness = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = harness  # dataclasses look their module up there
_SPEC.loader.exec_module(harness)


@pytest.fixture(scope="session")
def cluster() -> Iterator[list]:
    """The running cluster's nodes (see ``scripts/cluster.py``)."""
    missing = harness.tools_missing()
    if missing:
        reason = (
            f"{' and '.join(missing)} not installed: the OpenSearch tests need Java 17 and Maven "
            "(`make test` installs them when run as root)"
        )
        if os.environ.get("PROVENANCE_REQUIRE_OPENSEARCH"):
            pytest.fail(reason)
        pytest.skip(reason)
    before = harness.load()
    already_up = bool(before) and all(n.pid and harness._alive(n.pid) for n in before)
    nodes = harness.up()
    yield nodes
    if not already_up:
        harness.down()


@pytest.fixture
def opensearch_settings(cluster: list) -> Iterator[OpenSearchSettings]:
    """Settings for a fresh set of indices on the cluster, deleted after the test."""
    # A short refresh interval: every acknowledged write waits for a refresh.
    settings = OpenSearchSettings(
        url=harness.url(cluster), prefix=f"t-{uuid.uuid4().hex[:12]}", refresh_interval="200ms"
    )
    yield settings
    client = OpenSearch(hosts=settings.hosts)
    client.indices.delete(index=f"{settings.prefix}-*")
    client.close()
