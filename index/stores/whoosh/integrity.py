"""Whether the index's files are whole: checksums kept beside them, checked when the service
starts, and every stored document and posting read back by ``provenance check-index``.

Whoosh writes no checksums of its own. A segment's files never change once written (deletions
are kept in the table of contents), and each commit writes a new table of contents; so after
every commit the store records the size and CRC-32 of each new file beside it
(``<file>.crc32``). Whoosh's clean-up removes a segment's record with the segment; the records
of old tables of contents are removed here. :func:`check_files` compares every file of the
current generation with its record, and opens one without a record (written before records
were kept, or by another program) to see that it is whole. :func:`check_index` reads every
document and posting as well and checks each article against its content hash.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import zlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.reading import SegmentReader

from index.errors import IndexDamaged
from index.stores import fields as F
from index.stores.whoosh import documents, internals

INDEX_NAME = "MAIN"
CHECKSUM = ".crc32"
#: What to do about a damaged segment: the stored articles still readable are kept.
WAY_OUT = (
    "Stop the service and run `provenance reindex` (with --index for this directory): it "
    "rebuilds the index from every stored article it can still read and names what it "
    "cannot; ingest those again from your sources."
)
#: What to do about a damaged table of contents: it alone says which segments hold the index.
TOC_WAY_OUT = (
    "Restore the index directory from a backup, or move it away and ingest your sources "
    "again (provenance ingest)."
)
_TOC = re.compile(rf"^_{INDEX_NAME}_(\d+)\.toc$")


@dataclass(frozen=True)
class Problem:
    """A damaged file (or document) of the index, and what is wrong with it."""

    file: str
    what: str


def _sum(path: Path) -> dict[str, int]:
    crc = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            crc = zlib.crc32(block, crc)
    return {"size": path.stat().st_size, "crc32": crc}


def _current(storage: FileStorage) -> tuple[TOC, dict[str, object]]:
    """The latest table of contents, and each of its files' names: its own (None), then
    every segment's, with the segment (a missing one by its compound file's name)."""
    toc = TOC.read(storage, INDEX_NAME)
    names: dict[str, object] = {TOC._filename(INDEX_NAME, toc.generation): None}
    for segment in toc.segments:
        own = [n for n in segment.list_files(storage) if CHECKSUM not in n]
        for name in own or [segment.make_filename(segment.COMPOUND_EXT)]:
            names[name] = segment
    return toc, names


def record_checksums(path: Path) -> None:
    """Record the checksum of each file of the current generation that has none; remove the
    records of tables of contents no longer current. Done after every commit, and at start."""
    try:
        with internals.opened_files(str(path)) as storage:
            toc, names = _current(storage)
    except Exception:  # an index still empty, or one being replaced: the next commit records
        return
    current = TOC._filename(INDEX_NAME, toc.generation) + CHECKSUM
    for name in os.listdir(path):
        if name.endswith(CHECKSUM) and _TOC.match(name[: -len(CHECKSUM)]) and name != current:
            with contextlib.suppress(OSError):
                (path / name).unlink()
    for name in names:
        record = path / (name + CHECKSUM)
        if not record.exists() and (path / name).exists():
            temporary = record.with_name(f"{record.name}.{os.getpid()}.tmp")  # one a process
            temporary.write_text(json.dumps(_sum(path / name)))
            temporary.replace(record)


def check_files(path: Path, attempts: int = 3) -> list[Problem]:
    """Every file of the current generation against its checksum, or opened whole when it has
    none; an empty list when all are whole. A commit by another process while checking (its
    clean-up removes files just listed) makes the check start again, ``attempts`` times."""
    with internals.opened_files(str(path)) as storage:
        if TOC._latest_generation(storage, INDEX_NAME) < 0:
            return []  # no index here yet
        for _ in range(attempts):
            generation = TOC._latest_generation(storage, INDEX_NAME)
            problems = _check_generation(storage, path)
            if not problems or TOC._latest_generation(storage, INDEX_NAME) == generation:
                return problems
        return problems


def _check_generation(storage: FileStorage, path: Path) -> list[Problem]:
    toc_file = TOC._filename(INDEX_NAME, TOC._latest_generation(storage, INDEX_NAME))
    toc_problem = _against_record(path, toc_file)
    try:
        toc, names = _current(storage)
    except Exception as exc:  # any failure to parse it: Whoosh raises what it meets
        return [Problem(toc_file, toc_problem or f"unreadable ({exc!r})")]
    problems = [Problem(toc_file, toc_problem)] if toc_problem else []
    for name, segment in names.items():
        if segment is None:
            continue
        found = _against_record(path, name)
        if found is None and not (path / (name + CHECKSUM)).exists():
            found = internals.segment_problem(storage, toc.schema, segment)
        if found:
            problems.append(Problem(name, found))
    return problems


def _against_record(path: Path, name: str) -> str | None:
    """What is wrong with a file against its recorded checksum (None: whole, or no record)."""
    file, record = path / name, path / (name + CHECKSUM)
    if not file.exists():
        return "missing"
    try:
        expected = json.loads(record.read_text())
    except (OSError, ValueError):
        return None
    found = _sum(file)
    if found["size"] < expected["size"]:
        return f"cut short: {found['size']:,} of its {expected['size']:,} bytes"
    if found != expected:
        return "altered: its bytes no longer match the checksum recorded when it was written"
    return None


def check_at_start(path: Path) -> None:
    """Raise :class:`IndexDamaged` naming each damaged file and the way out; else record the
    checksums of files that had none (when the directory can be written)."""
    problems = check_files(path)
    if problems:
        raise IndexDamaged(describe(path, problems))
    with contextlib.suppress(OSError):
        record_checksums(path)


def describe(path: Path, problems: list[Problem]) -> str:
    """The damage in words, with the way out."""
    files = "; ".join(f"{path / p.file}: {p.what}" for p in problems)
    toc = any(_TOC.match(p.file) for p in problems)
    return f"The index in {path} is damaged. {files}. {TOC_WAY_OUT if toc else WAY_OUT}"


def check_index(path: Path) -> tuple[dict[str, int], list[Problem]]:
    """Every file (:func:`check_files`), then every stored document and posting of every
    segment; each article against its content hash, and its sentences against its text.
    Returns the counts of what was read, and the problems found."""
    problems = check_files(path)
    with internals.opened_files(str(path)) as storage:
        if any(_TOC.match(p.file) for p in problems) or TOC._latest_generation(storage, "MAIN") < 0:
            return {"segments": 0, "articles": 0, "sentences": 0}, problems
        return _read_all(storage, problems)


def _read_all(storage: FileStorage, problems: list[Problem]) -> tuple[dict, list[Problem]]:
    """:func:`check_index` past the files: every document and posting of every segment."""
    toc = TOC.read(storage, INDEX_NAME)
    missing = {p.file for p in problems if p.what == "missing"}
    articles: dict[str, tuple[str, list]] = {}
    sentences: dict[str, list] = defaultdict(list)
    for segment in toc.segments:
        name = segment.make_filename(segment.COMPOUND_EXT)
        if name in missing:
            continue
        try:
            read = read_segment(storage, toc.schema, segment)
        except Exception as exc:  # the segment's own structures: whatever they raise
            problems.append(Problem(name, f"unreadable ({exc!r})"))
            continue
        problems += [Problem(name, what) for what in read.problems]
        for fields in read.live:
            _take(fields, articles, sentences, problems, name)
    for article_id, (text, spans) in sorted(articles.items()):
        found = sorted(sentences.pop(article_id, []))
        if [i for i, _ in found] != list(range(len(spans))):
            problems.append(Problem(article_id, "its sentences are not the ones it lists"))
        elif any(text[slice(*spans[i])] != s for i, s in found):
            problems.append(Problem(article_id, "a sentence differs from the article's text"))
    for article_id in sentences:
        problems.append(Problem(article_id, "sentences without their article"))
    counts = {"segments": len(toc.segments), "articles": len(articles)}
    return counts | {"sentences": sum(len(s) for _, s in articles.values())}, problems


@dataclass
class SegmentRead:
    """Every live stored document of a segment, and what could not be read or did not agree."""

    live: list[dict]
    problems: list[str]


def read_segment(storage, schema, segment) -> SegmentRead:
    """Read every stored document and every posting list of a segment, checking that each
    list is in order, within the segment and as long as the term index says."""
    reader = SegmentReader(storage, schema, segment)
    try:
        count, problems, live = reader.doc_count_all(), [], []
        deleted = set(segment.deleted_docs() or ())
        for docnum in range(count):
            try:
                fields = reader.stored_fields(docnum)
            except Exception as exc:
                problems.append(f"stored document {docnum} is unreadable ({exc!r})")
                continue
            if docnum not in deleted:
                live.append(fields)
        try:
            for field, text in reader.all_terms():
                ids, _ = internals.postings(reader, field, text)
                if len(ids) != reader.doc_frequency(field, text) or (
                    len(ids) and (ids[-1] >= count or bool(np.any(np.diff(ids) <= 0)))
                ):
                    problems.append(f"the postings of {field}:{text!r} do not agree")
        except Exception as exc:
            problems.append(f"its terms or postings are unreadable ({exc!r})")
        return SegmentRead(live, problems)
    finally:
        reader.close()


def _take(fields: dict, articles: dict, sentences: dict, problems: list, file: str) -> None:
    """One live stored document into the tallies, checked as it is decoded."""
    article_id = fields.get(F.ARTICLE_ID)
    try:
        if fields[F.KIND] == F.ARTICLE_KIND:
            stored = documents.decode_article(fields)
            if stored.article.content_hash() != stored.content_hash:
                problems.append(Problem(article_id, "its text does not match its content hash"))
            spans = [(s.start, s.end) for s in stored.sentences]
            articles[article_id] = (stored.article.text, spans)
        else:
            hit = documents.decode_sentence(fields, 0.0)
            sentences[article_id].append((hit.index, hit.text))
    except Exception as exc:  # a stored document that does not decode: any error
        problems.append(Problem(file, f"a stored document of {article_id!r} is unreadable ({exc})"))
