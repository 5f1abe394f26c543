"""The cluster backend: an OpenSearch cluster (the ``opensearch`` extra)."""
