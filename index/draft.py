"""A whole draft -> each of its sentences marked with what the archive says of it (SPEC §3b).

The draft is split as articles are (:mod:`.sentences`), with offsets into the draft as sent.
Each sentence that asserts something is checked as a claim on the evidence path of
:func:`index.evidence.find_evidence`, every one against the same snapshot, and gets a verdict
from the stances of its evidence: supporting and refuting sentences both count.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from index.answered import AnsweredWith, answered_with
from index.errors import DraftTooLong, InvalidDraft
from index.evidence import (
    Evidence,
    EvidenceQuery,
    Judged,
    evidence_item,
    fold_copies,
    judge_all,
    unsupported_words,
)
from index.judging.claims import analyse_claim
from index.judging.model import NEAR_VERBATIM, REFUTES, SUPPORTS, model
from index.judging.views import refers_back
from index.models.runtime import give_way
from index.models.semantic import Encoder
from index.records import ArticleFilter, Stance, StoredArticle
from index.stores.base import ArticleStore, Snapshot
from index.text.provenance import attribute, person_named_in, reports_speech
from index.text.sentences import paragraph_sentences

MAX_DRAFT_CHARS = 20_000
MAX_DRAFT_SENTENCES = 200
#: Sentences of context each evidence item carries, as /v1/evidence's default.
CONTEXT = 1
#: Candidates judged per sentence: a sentence shows a few items, not twenty. At 100k the bench
#: finds every draft sentence's source among its evidence with 30 as with 50, and judging is
#: most of a draft's time (30: 1.3 s of CPU a 40-sentence draft; 50: 1.8 s; docs/performance.md).
DRAFT_POOL = 30


class Verdict(StrEnum):
    """What the archive says of a checked sentence."""

    SUPPORTED = "supported"  # supporting evidence, none refuting
    DISPUTED = "disputed"  # both
    CONTRADICTED = "contradicted"  # refuting evidence only
    UNSUPPORTED = "unsupported"  # neither


class Unchecked(StrEnum):
    """Why a sentence of the draft was not checked."""

    QUESTION = "question"
    HEADING = "heading"
    NO_CONTENT_WORD = "no content word"
    ATTRIBUTION = "attribution only"


@dataclass(frozen=True)
class DraftQuery:
    """A draft to check, and the evidence filters of SPEC §3 that apply to every sentence."""

    text: str
    limit: int = 3
    sources: tuple[str, ...] = ()
    published_from: str | None = None
    published_to: str | None = None
    #: The verified fraction below which the draft fails (None: :data:`FAIL_UNDER`).
    fail_under: float | None = None

    @property
    def where(self) -> ArticleFilter:
        """The articles every sentence is checked against."""
        return ArticleFilter(self.sources, self.published_from, self.published_to)


@dataclass(frozen=True)
class DraftLimits:
    """The largest draft one check takes (the service reads these from its configuration)."""

    max_chars: int = MAX_DRAFT_CHARS
    max_sentences: int = MAX_DRAFT_SENTENCES


@dataclass(frozen=True)
class DraftSentence:
    """A sentence of the draft: ``text == draft[start:end]``; what was checked and found.

    ``checked_as`` is the claim judged when it differs from ``text``: an opening pronoun
    resolved to the person the draft names just before ("He said ..." -> "Dmitry Peskov said").
    """

    text: str
    start: int
    end: int
    checked: bool
    reason: Unchecked | None = None
    checked_as: str | None = None
    verdict: Verdict | None = None
    evidence: list[Evidence] = field(default_factory=list)
    unsupported_terms: list[str] = field(default_factory=list)


#: The gate when none is asked for: every checked sentence supported, as ``provenance check``'s
#: exit status has always said.
FAIL_UNDER = 1.0


@dataclass(frozen=True)
class DraftSummary:
    """How many sentences were checked, how many got each verdict, and the gate: the share
    of checked sentences supported (None when none was checked) and whether it reaches
    ``fail_under`` (a draft with nothing to check passes)."""

    checked: int
    supported: int
    disputed: int
    contradicted: int
    unsupported: int
    verified_fraction: float | None = None
    fail_under: float = FAIL_UNDER
    passed: bool = True

    @classmethod
    def of(cls, sentences: list[DraftSentence], fail_under: float | None = None) -> DraftSummary:
        verdicts = [s.verdict for s in sentences if s.checked]
        counts = [verdicts.count(v) for v in Verdict]
        gate = FAIL_UNDER if fail_under is None else fail_under
        checked, supported = len(verdicts), verdicts.count(Verdict.SUPPORTED)
        return cls(
            checked,
            *counts,
            verified_fraction=round(supported / checked, 4) if checked else None,
            fail_under=gate,
            # Exactly, not in floating point: 7 of 10 reaches 0.7.
            passed=not checked or Fraction(supported, checked) >= Fraction(str(gate)),
        )


@dataclass(frozen=True)
class DraftResult:
    """The draft as sent, every sentence of it in order, the counts, the time taken and what
    the answer is made with."""

    text: str
    sentences: list[DraftSentence]
    summary: DraftSummary
    took_ms: float
    answered_with: AnsweredWith | None = None


@dataclass(frozen=True)
class Segment:
    """A sentence of the draft before it is judged: why not to check it, or the claim to check."""

    start: int
    end: int
    reason: Unchecked | None
    claim: str


def check_draft(
    store: ArticleStore, query: DraftQuery, limits: DraftLimits = DraftLimits()
) -> DraftResult:
    """Every sentence of the draft, each checkable one judged against one snapshot."""
    started = time.perf_counter()
    segments = segment_draft(query.text, limits)
    made_with = answered_with(store)
    snapshot = store.snapshot()
    articles: dict[str, StoredArticle] = {}  # read once for all the draft's evidence
    checked = [s for s in segments if not s.reason]
    asked = [(analyse_claim(s.claim), asked_as(s.claim, query)) for s in checked]
    # One batch for the verifier: every sentence's best candidates read together.
    pools = dict(
        zip(
            map(id, checked),
            judge_all(snapshot, asked, store.encoder, DRAFT_POOL, articles),
            strict=True,
        )
    )
    sentences = []
    for s in segments:
        if s.reason:
            sentences.append(_unchecked(query.text, s))
            continue
        sentences.append(
            _checked(query.text, s, query, pools[id(s)], snapshot, store.encoder, articles)
        )
        give_way()
    return DraftResult(
        text=query.text,
        sentences=sentences,
        summary=DraftSummary.of(sentences, query.fail_under),
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        answered_with=made_with,
    )


def segment_draft(draft: str, limits: DraftLimits = DraftLimits()) -> list[Segment]:
    """The draft's sentences, each with why it is not checked or the claim it is checked as."""
    if not draft.strip():
        raise InvalidDraft("The draft is empty.")
    if len(draft) > limits.max_chars:
        raise DraftTooLong(
            f"The draft is {len(draft):,} characters; one check takes at most "
            f"{limits.max_chars:,}. Check it in parts."
        )
    spans = paragraph_sentences(as_articles_read(draft))
    if len(spans) > limits.max_sentences:
        raise DraftTooLong(
            f"The draft has {len(spans):,} sentences; one check takes at most "
            f"{limits.max_sentences:,}. Check it in parts."
        )
    texts = [draft[a:b] for (a, b), _ in spans]
    segments = []
    for i, ((a, b), furniture) in enumerate(spans):
        reason = Unchecked.HEADING if furniture else why_unchecked(draft, a, b)
        segments.append(Segment(a, b, reason, resolve(texts[i], texts[:i])))
    return segments


def as_articles_read(draft: str) -> str:
    """The draft with its line breaks as stored articles have them, at the same offsets:
    CRLF ends a line with a space, a lone CR is a line break."""
    return draft.replace("\r\n", " \n").replace("\r", "\n")


_QUESTION = re.compile(r"\?[\"'\u201d\u2019)\]]*$")
_ENDS_SENTENCE = re.compile(r"[.!?:;\"'\u201d\u2019)\]\u2026]$")
# Words the index keeps that assert nothing on their own ("So be it.", "It is what it is.").
_FUNCTION_WORDS = frozenset(
    "what which who whom whose when where why how so then there here yes yeah no oh ah well "
    "also just very too now as is are was were be been being am do does did has have had".split()
)
#: A heading is short: a line this many words or fewer, with no full stop, above more text.
HEADING_WORDS = 15


def why_unchecked(draft: str, start: int, end: int) -> Unchecked | None:
    """Why the sentence at ``draft[start:end]`` asserts nothing to check, or None."""
    text = draft[start:end]
    if _QUESTION.search(text):
        return Unchecked.QUESTION
    words = [w for w in analyse_claim(text).words if w.surface.lower() not in _FUNCTION_WORDS]
    if not words:
        return Unchecked.NO_CONTENT_WORD
    if reports_speech(text) and (
        text.endswith(":")
        or all(w.surface[0].isupper() or reports_speech(w.surface) for w in words)
    ):
        return Unchecked.ATTRIBUTION  # "He said:", "Peskov told reporters:", "Putin said."
    if _is_heading(draft, start, end, len(words)):
        return Unchecked.HEADING
    return None


def _is_heading(draft: str, start: int, end: int, words: int) -> bool:
    """A line of its own, short and unpunctuated, with more of the draft after it."""
    line_start = draft.rfind("\n", 0, start) + 1
    line_end = draft.find("\n", end)
    line_end = len(draft) if line_end < 0 else line_end
    return (
        not draft[line_start:start].strip()
        and not draft[end:line_end].strip()
        and words <= HEADING_WORDS
        and not _ENDS_SENTENCE.search(draft[start:end])
        and bool(draft[line_end:].strip())
    )


_PERSON = re.compile(r"\b(?:(?P<subject>he|she|they)|(?P<owner>his|her|their))\b", re.IGNORECASE)


def resolve(sentence: str, preceding: list[str]) -> str:
    """The sentence as a claim: a person it opens with, or quotes by pronoun, named as the
    draft names them just before ("He said ..." -> "Dmitry Peskov said ..."), as /v1/evidence
    reads an answer's sentences; a sentence that does not refer back is its own claim."""
    if not preceding or not refers_back(sentence):
        return sentence
    said = attribute(sentence, preceding)
    name = said.speaker if said else None
    name = name or next((n for s in reversed(preceding[-3:]) if (n := person_named_in(s))), None)
    person = _PERSON.search(sentence)
    if not name or not person:
        return sentence
    named = name if person.group("subject") else f"{name}'s"
    return sentence[: person.start()] + named + sentence[person.end() :]


def _unchecked(draft: str, s: Segment) -> DraftSentence:
    return DraftSentence(draft[s.start : s.end], s.start, s.end, checked=False, reason=s.reason)


def asked_as(claim: str, query: DraftQuery) -> EvidenceQuery:
    """The evidence query a draft sentence is checked with: both sides, the draft's filters."""
    return EvidenceQuery(
        claim,
        limit=query.limit,
        sources=query.sources,
        published_from=query.published_from,
        published_to=query.published_to,
        stance=Stance.ALL,
    )


def _checked(
    draft: str,
    s: Segment,
    query: DraftQuery,
    judged: list[Judged],
    snapshot: Snapshot,
    encoder: Encoder | None,
    articles: dict[str, StoredArticle],
) -> DraftSentence:
    """The sentence judged as a claim: its verdict, its evidence on both sides, what is left."""
    claim = analyse_claim(s.claim)
    sides = taken_sides(fold_copies(judged), encoder)
    shown = shown_groups(sides, query.limit)
    supporting = [j for g in shown if g[0].judgement.stance == SUPPORTS for j in g]
    text = draft[s.start : s.end]
    return DraftSentence(
        text,
        s.start,
        s.end,
        checked=True,
        checked_as=s.claim if s.claim != text else None,
        verdict=verdict({g[0].judgement.stance for g in sides}),
        evidence=[evidence_item(claim, g, CONTEXT, snapshot, articles) for g in shown],
        unsupported_terms=unsupported_words(claim, supporting),
    )


def taken_sides(groups: list[list[Judged]], encoder: Encoder | None) -> list[list[Judged]]:
    """The groups that support or refute the sentence, best first. A contradiction the verifier
    read always counts; a refutation by the lexical rules alone does not when it scores far
    below the sentence's best support: the cut :func:`index.judging.support.within_reach` makes of
    supports (a near-copy scored a hundredth of the verbatim quote is noise, not a dispute)."""
    heads = [g[0].judgement for g in groups]
    best = max((j.score for j in heads if j.stance == SUPPORTS), default=0.0)
    floor = model(encoder is not None).relative * min(best, NEAR_VERBATIM)
    return [
        g
        for g, j in zip(groups, heads, strict=True)
        if j.stance == SUPPORTS
        or (j.stance == REFUTES and (j.reading is not None or j.score >= floor))
    ]


def verdict(stances: set[str]) -> Verdict:
    """The verdict of a sentence whose evidence has these stances."""
    if SUPPORTS in stances:
        return Verdict.DISPUTED if REFUTES in stances else Verdict.SUPPORTED
    return Verdict.CONTRADICTED if REFUTES in stances else Verdict.UNSUPPORTED


def shown_groups(sides: list[list[Judged]], limit: int) -> list[list[Judged]]:
    """The ``limit`` best groups (``sides`` come best first); when they all take one side and
    the other has evidence too, its best takes the last place: a disputed sentence shows both."""
    shown = sides[:limit]
    stances = {g[0].judgement.stance for g in shown}
    other = next((g for g in sides[limit:] if g[0].judgement.stance not in stances), None)
    if other is not None and limit > 1:
        shown[-1] = other
    return shown
