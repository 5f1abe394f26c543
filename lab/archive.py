"""The archive a run against the service serves: the first N sentences of a corpus (news-1m by
default) built through our ingest path (:func:`lab.bench_retrieval.build_ours`), kept in a
workdir and reused, and copied fresh for each run, since a run may write to it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from lab.bench_retrieval import build_ours
from lab.data import Corpus, load_corpus


@dataclass
class Archive:
    """The index a run serves (a copy), the corpus it was built from, and that corpus's file."""

    index_dir: Path
    corpus: Corpus
    path: Path


def build_archive(corpus_path: Path, sentences: int, workdir: Path) -> Archive:
    """The first ``sentences`` of the corpus indexed (kept in ``workdir``, reused when built
    before), copied to a fresh directory for this run."""
    corpus = load_corpus(corpus_path, sentences)
    kept = workdir / f"whoosh-{len(corpus.sentences)}"
    build_ours(corpus, kept)[0].close()
    run = workdir / "run-index"
    shutil.rmtree(run, ignore_errors=True)
    shutil.copytree(kept, run)
    return Archive(run, corpus, corpus_path)
