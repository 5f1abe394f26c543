"""How an answer was made: the archive's generation, the judge, the support weights, the version.

Two answers to the same question with the same :class:`AnsweredWith` are the same answer (but
for the time they took), so it is what an answer's HTTP validator (its ETag) is made of.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from index.judging import verifier as verifiers
from index.judging.model import weights_file
from index.models.runtime import file_sha256
from index.stores.base import ArticleStore

#: The distribution the package is installed as (pyproject.toml's ``name``).
DISTRIBUTION = "fact-provenance"
LEXICAL = "lexical"


@dataclass(frozen=True)
class AnsweredWith:
    """What an answer depends on besides the question.

    ``generation``: the archive's, which every committed write changes (Whoosh: the index
    generation; OpenSearch: the version of the cluster's generation document). ``judge``:
    ``lexical``, or ``verifier:<sha256 of its model file>``. ``support_weights_sha256``: the
    support model's weights file in use. ``version``: the package's.
    """

    generation: str
    judge: str
    support_weights_sha256: str
    version: str


def answered_with(store: ArticleStore) -> AnsweredWith:
    """What an answer asked of ``store`` now is made with (its generation read now)."""
    verifier = verifiers.current()
    judge = LEXICAL if verifier is None else f"verifier:{verifier.sha256}"
    weights = weights_file(store.encoder is not None, verifier is not None)
    return AnsweredWith(str(store.generation()), judge, _sha256(weights), package_version())


@cache
def _sha256(path: Path) -> str:
    return file_sha256(path)


@cache
def package_version() -> str:
    """The installed package's version (``0+unknown`` when run from an uninstalled tree)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0+unknown"
