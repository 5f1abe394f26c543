"""The library's exceptions: one base, narrow subclasses the service maps to HTTP statuses."""

from __future__ import annotations


class ProvenanceError(Exception):
    """Base of every error the index library raises on purpose."""


class InvalidArticle(ProvenanceError):
    """An article failed validation; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class ArticleNotFound(ProvenanceError):
    """No article has the requested id."""


class ArticleConflict(ProvenanceError):
    """An article with this id exists with different content (replace it instead)."""


class IndexBusy(ProvenanceError):
    """The index write lock could not be had in time; the write did not happen."""


class WriteIncomplete(ProvenanceError):
    """A writer process ended without its segment; nothing of the batch was committed."""
