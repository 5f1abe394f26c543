"""The one place that picks a backend: open the archive on Whoosh or OpenSearch, copy it.

It sits above both engines (:mod:`index.stores.whoosh`, :mod:`index.stores.opensearch`), which
know only the interface in :mod:`index.stores.base`.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from index.models.semantic import SemanticUnavailable, encoder_for
from index.records import ArticleFilter
from index.stores.base import REINDEX_BATCH, ArticleStore
from index.stores.opensearch.settings import OpenSearchSettings

BACKENDS = ("whoosh", "opensearch")


def open_store(
    backend: str = "whoosh",
    *,
    index_dir: Path | str = "var/index",
    lock_timeout: float = 10.0,
    procs: int = 1,
    opensearch: OpenSearchSettings | None = None,
    semantic: bool | None = None,
) -> ArticleStore:
    """Open the archive on ``backend``: a Whoosh directory, or an OpenSearch cluster.

    ``semantic`` turns on semantic ranking (``None``: as ``PROVENANCE_SEMANTIC`` says); it
    raises :class:`~index.models.semantic.SemanticUnavailable` when its extra is not installed.
    """
    encoder = encoder_for(semantic)
    if backend == "whoosh":
        from index.stores.whoosh.store import Store

        return Store(Path(index_dir), lock_timeout=lock_timeout, procs=procs, encoder=encoder)
    if backend == "opensearch":
        try:
            from index.stores.opensearch.store import OpenSearchStore
        except ImportError as exc:  # the client is an optional extra
            raise ImportError(
                "The opensearch backend needs opensearch-py: "
                "pip install 'fact-provenance[opensearch]'"
            ) from exc
        return OpenSearchStore(opensearch or OpenSearchSettings.from_env(), encoder=encoder)
    raise ValueError(f"Unknown backend {backend!r}; one of {', '.join(BACKENDS)}.")


def check_at_start(backend: str, index_dir: Path | str) -> None:
    """Raise :class:`~index.errors.IndexDamaged`, naming each damaged file and the way out,
    when the archive's files are not whole; else nothing. Whoosh only: a cluster checks its
    own shards."""
    if backend == "whoosh":
        from index.stores.whoosh.integrity import check_at_start as check_files

        check_files(Path(index_dir))


def copy_archive(
    source: ArticleStore, target: ArticleStore, rewrite: bool = False
) -> dict[str, int]:
    """Write every article of ``source`` into ``target``, replacing what differs there (every
    article, with ``rewrite``).

    Articles only ``target`` holds stay. Returns how many were created, replaced, unchanged.
    """
    done: Counter[str] = Counter()
    cursor = None
    while True:
        page = source.list(ArticleFilter(), cursor, REINDEX_BATCH)
        written = target.add_many(page.articles, replace=True, rewrite=rewrite)
        done.update(str(r.status) for r in written)
        if page.next_cursor is None:
            return dict(done)
        cursor = page.next_cursor


def embed_archive(store: ArticleStore) -> dict[str, int]:
    """Write every article again in semantic mode, so that sentences stored before it was on
    get their vectors; a batch of REINDEX_BATCH articles at a time, each all-or-nothing."""
    if store.encoder is None:
        raise SemanticUnavailable(
            "Embedding the archive needs semantic mode: PROVENANCE_SEMANTIC=on"
        )
    return copy_archive(store, store, rewrite=True)
