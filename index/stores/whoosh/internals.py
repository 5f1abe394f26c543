"""Every use of Whoosh's private internals, in one place, for the one version they were read from.

Retrieval reads whole posting lists and length columns as arrays, the multi-process writer's
result queue is replaced so that a lost segment fails the commit, and a segment being written
reads its length columns whole. These touch private layouts
of whoosh-reloaded 2.7.5 (pinned in pyproject.toml); importing this module with another version
fails at once with what to do, rather than answering wrongly later.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import queue
import struct
import weakref
import zlib
from collections.abc import Iterator
from multiprocessing import Queue
from typing import Any

import numpy as np
import whoosh
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3LeafMatcher, W3PerDocReader
from whoosh.filedb import compound
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile
from whoosh.index import TOC, FileIndex, LockError, clean_files
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import SegmentReader
from whoosh.util.filelock import try_for
from whoosh.util.numeric import byte_to_length
from whoosh.writing import IndexWriter, SegmentWriter

from index.errors import WriteIncomplete

PINNED = (2, 7, 5)
if tuple(whoosh.__version__[:3]) != PINNED:
    raise ImportError(
        f"index.stores.whoosh.internals reads private layouts of whoosh-reloaded "
        f"{'.'.join(map(str, PINNED))}, but {whoosh.versionstring()} is installed: reinstall "
        f"the project (pip install -e .) to get the pinned version, or re-check this module "
        f"against the new one before changing the pin."
    )


class _ViewFile(io.RawIOBase):
    """A read-only file over a memoryview, which ``BytesIO`` would copy whole."""

    def __init__(self, view: memoryview) -> None:
        super().__init__()
        self._view = view
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = max(0, min(len(buffer), len(self._view) - self._pos))
        buffer[:n] = self._view[self._pos : self._pos + n]
        self._pos += n
        return n

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: len(self._view)}[whence]
        self._pos = base + offset
        return self._pos

    def tell(self) -> int:
        return self._pos


class _MappedFile(BufferFile):
    """A file of a compound segment, read straight from the segment's memory map.

    Whoosh's own wraps the mapped bytes in ``BytesIO``, which copies them: every open segment
    then held its postings, term index and stored fields twice, once mapped and once in the
    process's own memory (about 500 MB per process at a million sentences).
    """

    def __init__(self, buf, name=None, onclose=None) -> None:
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = _ViewFile(buf)

    def close(self) -> None:
        """Closed, its view of the map is released, so that the segment's map (and the file
        descriptor it holds) can close with the reader instead of waiting for the collector."""
        super().close()
        self._buf.release()


compound.BufferFile = _MappedFile

RESULT_WAIT = 60.0  # seconds to wait for a writer process's segment once it has exited

#: Each open segment's field lengths and deleted documents, read once per segment reader.
_LENGTHS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def segment_key(reader: SegmentReader) -> str:
    """A name for the segment's postings that no other segment shares (they never change)."""
    return reader.segment().segment_id()


def field_lengths(reader: SegmentReader, field: str) -> np.ndarray:
    """The length byte of every document of a segment in ``field`` (0 when it has none).

    Read whole from the length column: looking lengths up one posting at a time cost more than
    the scoring itself.
    """
    per_field = _LENGTHS.setdefault(reader, {})
    if field not in per_field:
        raw = _length_bytes(reader._perdoc, field) or b""
        lengths = np.zeros(reader.doc_count_all(), dtype=np.uint8)
        lengths[: len(raw)] = np.frombuffer(raw, dtype=np.uint8)
        per_field[field] = lengths
    return per_field[field]


def _length_bytes(perdoc: W3PerDocReader, field: str) -> bytes | None:
    """A segment's length column of ``field``, one byte per document; None when it has none."""
    column = perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
    return column._dbfile.get(column._basepos, column._count) if column else None


class FlushLengths:
    """The lengths of a segment being written, each field's column decoded once.

    Whoosh looks a posting's field length up one posting at a time, through a column reader
    that checks (on disk) whether the column exists each time it does not: a fifth of writing a
    segment. Values are Whoosh's own (``W3PerDocReader.doc_field_length``, zero is None).
    """

    def __init__(self, perdoc: W3PerDocReader) -> None:
        self._perdoc = perdoc
        self._fields: dict[str, list | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        if fieldname not in self._fields:
            raw = _length_bytes(self._perdoc, fieldname)
            self._fields[fieldname] = None if raw is None else [_BYTE_LENGTH[b] for b in raw]
        lengths = self._fields[fieldname]
        if lengths is None:
            return default
        return lengths[docnum] if docnum < len(lengths) else None


_BYTE_LENGTH = [None] + [byte_to_length(b) for b in range(1, 256)]


def _flush_segment(self: SegmentWriter) -> None:
    """Whoosh's ``SegmentWriter._flush_segment``, with :class:`FlushLengths` for the lengths."""
    self.perdocwriter.close()
    perdoc = self.per_document_reader() if self.codec.length_stats else None
    lengths = FlushLengths(perdoc) if perdoc else None
    self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
    self.fieldwriter.close()
    if perdoc:
        perdoc.close()


# Every writer, the multi-process writer's own processes too (they are forked from this one).
SegmentWriter._flush_segment = _flush_segment


def deleted_docs(reader: SegmentReader) -> np.ndarray:
    """The segment's deleted document numbers (Whoosh keeps them in postings until a merge)."""
    if not reader.has_deletions():
        return _NONE
    return np.fromiter(reader.segment().deleted_docs(), dtype=np.int64)


_NONE = np.zeros(0, dtype=np.int64)


def term_bound(reader: SegmentReader, field: str, term: str) -> tuple[float, int]:
    """The term's highest frequency in any document of the segment and its shortest field length.

    With them BM25 has a bound no posting of the term can exceed (the term-level MaxScore).
    """
    info = reader.term_info(field, term)
    return info.max_weight(), info.min_length()


def postings(reader: SegmentReader, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    """A term's whole posting list in one segment: document numbers and term frequencies.

    The term's bytes are read in one piece and its blocks parsed here, each unpickled at C
    speed and delta-decoded with numpy, not a posting (or a file read) at a time. Deleted
    documents' postings are in it too, as they are in the segment until a merge (the retrieval
    gives those documents no score): a term held only by deleted documents still has its
    postings, and a segment's postings are the same before and after a deletion.
    """
    matcher = reader.postings(field, term)
    if isinstance(matcher, FilterMatcher):  # Whoosh's filter of the segment's deletions
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):  # a short list inlined in the term index
        ids, tfs = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            tfs.append(matcher.weight())
            matcher.next()
        return np.asarray(ids, dtype=np.int32), np.asarray(tfs, dtype=np.float32)
    length = matcher._length  # Whoosh reads it back from the term info as a 1-tuple
    raw = matcher._postfile.get(
        matcher._startoffset, length[0] if type(length) is tuple else length
    )
    id_blocks, tf_blocks = [], []
    position = len(WHOOSH3_HEADER_MAGIC)
    while position < len(raw):
        (length,) = _INT.unpack_from(raw, position)
        block = io.BytesIO(raw[position + _INT.size : position + _INT.size + abs(length)])
        count, _, _, compression, _, _ = pickle.load(block)
        data = block.read()
        raw_ids, raw_tfs, _ = pickle.loads(zlib.decompress(data) if compression else data)
        ids = np.asarray(raw_ids, dtype=np.int64)
        id_blocks.append(ids if matcher._byteids else np.cumsum(ids))
        if raw_tfs is None or isinstance(raw_tfs, float):
            tf_blocks.append(np.full(count, raw_tfs or 1.0, dtype=np.float32))
        else:
            tf_blocks.append(np.asarray(raw_tfs, dtype=np.float32))
        if length < 0:  # the last block says so by a negative length
            break
        position += _INT.size + length
    return np.concatenate(id_blocks).astype(np.int32), np.concatenate(tf_blocks)


_INT = struct.Struct("!i")


class CheckedResults:
    """The writer processes' result queue, where each process's segment is waited for.

    Whoosh's multi-process writer waits one second for each and commits without the ones
    that do not come, losing their documents; here a missing one fails the commit instead.
    """

    def __init__(self, results: Queue) -> None:
        self._results = results

    def put(self, item: Any, timeout: float | None = None) -> None:
        self._results.put(item, timeout=timeout)

    def get(self, timeout: float | None = None) -> Any:
        try:  # the processes have exited by now: a result is in the pipe or never comes
            return self._results.get(timeout=RESULT_WAIT)
        except queue.Empty:
            raise WriteIncomplete("A writer process ended without its segment.") from None


def check_segments(writer: IndexWriter) -> None:
    """Make a multi-process writer fail its commit when a process's segment is lost.

    Call before the writer starts its processes, which inherit the queue.
    """
    writer.resultqueue = CheckedResults(writer.resultqueue)


def segment_count(ix) -> int:
    """How many segments the index's latest generation has."""
    return len(ix._segments())


def merge_smallest(keep: int):
    """A merge policy: the smallest segments go into the new one, leaving ``keep``."""

    def policy(writer: IndexWriter, segments: list) -> list:
        ordered = sorted(segments, key=lambda s: s.doc_count_all())
        merged = max(0, len(ordered) - keep + 1)
        for segment in ordered[:merged]:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        return ordered[merged:]

    return policy


class _TrackedStorage(FileStorage):
    """The index's folder, remembering every file a writer opens in it or its temporary
    folders, so that a writer whose commit failed half-way can close each of them."""

    def __init__(self, path: str, opened: list | None = None) -> None:
        super().__init__(path)
        self.opened = [] if opened is None else opened

    def create_file(self, name, *args, **kwargs):
        self.opened.append(f := super().create_file(name, *args, **kwargs))
        return f

    def open_file(self, name, *args, **kwargs):
        self.opened.append(f := super().open_file(name, *args, **kwargs))
        return f

    def temp_storage(self, name=None):
        return _TrackedStorage(os.path.join(self.folder, name), self.opened).create()


@contextlib.contextmanager
def opened_files(path: str) -> Iterator[FileStorage]:
    """The index folder as a storage that closes every file opened through it when the block
    ends: Whoosh leaves the file of a segment it could not open (a damaged one) open."""
    storage = _TrackedStorage(path)
    try:
        yield storage
    finally:
        for f in storage.opened:
            with contextlib.suppress(Exception):
                f.file.close()


def locked_writer(ix, timeout: float, delay: float, **options) -> IndexWriter:
    """``ix.writer(**options)`` once the index lock is had (LockError after ``timeout``).

    Whoosh's writer takes the lock and then makes its temporary folder and files; when that
    fails (a full disk) the lock stays held by this process for good. Here the lock is taken
    first and given back when the writer cannot be made. The writer's files are tracked for
    :func:`abandon`.
    """
    lock = take_lock(ix.storage, timeout, delay, ix.indexname)
    if options.get("procs", 1) > 1:  # its processes get the options, never the lock
        own = ("procs", "multisegment")
        options = {**options, "subargs": {k: v for k, v in options.items() if k not in own}}
    try:
        tracked = FileIndex(_TrackedStorage(ix.storage.folder), indexname=ix.indexname)
        writer = tracked.writer(_lk=False, **options)
    except BaseException:
        lock.release()
        raise
    writer.writelock = lock  # commit and cancel release it
    return writer


def take_lock(storage: FileStorage, timeout: float, delay: float = 0.05, name: str = "MAIN"):
    """The index's write lock, held (LockError when another process holds it past
    ``timeout``); ``.release()`` gives it back."""
    lock = storage.lock(f"{name}_WRITELOCK")
    if not try_for(lock.acquire, timeout=timeout, delay=delay):
        raise LockError
    return lock


def replace_segments(storage: FileStorage, fresh: str, name: str = "MAIN") -> None:
    """Move every segment of the index in ``fresh`` (a folder on the same file system) into
    the index in ``storage`` and publish them alone as its next generation; the old segments'
    files go.

    The caller holds the index's write lock. Readers see the new generation whole, or the one
    before: Whoosh writes a table of contents to a temporary file and renames it.
    """
    new = FileStorage(fresh)
    published = TOC.read(new, name)
    generation = TOC._latest_generation(storage, name) + 1
    for segment in published.segments:
        for file in segment.list_files(new):
            os.replace(os.path.join(fresh, file), os.path.join(storage.folder, file))
    TOC(published.schema, published.segments, generation).write(storage, name)
    clean_files(storage, name, generation, published.segments)


def abandon(writer: IndexWriter) -> None:
    """Cancel a writer whose work or commit failed: every file it opened is closed and the lock
    released whatever cancelling meets (closing a file on a full disk fails again), and the
    files of its unfinished segment and table of contents are removed at once, giving their
    space back. Nothing they held was ever visible: only a renamed table of contents publishes
    a segment."""
    try:
        writer.cancel()
    except Exception:  # the caller raises the first error; this one only frees what it held
        for f in writer.storage.opened:
            with contextlib.suppress(Exception):
                f.file.close()
        with contextlib.suppress(Exception):
            writer._finish()  # its searcher, its temporary folder, the lock
        lock = writer.writelock
        if lock is not None and getattr(lock, "fd", None) is not None:
            lock.release()
        writer.is_closed = True
    _remove_unfinished(writer)


def _remove_unfinished(writer: IndexWriter) -> None:
    """Delete the files of a cancelled writer's segment and table of contents, if never live."""
    storage, name = writer.storage, writer.indexname
    try:
        live = {s.segment_id() for s in TOC.read(storage, name).segments}
    except Exception:  # an unreadable table of contents: keep every file, remove nothing
        return
    unfinished = writer.newsegment.segment_id()
    partial_toc = f"_{name}_{writer.generation}.toc."
    for file in storage.list():
        ours = file.startswith(f"{unfinished}.") and unfinished not in live
        if ours or file.startswith(partial_toc):
            with contextlib.suppress(OSError):  # else a later commit's clean-up removes it
                storage.delete_file(file)


def segment_problem(storage, schema, segment) -> str | None:
    """What is wrong with a segment's structure (None: it opens whole): its compound file's
    directory, every part it lists lying inside the file, its last stored document."""
    try:
        reader = SegmentReader(storage, schema, segment)
    except Exception as exc:  # a damaged file makes Whoosh raise whatever it meets
        return f"unreadable ({exc!r})"
    try:
        parts = getattr(reader.storage(), "a", None)  # the compound file, when it is one
        if isinstance(parts, compound.CompoundStorage):
            size = storage.file_length(segment.make_filename(segment.COMPOUND_EXT))
            for name, extent in parts._dir.items():
                if extent["offset"] + extent["length"] > size:
                    return f"cut short: its part {name} lies past the end of the file"
        if reader.doc_count_all():
            reader.stored_fields(reader.doc_count_all() - 1)
    except Exception as exc:
        return f"unreadable ({exc!r})"
    finally:
        reader.close()
    return None
