"""Reading articles from files and directories, and the embedded seed corpus."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from itertools import islice
from pathlib import Path

from index.errors import InvalidArticle, describe
from index.records import WriteResult, WriteStatus
from index.stores.base import ArticleStore
from index.text.articles import Article, article_from_mapping, parse_raw

SUFFIXES = (".txt", ".json", ".jsonl", ".ndjson")
NDJSON_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True)
class SourceError:
    """An input that could not become an article: where it was, and field -> what is wrong.

    What is wrong with the input as a whole (unreadable, not JSON) is under ``_schema``.
    """

    where: str
    errors: dict[str, list[str]]

    @classmethod
    def whole(cls, where: str, message: str) -> SourceError:
        """An error about the whole input rather than one of its fields."""
        return cls(where, {"_schema": [message]})

    @property
    def message(self) -> str:
        """The errors on one line."""
        return describe(self.errors)

    @property
    def file(self) -> str:
        """The file, without the line number an NDJSON error adds."""
        head, _, tail = self.where.rpartition(":")
        return head if head and tail.isdigit() else self.where


def seed_files() -> list[Path]:
    """The seed articles shipped with the package."""
    root = resources.files("index") / "seeds"
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".txt"))


#: A file in the index directory: the index has been used, so it is never seeded (again).
USED_MARKER = "USED"


def seed_if_new(store: ArticleStore) -> list[WriteResult]:
    """Index the shipped seeds into a never-used index (the default corpus), once.

    An index that held articles, or was seeded, is marked used: emptied on purpose, it stays
    empty. Two processes starting at once both seed; the second finds the seeds unchanged.
    """
    if _used(store):
        return []
    added = []
    if store.is_empty():
        added = store.add_many(a for a in read_paths(seed_files()) if isinstance(a, Article))
    mark_used(store)
    return added


def mark_used(store: ArticleStore) -> None:
    """Record that the index at ``store`` is in use, so it is never seeded.

    The mark is a file beside a Whoosh index; an OpenSearch archive keeps none (yet), so an
    emptied one is seeded again at the next start.
    """
    if store.backend == "whoosh":
        (store.path / USED_MARKER).touch()


def _used(store: ArticleStore) -> bool:
    return store.backend == "whoosh" and (store.path / USED_MARKER).exists()


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and the article files under directories named, in sorted order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        else:
            yield path


def read_paths(paths: Iterable[Path]) -> Iterator[Article | SourceError]:
    """Articles from ``.txt`` (raw), ``.json`` (one object) and ``.jsonl`` (one per line)."""
    for path in expand(paths):
        try:
            if path.suffix in NDJSON_SUFFIXES:
                yield from read_ndjson(ndjson_lines(path.read_text(encoding="utf-8")), str(path))
            elif path.suffix == ".json":
                yield _from_json(path.read_text(encoding="utf-8"), str(path))
            else:
                yield parse_raw(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            yield SourceError.whole(str(path), str(exc))
        except InvalidArticle as exc:
            yield SourceError(str(path), exc.errors)


def ndjson_lines(text: str) -> list[str]:
    """The lines of an NDJSON text: split at ``\\n`` only.

    ``str.splitlines`` also splits at U+2028, U+0085 and others, which JSON allows unescaped
    inside strings.
    """
    return text.split("\n")


def read_ndjson(lines: Iterable[str], where: str) -> Iterator[Article | SourceError]:
    """One article per non-blank line; a bad line is an error naming its line number."""
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                yield _from_json(line, f"{where}:{number}")
            except InvalidArticle as exc:
                yield SourceError(f"{where}:{number}", exc.errors)


def parse_json(text: str | bytes):
    """A JSON value, or ValueError saying why not (nesting too deep for the parser included)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _from_json(text: str, where: str) -> Article | SourceError:
    try:
        data = parse_json(text)
    except ValueError as exc:
        return SourceError.whole(where, f"invalid JSON: {exc}")
    if not isinstance(data, dict):
        return SourceError.whole(where, "expected a JSON object")
    return article_from_mapping(data)


@dataclass
class IngestReport:
    """What an ingest did: one write result per article read, and the inputs that failed."""

    results: list[WriteResult] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)

    def count(self, status: str) -> int:
        """Articles that ended with ``status`` (created, replaced or unchanged)."""
        return sum(r.status == status for r in self.results)

    def summary(self) -> str:
        """One line: articles by outcome, sentences indexed, errors and the files they are in."""
        sentences = sum(r.sentences for r in self.results)
        unchanged = self.count(WriteStatus.UNCHANGED)
        skipped = {0: "", 1: " (a duplicate, skipped)"}.get(unchanged, " (duplicates, skipped)")
        line = (
            f"{plural(len(self.results), 'article')}: {self.count(WriteStatus.CREATED)} new, "
            f"{self.count(WriteStatus.REPLACED)} replaced, {unchanged} unchanged{skipped}; "
            f"{plural(sentences, 'sentence')} indexed; {plural(len(self.errors), 'error')}"
        )
        files = list(dict.fromkeys(e.file for e in self.errors))
        return line + (f" in {', '.join(files)}" if files else "")


def plural(n: int, noun: str) -> str:
    """``1 error``, ``2 errors``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def ingest_paths(
    store: ArticleStore, paths: Iterable[Path], progress: Callable[[int], None] = lambda n: None
) -> IngestReport:
    """Add or replace every article under ``paths``, a batch per commit (``store.batch_size``).

    ``progress(n)`` is called as ``n`` more inputs are done (written, or found unreadable).
    """
    report = IngestReport()
    mark_used(store)  # an operator's index: emptied later, it must not fill with seeds

    def articles() -> Iterator[Article]:
        for item in read_paths(paths):
            if isinstance(item, SourceError):
                report.errors.append(item)
                progress(1)
            else:
                yield item

    pending = articles()
    while batch := list(islice(pending, store.batch_size)):
        report.results += store.add_many(batch, replace=True)
        progress(len(batch))
    return report


def count_inputs(paths: Iterable[Path]) -> int:
    """How many articles ``paths`` hold at most: one per file, one per non-blank NDJSON line."""
    total = 0
    for path in expand(paths):
        if path.suffix in NDJSON_SUFFIXES and path.is_file():
            with path.open("rb") as lines:
                total += sum(1 for line in lines if line.strip())
        else:
            total += 1
    return total
