"""Climate-FEVER evaluation (SPEC §7): how well the evidence pipeline finds supporting sentences.

Every distinct evidence sentence becomes its own paragraph of an article named by its Wikipedia
title, so the index holds the sentences as the service would; each claim then goes through
:func:`index.evidence.find_evidence`, the code path behind the HTTP API. Claims with an even
``claim_id`` are for tuning and training, the odd half is held out; both are reported, next to
a plain BM25 OR-query over the same index for reference.

This module holds the protocol: the dataset indexed, the systems, the metrics and the report of
``python -m lab eval``; the reader is in lab/data.py, fitting the support model (``--train``) in
lab/eval_fit.py, the floor's curve (``--plot``) and the misses (``--misses``) in
lab/eval_report.py.
"""

from __future__ import annotations

import bisect
import hashlib
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from whoosh.query import Or, Term

from index.evidence import EvidenceQuery, find_evidence, judge_candidates
from index.judging import verifier as verifiers
from index.judging.claims import analyse_claim
from index.judging.model import SUPPORTS
from index.models.semantic import encoder_for
from index.stores import fields as F
from index.stores.whoosh.store import Store
from index.text.articles import Article, build_article
from lab.data import NLI_DIR, Case, Dataset, read_climate_fever

SOURCE = "Wikipedia"


def verified() -> bool:
    """Whether this process judges with the verifier (``PROVENANCE_VERIFIER``, or
    :func:`index.judging.verifier.use`)."""
    return verifiers.current() is not None


def open_dataset_store(path: str, semantic: bool) -> Store:
    """A fresh store for the dataset, in the mode asked for."""
    return Store(path, encoder=encoder_for(semantic))


PARAGRAPH_BREAK = "\n\n"


# An answer: its items in rank order, each the evidence keys it carries (a folded item carries
# its copies too).
Answer = list[frozenset[str]]


@dataclass(frozen=True)
class Metrics:
    """SPEC §7 figures for one system on one set of claims."""

    claims: int
    recall_at_5: float
    recall_at_10: float
    recall_answer: float
    mrr: float
    refutes_in_top_5: float
    refutes_returned: float
    mean_answer_length: float
    queries_per_second: float
    #: Share of the claims with no SUPPORTS sentence that still get a non-empty answer.
    unsupported_answered: float = 0.0
    #: Per claim, as an editor meets it: the share of claims with a SUPPORTS sentence whose
    #: answer holds one, and of claims with a REFUTES sentence whose answer holds one.
    supported_kept: float = 0.0
    refuted_as_supports: float = 0.0

    HEADER = (
        "  claims   R@5  R@10  R@ans   MRR  REF@5  REF-ans  len   q/s  none-ans  sup-kept  ref-sup"
    )

    def row(self) -> str:
        """One line under :attr:`HEADER`."""
        return (
            f"{self.claims:8d} {self.recall_at_5:5.3f} {self.recall_at_10:5.3f} "
            f"{self.recall_answer:6.3f} {self.mrr:5.3f} {self.refutes_in_top_5:6.3f} "
            f"{self.refutes_returned:8.3f} {self.mean_answer_length:4.1f} "
            f"{self.queries_per_second:5.0f} {self.unsupported_answered:9.3f} "
            f"{self.supported_kept:9.3f} {self.refuted_as_supports:8.3f}"
        )


def corpus(sentences: dict[str, tuple[str, str]]) -> tuple[list[Article], dict[str, list[str]]]:
    """One article per title, each sentence its own paragraph; and each article's sentence keys."""
    by_title: dict[str, list[str]] = {}
    for key, (title, _) in sentences.items():
        by_title.setdefault(title, []).append(key)
    articles, keys = [], {}
    for title, members in by_title.items():
        article_id = "wiki-" + hashlib.sha1(title.encode()).hexdigest()[:16]
        text = PARAGRAPH_BREAK.join(sentences[k][1] for k in members)
        articles.append(build_article(text, id=article_id, title=title, source=SOURCE))
        keys[article_id] = members
    return articles, keys


def index_dataset(store: Store, data: Dataset) -> tuple[dict[tuple[str, int], str], int]:
    """Index the evidence sentences; map each indexed (article id, sentence index) to its key.

    The segmenter may split an evidence sentence (e.g. at "c. 115,000"); every piece maps to
    the sentence's key. Returns the map and the number of sentences indexed.
    """
    articles, keys = corpus(data.sentences)
    store.add_many(articles)
    where: dict[tuple[str, int], str] = {}
    for article in articles:
        starts, offset = [], 0
        for key in keys[article.id]:
            starts.append(offset)
            offset += len(data.sentences[key][1]) + len(PARAGRAPH_BREAK)
        for s in store.get(article.id).sentences:
            paragraph = bisect.bisect_right(starts, s.start) - 1
            where[(article.id, s.index)] = keys[article.id][paragraph]
    return where, len(where)


def measure(cases: Sequence[Case], answers: Sequence[Answer], seconds: float) -> Metrics:
    """SPEC §7 metrics of ``answers[i]`` for ``cases[i]``.

    Recall and MRR average over claims with at least one SUPPORTS sentence; the REFUTES shares
    are of all REFUTES labels; the answer length averages over all claims.
    """
    recalls: dict[int | None, list[float]] = {5: [], 10: [], None: []}
    ranks: list[float] = []
    unsupported = [bool(a) for c, a in zip(cases, answers, strict=True) if not c.supports]
    refuted = {5: 0, None: 0}
    for case, answer in zip(cases, answers, strict=True):
        if case.supports:
            for k in recalls:
                found = frozenset().union(*answer[:k]) & case.supports
                recalls[k].append(len(found) / len(case.supports))
            first = next((i for i, item in enumerate(answer, 1) if item & case.supports), None)
            ranks.append(1 / first if first else 0.0)
        for k in refuted:
            refuted[k] += len(frozenset().union(*answer[:k]) & case.refutes)
    refutes = sum(len(c.refutes) for c in cases)
    return Metrics(
        claims=len(cases),
        recall_at_5=_mean(recalls[5]),
        recall_at_10=_mean(recalls[10]),
        recall_answer=_mean(recalls[None]),
        mrr=_mean(ranks),
        refutes_in_top_5=refuted[5] / refutes if refutes else 0.0,
        refutes_returned=refuted[None] / refutes if refutes else 0.0,
        mean_answer_length=_mean([len(a) for a in answers]),
        queries_per_second=len(cases) / seconds if seconds else 0.0,
        unsupported_answered=_mean(unsupported),
        supported_kept=_mean(
            [
                bool(frozenset().union(*a) & c.supports)
                for c, a in zip(cases, answers, strict=True)
                if c.supports
            ]
        ),
        refuted_as_supports=_mean(
            [
                bool(frozenset().union(*a) & c.refutes)
                for c, a in zip(cases, answers, strict=True)
                if c.refutes
            ]
        ),
    )


def _mean(values: list[float] | list[int]) -> float:
    return sum(values) / len(values) if values else 0.0


def pipeline(
    store: Store, where: dict[tuple[str, int], str], stance: str = SUPPORTS
) -> Callable[[str], Answer]:
    """The service's answer as evidence keys: by default its default answer (``supports``);
    with ``stance="all"``, its whole ranking, whatever the stance of each item."""

    def answer(claim: str) -> Answer:
        result = find_evidence(store, EvidenceQuery(claim, stance=stance))
        return [
            frozenset(
                [where[(e.article.id, e.sentence_index)]]
                + [where[(c.article_id, c.sentence_index)] for c in e.also_in]
            )
            for e in result.evidence
        ]

    return answer


def bm25_baseline(store: Store, where: dict[tuple[str, int], str]) -> Callable[[str], Answer]:
    """A plain Whoosh BM25 OR-query over the claim's stemmed terms; its top 20 is its answer."""
    limit = EvidenceQuery("").limit

    def answer(claim: str) -> Answer:
        terms = analyse_claim(claim).terms
        if not terms:
            return []
        hits = store.searcher().search(Or([Term(F.TEXT_FIELD, t) for t in terms]), limit=limit)
        return [frozenset([where[(h[F.ARTICLE_ID], h[F.SENTENCE_INDEX])]]) for h in hits]

    return answer


def run(cases: Iterable[Case], answer: Callable[[str], Answer]) -> Metrics:
    """Answer every claim, timing the answers."""
    cases = list(cases)
    started = time.perf_counter()
    answers = [answer(c.claim) for c in cases]
    return measure(cases, answers, time.perf_counter() - started)


def halves(cases: list[Case]) -> dict[str, list[Case]]:
    """Even claim ids (tuning, training) and odd ones (held out)."""
    return {
        "even": [c for c in cases if c.claim_id % 2 == 0],
        "odd": [c for c in cases if c.claim_id % 2 == 1],
    }


def evaluate(
    path: Path, out: Callable[[str], None] = print, semantic: bool = False
) -> dict[str, dict[str, Metrics]]:
    """Index the dataset in a temporary store, then report every system on both halves."""
    data = read_climate_fever(path)
    with tempfile.TemporaryDirectory(prefix="climate-fever-") as tmp:
        store = open_dataset_store(tmp, semantic)
        try:
            where, indexed = index_dataset(store, data)
            out(
                f"{len(data.cases)} claims; {len(data.sentences)} evidence sentences indexed as "
                f"{indexed} sentences of {len({a for a, _ in where})} articles; "
                f"{mode(semantic)}"
            )
            systems = {
                "pipeline": pipeline(store, where),
                "ranking": pipeline(store, where, stance="all"),
                "bm25": bm25_baseline(store, where),
            }
            report: dict[str, dict[str, Metrics]] = {}
            out(f"{'system':9}{'half':5}{Metrics.HEADER}")
            for name, answer in systems.items():
                for half, cases in halves(data.cases).items():
                    metrics = run(cases, answer)
                    report.setdefault(name, {})[half] = metrics
                    out(f"{name:9}{half:5}{metrics.row()}")
            odd = halves(data.cases)["odd"]
            subsets: list[tuple[str, frozenset[str] | None]] = [("all", None)]
            if verified() and NLI_DIR.is_dir():
                subsets.append(("unseen in the verifier's training", unseen_sentences(data)))
            for subset, keys in subsets:
                auc_, n = stance_auc(store, where, odd, keys)
                out(
                    f"odd half, SUPPORTS vs REFUTES AUC of the support score ({subset}, "
                    f"{n} judged pairs): {auc_:.3f}"
                )
            return report
        finally:
            store.close()


def mode(semantic: bool) -> str:
    """The ranking and the judge this process evaluates."""
    judge = "verifier" if verified() else "lexical rules"
    return f"ranking: {'semantic' if semantic else 'lexical'}; judge: {judge}"


def stance_auc(
    store: Store,
    where: dict[tuple[str, int], str],
    cases: Sequence[Case],
    keys: frozenset[str] | None = None,
) -> tuple[float, int]:
    """The SUPPORTS-vs-REFUTES AUC of the support score over the labelled sentences in each
    claim's judged pool (only those of ``keys`` when given), and how many pairs it counts."""
    from .train_verifier import auc

    positive, negative = [], []
    for case in cases:
        pool = judge_candidates(
            store.snapshot(), analyse_claim(case.claim), EvidenceQuery(case.claim), store.encoder
        )
        best: dict[str, float] = {}
        for j in pool:
            key = where[(j.hit.article.id, j.hit.index)]
            best[key] = max(best.get(key, 0.0), j.judgement.score)
        for key, score in best.items():
            if keys is not None and key not in keys:
                continue
            if key in case.supports:
                positive.append(score)
            elif key in case.refutes:
                negative.append(score)
    import numpy as np

    return auc(np.array(positive), np.array(negative)), len(positive) + len(negative)


def unseen_sentences(data: Dataset) -> frozenset[str]:
    """The evidence keys whose sentence is no premise of the verifier's training pairs."""
    from .nli_data import read_all, split

    seen = {p.premise.strip().lower() for p in split(read_all())[0]}
    return frozenset(
        k
        for k, (_, text) in data.sentences.items()
        if " ".join(text.split()).strip().lower() not in seen
    )
