"""What the lab reads from ``../shared/data``, in place: the paths, and the readers.

``news-1m`` (news-like articles, NDJSON) and ``reuters21578`` (Reuters-21578 records) are read
as articles, and the first N sentences of them as a benchmark's corpus (:func:`read_articles`,
:func:`load_corpus`); ``climate-fever`` as labelled claims (:func:`read_climate_fever`). The
licensed pairs of ``nli`` are read by :mod:`lab.nli_data`, from :data:`NLI_DIR`.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from index.text.articles import Article, build_article
from index.text.sentences import split_sentences

ROOT = Path(__file__).resolve().parent.parent
NEWS_1M = ROOT.parent / "shared/data/news-1m/articles_1m.jsonl.gz"
CLIMATE_FEVER = ROOT.parent / "shared/data/climate-fever/climate-fever.jsonl"
NLI_DIR = ROOT.parent / "shared/data/nli"


@dataclass
class Corpus:
    """The first articles of the corpus and their sentences, in order."""

    articles: list[Article]
    sentences: list[str]


def read_articles(path: Path) -> Iterator[Article]:
    """Articles from a news-1m style NDJSON (``id``, ``text``, ...) or Reuters-21578 records."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if "newid" in record:
                article = _reuters_article(record)
                if article is not None:
                    yield article
            else:
                yield build_article(**record)


def _reuters_article(record: dict) -> Article | None:
    body = re.sub(r"\s*\bReuter\s*$", "", record.get("body") or "")
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s+", body))
    text = "\n\n".join(p for p in paragraphs if p)
    if not text:
        return None
    return build_article(
        text,
        id=f"reuters-{record['newid']}",
        title=record.get("title"),
        source="Reuters",
        published=_reuters_day(record.get("date")),
    )


def _reuters_day(stamp: str | None) -> str | None:
    try:
        return time.strftime("%Y-%m-%d", time.strptime(stamp.split()[0], "%d-%b-%Y"))
    except (AttributeError, IndexError, ValueError):
        return None


def load_corpus(path: Path, sentences: int) -> Corpus:
    """Whole articles, in file order, until they hold at least ``sentences`` sentences."""
    articles, texts = [], []
    for article in read_articles(path):
        if len(texts) >= sentences:
            break
        articles.append(article)
        texts.extend(s.text for s in split_sentences(article.text))
    return Corpus(articles, texts)


@dataclass(frozen=True)
class Case:
    """One claim and the labels of its evidence sentences (keys are evidence ids)."""

    claim_id: int
    claim: str
    supports: frozenset[str]
    refutes: frozenset[str]


@dataclass(frozen=True)
class Dataset:
    """The claims, and each evidence sentence by key as ``(article title, sentence)``."""

    cases: list[Case]
    sentences: dict[str, tuple[str, str]]


def read_climate_fever(path: Path) -> Dataset:
    """Read the Climate-FEVER JSONL: one claim per line with its five labelled sentences."""
    cases, sentences = [], {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            labels: dict[str, set[str]] = {"SUPPORTS": set(), "REFUTES": set()}
            for e in row["evidences"]:
                sentences[e["evidence_id"]] = (e["article"], e["evidence"])
                labels.get(e["evidence_label"], set()).add(e["evidence_id"])
            cases.append(
                Case(
                    int(row["claim_id"]),
                    row["claim"],
                    frozenset(labels["SUPPORTS"]),
                    frozenset(labels["REFUTES"]),
                )
            )
    return Dataset(cases, sentences)
