"""What an answer holds: its evidence items (the sentence, its article, context, quote,
copies, citation and conflict), the parts of a long claim, and how the answer was made.

The records :func:`index.evidence.find_evidence` returns and the service serialises.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from index.answered import AnsweredWith
from index.citations import Citation
from index.judging.explain import Cover
from index.judging.views import Conflict
from index.records import ArticleRef, Stance
from index.text.provenance import Attribution


@dataclass(frozen=True)
class Copy:
    """The same statement as carried by another article."""

    sentence: str
    article_id: str
    source: str | None
    published: str | None
    url: str | None
    sentence_index: int
    citation: Citation


@dataclass(frozen=True)
class Context:
    """Sentences just before and after the evidence in its article."""

    before: list[str]
    after: list[str]


@dataclass(frozen=True)
class Evidence:
    """One supporting (or, with ``stance=all``, refuting or related) sentence and its copies."""

    sentence: str
    score: float
    stance: Stance
    matched_terms: list[str]
    highlights: list[list[int]]
    article: ArticleRef
    sentence_index: int
    offsets: list[int]
    context: Context
    attribution: Attribution | None
    also_in: list[Copy]
    corroboration: int
    covers: list[Cover]
    explanation: str
    citation: Citation
    #: What disagrees, on a ``refutes`` item; None on the others.
    conflict: Conflict | None = None


@dataclass(frozen=True)
class ClaimPart:
    """A clause of a long claim, and whether a sentence of the answer supports it."""

    text: str
    supported: bool


@dataclass(frozen=True)
class EvidenceResult:
    """The answer to a claim; ``parts`` only for a claim judged clause by clause; ``next``, the
    cursor of the answer's next page, when it has one (:mod:`index.pages`)."""

    claim: str
    took_ms: float
    evidence: list[Evidence]
    unsupported_terms: list[str]
    parts: list[ClaimPart] = field(default_factory=list)
    answered_with: AnsweredWith | None = None
    next: str | None = None
