"""``provenance reindex`` on one Whoosh index: rebuilt from its stored articles, swapped in whole.

Under the index's write lock (writes wait, then get 503; reads go on), every article whose
stored document can still be read and matches its content hash is written into a fresh index
in a folder inside the index directory, through the store's usual path (sentences split and
attributed again, checksums recorded). Its segments then replace the old ones as one new
generation of the table of contents, which every reader picks up as after any commit, and the
old files go. What could not be read is named, so that it can be ingested again.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, LockError
from whoosh.reading import SegmentReader

from index.errors import IndexBusy, IndexDamaged
from index.models.semantic import Encoder
from index.stores import fields as F
from index.stores.whoosh import documents, internals
from index.stores.whoosh.integrity import INDEX_NAME, TOC_WAY_OUT, record_checksums
from index.stores.whoosh.store import Store
from index.text.articles import Article

FRESH = "REINDEX.tmp"


@dataclass
class Salvage:
    """The articles read back, and what was lost: whole segments, documents, articles."""

    articles: dict[str, Article] = field(default_factory=dict)
    lost: list[str] = field(default_factory=list)


def salvage(path: Path) -> Salvage:
    """Every live article document of the index that reads and matches its content hash."""
    with internals.opened_files(str(path)) as storage:
        return _salvage(storage, path)


def _salvage(storage: FileStorage, path: Path) -> Salvage:
    try:
        toc = TOC.read(storage, INDEX_NAME)
    except Exception as exc:  # nothing says which segments hold the index
        raise IndexDamaged(
            f"The index's table of contents in {path} is unreadable ({exc!r}), so nothing "
            f"can be rebuilt from it. {TOC_WAY_OUT}"
        ) from None
    found = Salvage()
    for segment in toc.segments:
        name = segment.make_filename(segment.COMPOUND_EXT)
        try:
            reader = SegmentReader(storage, toc.schema, segment)
        except Exception as exc:  # a damaged segment raises whatever Whoosh meets
            found.lost.append(f"{name}: unreadable, its {segment.doc_count()} documents ({exc!r})")
            continue
        deleted = set(segment.deleted_docs() or ())
        try:
            owners = _owners(reader)
            for docnum in range(reader.doc_count_all()):
                if docnum not in deleted:
                    _salvage_document(reader, docnum, name, owners, found)
        finally:
            reader.close()
    return found


def _owners(reader) -> dict[int, str]:
    """The article each document belongs to, from the article-id postings (as far as they
    read), so that an unreadable document can still be named by its article."""
    owners: dict[int, str] = {}
    try:
        for article_id in reader.lexicon(F.ARTICLE_ID):
            ids, _ = internals.postings(reader, F.ARTICLE_ID, article_id)
            owners.update(dict.fromkeys(ids.tolist(), article_id.decode()))
    except Exception:  # damaged postings: documents are named by number alone
        pass
    return owners


def _salvage_document(reader, docnum: int, name: str, owners: dict, found: Salvage) -> None:
    try:
        fields = reader.stored_fields(docnum)
        if fields[F.KIND] != F.ARTICLE_KIND:
            return
        stored = documents.decode_article(fields)
    except Exception as exc:  # an unreadable stored document
        of = f" of article {owners[docnum]}" if docnum in owners else ""
        found.lost.append(f"{name}: document {docnum}{of} unreadable ({exc!r})")
        return
    if stored.article.content_hash() != stored.content_hash:
        found.lost.append(f"article {stored.article.id}: its text does not match its hash")
    else:
        found.articles[stored.article.id] = stored.article


def rebuild(path: Path, lock_timeout: float = 10.0, encoder: Encoder | None = None) -> dict:
    """Rebuild the index at ``path`` from its stored articles and swap it in; the counts of
    what was rebuilt, and what was lost."""
    storage = FileStorage(str(path))
    try:
        lock = internals.take_lock(storage, lock_timeout, name=INDEX_NAME)
    except LockError:
        raise IndexBusy(
            f"The index is being written by another process; tried for {lock_timeout}s."
        ) from None
    fresh = path / FRESH
    try:
        found = salvage(path)
        shutil.rmtree(fresh, ignore_errors=True)
        store = Store(fresh, procs=2, encoder=encoder)
        try:
            store.add_many(sorted(found.articles.values(), key=lambda a: a.id))
            counts = store.counts()
        finally:
            store.close()
        internals.replace_segments(storage, str(fresh), INDEX_NAME)
        record_checksums(path)
    finally:
        lock.release()
        shutil.rmtree(fresh, ignore_errors=True)
    return {**counts, "lost": found.lost}
