"""Stores: where articles and their sentences are kept, and how candidates are found.

``base`` is the interface every backend implements (``ArticleStore``, ``Snapshot``), ``fields``
the stored-document vocabulary both share; ``whoosh`` is the embedded default and
``opensearch`` the cluster; ``open`` is the one place that picks one. Knows nothing of judging.
"""
