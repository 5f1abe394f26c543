"""The library's exceptions: one base, narrow subclasses the service maps to HTTP statuses."""

from __future__ import annotations

import errno


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


class IndexFull(ProvenanceError):
    """The index's file system has no space left; the write did not happen (nothing of it is
    visible) and the same write succeeds once space is freed."""


class IndexReadOnly(ProvenanceError):
    """The index's directory refuses writes (a read-only file system, or no permission to
    write); the write did not happen, reads go on."""


class IndexDamaged(ProvenanceError):
    """A file of the index is cut short, altered or unreadable; the message names it and the
    way out."""


#: errno values that mean the storage cannot take a write now, and what each becomes.
_STORAGE_ERRORS = {
    errno.ENOSPC: IndexFull,
    errno.EDQUOT: IndexFull,
    errno.EROFS: IndexReadOnly,
    errno.EACCES: IndexReadOnly,
    errno.EPERM: IndexReadOnly,
}


def storage_error(exc: OSError, where: object) -> ProvenanceError | None:
    """The library's error for an OSError met writing the index at ``where`` (a full disk, a
    read-only directory), or None when it is some other failure."""
    kind = _STORAGE_ERRORS.get(exc.errno)
    if kind is None:
        return None
    if kind is IndexFull:
        return IndexFull(
            f"The index's file system ({where}) has no space left: nothing was written."
        )
    return IndexReadOnly(
        f"The index directory {where} refuses writes ({exc.strerror}): nothing was written."
    )
