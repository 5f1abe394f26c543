"""Reading articles from files and directories, and the embedded seed corpus."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .articles import Article, article_from_mapping, parse_raw
from .errors import InvalidArticle
from .store import Store, WriteResult

SUFFIXES = (".txt", ".json", ".jsonl", ".ndjson")


@dataclass(frozen=True)
class SourceError:
    """An input that could not become an article: where it was and why."""

    where: str
    message: str


def seed_files() -> list[Path]:
    """The seed articles shipped with the package."""
    root = resources.files("index") / "seeds"
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".txt"))


def seed_if_empty(store: Store) -> list[WriteResult]:
    """Index the shipped seeds when the index holds no article (the default corpus)."""
    if not store.is_empty():
        return []
    return store.add_many(a for a in read_paths(seed_files()) if isinstance(a, Article))


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
            if path.suffix in (".jsonl", ".ndjson"):
                yield from read_ndjson(path.read_text(encoding="utf-8").splitlines(), str(path))
            elif path.suffix == ".json":
                yield _from_json(path.read_text(encoding="utf-8"), str(path))
            else:
                yield parse_raw(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            yield SourceError(str(path), str(exc))
        except InvalidArticle as exc:
            yield SourceError(str(path), str(exc))


def read_ndjson(lines: Iterable[str], where: str) -> Iterator[Article | SourceError]:
    """One article per non-blank line; a bad line is an error naming its line number."""
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                yield _from_json(line, f"{where}:{number}")
            except InvalidArticle as exc:
                yield SourceError(f"{where}:{number}", str(exc))


def _from_json(text: str, where: str) -> Article | SourceError:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return SourceError(where, f"invalid JSON: {exc}")
    if not isinstance(data, dict):
        return SourceError(where, "expected a JSON object")
    return article_from_mapping(data)
