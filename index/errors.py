"""The library's exceptions: one base, narrow subclasses the service maps to HTTP statuses."""

from __future__ import annotations


class ProvenanceError(Exception):
    """Base of every error the index library raises on purpose."""


def describe(errors: dict[str, list[str]]) -> str:
    """Field errors on one line (``title: Longer than 1,000 characters.; url: ...``).

    Errors about the whole input (the ``_schema`` key, as marshmallow names it) have no prefix.
    """
    return "; ".join(
        " ".join(v) if k == "_schema" else f"{k}: {' '.join(v)}" for k, v in errors.items()
    )


class InvalidArticle(ProvenanceError):
    """An article failed validation; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(describe(errors))
        self.errors = errors


class ArticleNotFound(ProvenanceError):
    """No article has the requested id."""


class ArticleConflict(ProvenanceError):
    """An article with this id exists with different content (replace it instead)."""


class IndexBusy(ProvenanceError):
    """The index write lock could not be had in time; the write did not happen."""


class WriteIncomplete(ProvenanceError):
    """A writer process ended without its segment; nothing of the batch was committed."""


class InvalidDraft(ProvenanceError):
    """A draft to check holds nothing to check (it is empty or blank)."""


class DraftTooLong(ProvenanceError):
    """A draft to check is over the characters or sentences one check takes."""


class InvalidCitation(ProvenanceError):
    """A citation to verify is malformed; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(describe(errors))
        self.errors = errors


class InvalidCursor(ProvenanceError):
    """A cursor this service did not issue, or issued for another query."""


class StaleCursor(ProvenanceError):
    """A cursor issued on an earlier state of the archive: its answer has changed since."""
