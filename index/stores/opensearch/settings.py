"""Where the OpenSearch backend keeps the archive: its nodes, credentials and index layout.

Plain configuration, importable without the ``opensearch`` extra (the service's config reads it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class OpenSearchSettings:
    """Where the OpenSearch backend keeps the archive, and how its indices are laid out."""

    #: One or more node URLs, comma-separated; requests go to the next when one is down.
    url: str = "http://127.0.0.1:9200"
    username: str | None = None
    password: str | None = None
    #: Indices are ``<prefix>-articles``, ``<prefix>-sentences`` and ``<prefix>-meta``.
    prefix: str = "provenance"
    shards: int = 3
    replicas: int = 1
    refresh_interval: str = "1s"
    timeout: float = 30.0

    @property
    def hosts(self) -> list[str]:
        return [u.strip() for u in self.url.split(",") if u.strip()]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> OpenSearchSettings:
        """Read ``OPENSEARCH_*`` variables (see README, "Configuration")."""
        env = os.environ if env is None else env
        default = cls()
        return cls(
            url=env.get("OPENSEARCH_URL", default.url),
            username=env.get("OPENSEARCH_USERNAME") or None,
            password=env.get("OPENSEARCH_PASSWORD") or None,
            prefix=env.get("OPENSEARCH_INDEX_PREFIX", default.prefix),
            shards=int(env.get("OPENSEARCH_SHARDS", default.shards)),
            replicas=int(env.get("OPENSEARCH_REPLICAS", default.replicas)),
        )
