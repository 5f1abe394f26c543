"""Climate-FEVER evaluation (SPEC §7): how well the evidence pipeline finds supporting sentences.

Every distinct evidence sentence becomes its own paragraph of an article named by its Wikipedia
title, so the index holds the sentences as the service would; each claim then goes through
:func:`index.evidence.find_evidence`, the code path behind the HTTP API. Claims with an even
``claim_id`` are for tuning and training, the odd half is held out; both are reported, next to
a plain BM25 OR-query over the same index for reference.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from whoosh.query import Or, Term

from index import schema as S
from index import verifier as verifiers
from index.articles import Article, build_article
from index.claims import analyse_claim
from index.evidence import EvidenceQuery, Judged, find_evidence, judge_candidates
from index.semantic import SemanticUnavailable, encoder_for
from index.store import Store
from index.support import (
    FEATURES,
    REFUTES,
    RELATED,
    SUPPORT_MIN_COVERAGE,
    SUPPORTS,
    Model,
    use_model,
    weights_file,
)
from index.support import model as support_model
from lab.nli_data import NLI_DIR

SOURCE = "Wikipedia"
#: Training writes the model into the source tree, never into an installed package.
SOURCE_TREE = Path(__file__).resolve().parent.parent / "index"


def source_weights(semantic: bool, verified: bool = False) -> Path:
    """The source tree's model file of a mode (lexical, semantic, or read by the verifier)."""
    return SOURCE_TREE / weights_file(semantic, verified).name


_VERIFIER_FEATURES = ("entailment", "contradiction")


def features_of(semantic: bool, verified: bool = False) -> list[str]:
    """The features a mode's model weighs: the verifier's probabilities only for sentences it
    read (with either ranking, and no ``similarity`` then); ``similarity`` only in semantic
    mode."""
    if verified:
        return [n for n in FEATURES if n != "similarity"]
    return [n for n in FEATURES if (semantic or n != "similarity") and n not in _VERIFIER_FEATURES]


def verified() -> bool:
    """Whether this process judges with the verifier (``PROVENANCE_VERIFIER``, or
    :func:`index.verifier.use`)."""
    return verifiers.current() is not None


def open_dataset_store(path: str, semantic: bool) -> Store:
    """A fresh store for the dataset, in the mode asked for."""
    return Store(path, encoder=encoder_for(semantic))


PARAGRAPH_BREAK = "\n\n"
# The supports threshold is chosen among these on the training claims' real answers; the answer
# must average at most MAX_MEAN_ANSWER sentences: short enough to read.
THRESHOLDS = (0.02, 0.015, 0.01, 0.007, 0.005)  # on a tie, the shorter answer
MAX_MEAN_ANSWER = 8.0
# The per-claim cut (see support.within_reach), chosen on the even half among 0.05-0.2: the best
# recall and MRR whose REFUTES share stays at the former global cut's and length within the max.
RELATIVE = 0.1


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
        hits = store.searcher().search(Or([Term(S.TEXT_FIELD, t) for t in terms]), limit=limit)
        return [frozenset([where[(h[S.ARTICLE_ID], h[S.SENTENCE_INDEX])]]) for h in hits]

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


# --- training the support model -------------------------------------------------------------


def training_rows(store: Store, where: dict[tuple[str, int], str], cases: Iterable[Case]):
    """Feature vectors of every candidate of every claim, labelled 1 for its SUPPORTS sentences.

    Also returns, per row, the case index and whether the row is a REFUTES sentence, so a
    threshold can be chosen on whole answers.
    """
    rows: list[tuple[dict[str, float], int, int, bool]] = []
    for i, case in enumerate(cases):
        claim = analyse_claim(case.claim)
        query = EvidenceQuery(case.claim)
        for j in judge_candidates(store.snapshot(), claim, query, store.encoder):
            if j.judgement.unread:
                continue  # the verified model judges only what the verifier read
            key = where[(j.hit.article.id, j.hit.index)]
            rows.append((j.judgement.features, int(key in case.supports), i, key in case.refutes))
    return rows


def fit_logistic(
    xs: list[list[float]], ys: list[int], l2: float = 1.0, steps: int = 12
) -> list[float]:
    """Logistic regression by Newton's method with an L2 penalty; weights with the bias first."""
    xs = [[1.0, *x] for x in xs]
    n = len(xs[0])
    w = [0.0] * n
    for _ in range(steps):
        grad = [l2 * wi for wi in w]
        hess = [[l2 * (a == b) for b in range(n)] for a in range(n)]
        for x, y in zip(xs, ys, strict=True):
            z = sum(wi * xi for wi, xi in zip(w, x, strict=True))
            p = 1 / (1 + math.exp(-max(min(z, 30), -30)))
            for a in range(n):
                grad[a] += (p - y) * x[a]
                for b in range(a, n):
                    hess[a][b] += p * (1 - p) * x[a] * x[b]
        for a in range(n):
            for b in range(a):
                hess[a][b] = hess[b][a]
        w = [wi - di for wi, di in zip(w, _solve(hess, grad), strict=True)]
    return w


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Solve ``a x = b`` by Gaussian elimination with partial pivoting."""
    n = len(b)
    m = [row[:] + [bi] for row, bi in zip(a, b, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in reversed(range(n)):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def train(path: Path, out: Callable[[str], None] = print, semantic: bool = False) -> Model:
    """Fit the mode's support model on the even half and write it to :func:`source_weights`."""
    data = read_climate_fever(path)
    cases = halves(data.cases)["even"]
    read = verified()
    with tempfile.TemporaryDirectory(prefix="climate-fever-") as tmp:
        store = open_dataset_store(tmp, semantic)
        try:
            where, _ = index_dataset(store, data)
            rows = training_rows(store, where, cases)
            names = features_of(semantic, read)
            w = fit_logistic([[f[n] for n in names] for f, *_ in rows], [y for _, y, *_ in rows])
            fitted = Model(w[0], dict(zip(names, w[1:], strict=True)), 0.0, RELATIVE)
            out(f"{len(rows)} candidates of {len(cases)} even claims; weights {fitted.weights}")
            model = choose_threshold(store, where, cases, fitted, out)
        finally:
            store.close()
    out(f"threshold {model.threshold}; wrote {source_weights(semantic, read)}")
    return model


#: With the verifier, the score floor and the P(entailment) a support needs are chosen on the
#: even claims: the most recall whose REFUTES share stays at most MAX_REFUTES_RETURNED,
#: answers short enough to read.
VERIFIED_THRESHOLDS = (0.2, 0.1, 0.07, 0.05, 0.035, 0.025, 0.018, 0.012, 0.008, 0.005)
#: A sentence refutes when the verifier reads a contradiction more likely than not.
REFUTE_FLOOR = 0.5
ENTAIL_FLOORS = (0.33, 0.5)
MAX_REFUTES_RETURNED = 0.10


def choose_threshold(
    store: Store,
    where: dict[tuple[str, int], str],
    cases: Sequence[Case],
    fitted: Model,
    out: Callable[[str], None] = print,
) -> Model:
    """The floor whose default answer to ``cases`` averages at most :data:`MAX_MEAN_ANSWER`
    items and finds the most SUPPORTS less REFUTES sentences (among :data:`THRESHOLDS`); with
    the verifier, see :data:`VERIFIED_THRESHOLDS`.

    Measured on the service's real answers (folded copies, the per-claim cut and the limit
    included); the chosen model is left in :func:`source_weights`.
    """
    if not verified():
        return _best_of(
            store,
            where,
            cases,
            [replace(fitted, threshold=t) for t in THRESHOLDS],
            out,
            lambda m: (m.recall_answer - m.refutes_returned,),
        )
    # The floor first; then a floor on P(entailment) too, with the floor at or below the first
    # choice (a floor on entailment keeps fewer sentences, a lower score floor gives some back).
    rank = _verified_rank
    first = _best_of(
        store,
        where,
        cases,
        [replace(fitted, threshold=t, refute=REFUTE_FLOOR) for t in VERIFIED_THRESHOLDS],
        out,
        rank,
    )
    lower = [t for t in VERIFIED_THRESHOLDS if t <= first.threshold][:3]
    both = [replace(first, threshold=t, entail=e) for e in ENTAIL_FLOORS for t in lower]
    return _best_of(store, where, cases, [first, *both], out, rank)


def _verified_rank(m: Metrics) -> tuple:
    return (m.refutes_returned <= MAX_REFUTES_RETURNED, m.recall_answer)


def _best_of(
    store: Store,
    where: dict[tuple[str, int], str],
    cases: Sequence[Case],
    models: list[Model],
    out: Callable[[str], None],
    rank: Callable[[Metrics], tuple],
) -> Model:
    """The best-ranked of ``models`` whose answers average at most MAX_MEAN_ANSWER items
    (else the last); it is left installed."""
    semantic, read = store.encoder is not None, verified()
    best: tuple[tuple, Model] | None = None
    for model in models:
        _install(model, semantic, read)
        m = run(cases, pipeline(store, where))
        out(f"threshold {model.threshold} refute {model.refute}: {Metrics.HEADER.strip()}")
        out(f"{' ' * 17}{m.row()}")
        if m.mean_answer_length <= MAX_MEAN_ANSWER and (best is None or rank(m) > best[0]):
            best = (rank(m), model)
    chosen = best[1] if best else models[-1]
    _install(chosen, semantic, read)
    return chosen


def _install(model: Model, semantic: bool, read: bool = False) -> None:
    source_weights(semantic, read).write_text(model.to_json())
    use_model(None, semantic, read)


# --- the trade-off curve ----------------------------------------------------------------------

#: Support floors the curve sweeps: from nearly every candidate to nearly none.
CURVE_FLOORS = (0.002, 0.005, 0.01, 0.02, 0.035, 0.05, 0.1, 0.2, 0.4)


def curve(
    store: Store, where: dict[tuple[str, int], str], cases: Sequence[Case]
) -> list[tuple[float, Metrics]]:
    """The default answer's metrics as the support floor moves, the model otherwise as shipped
    (tried in memory: nothing is written)."""
    semantic, read = store.encoder is not None, verified()
    shipped = support_model(semantic, read)
    points = []
    try:
        for floor in CURVE_FLOORS:
            use_model(replace(shipped, threshold=floor), semantic, read)
            points.append((floor, run(cases, pipeline(store, where))))
    finally:
        use_model(None, semantic, read)
    return points


def plot_curves(path: Path, png: Path, out: Callable[[str], None] = print) -> None:
    """Recall of the default answer against REFUTES returned as supports, on the odd half, as
    the floor moves: the lexical mode, and the semantic one when its extra is installed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = read_climate_fever(path)
    odd = halves(data.cases)["odd"]
    modes = [False] + ([True] if semantic_installed() else [])
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    for semantic in modes:
        name = "semantic" if semantic else "lexical"
        with tempfile.TemporaryDirectory(prefix="climate-fever-") as tmp:
            store = open_dataset_store(tmp, semantic)
            try:
                where, _ = index_dataset(store, data)
                points = curve(store, where, odd)
                shipped = support_model(semantic).threshold
            finally:
                store.close()
        out(f"{name}: floor {Metrics.HEADER.strip()}")
        for floor, m in points:
            out(f"{name}: {floor:<5} {m.row()}")
        xs = [m.refutes_returned for _, m in points]
        ys = [m.recall_answer for _, m in points]
        line = ax.plot(xs, ys, marker="o", label=f"{name} (floor swept)")[0]
        for floor, m in points:
            if floor == shipped:
                ax.plot(
                    [m.refutes_returned],
                    [m.recall_answer],
                    marker="*",
                    markersize=16,
                    color=line.get_color(),
                    label=f"{name} as shipped (floor {floor})",
                )
    ax.axvline(0.10, color="grey", linestyle=":", label="target: REFUTES ≤ 0.10")
    ax.axhline(0.50, color="grey", linestyle="--", label="target: recall ≥ 0.50")
    ax.set_xlabel("REFUTES sentences returned as supports (share, odd half)")
    ax.set_ylabel("recall of SUPPORTS sentences in the default answer")
    ax.set_title("Climate-FEVER, held-out odd half: the support floor's trade-off")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    out(f"wrote {png}")


def semantic_installed() -> bool:
    """Whether the semantic extra can be loaded here."""
    try:
        encoder_for(True)
    except SemanticUnavailable:
        return False
    return True


# --- the remaining misses ---------------------------------------------------------------------

_DISAGREEMENT_NAMES = {
    "negation_mismatch": "negation",
    "number_conflict": "number or date",
    "antonym": "antonym",
    "predicate_swapped": "key word swapped",
}


def miss_cause(judged: Judged | None, semantic: bool) -> str:
    """Why a SUPPORTS sentence is not in the default answer: the first rule that kept it out."""
    if judged is None:
        return "not retrieved (outside the judged candidates)"
    j = judged.judgement
    feats = j.features
    shown = [name for key, name in _DISAGREEMENT_NAMES.items() if feats.get(key)]
    if shown:
        kind = "judged refuting" if j.stance == REFUTES else "disagreement, little stated"
        return f"{kind}: {' + '.join(shown)}"
    if feats["coverage"] < SUPPORT_MIN_COVERAGE:
        return "under a fifth of the claim in its own words"
    if j.unread:
        return "not read by the verifier (below the claim's best candidates)"
    if j.reading is not None and j.stance == REFUTES:
        return "read as contradicting the claim"
    if j.reading is not None and j.reading[0] <= j.reading[1]:
        return "read as contradicting more than stating it"
    if j.score < support_model(semantic, verified()).threshold:
        return "score under the floor"
    if j.stance == RELATED:
        return "per-claim cut (under a tenth of the best support)"
    return "folded into another item, or past the limit"


def misses(
    store: Store, where: dict[tuple[str, int], str], cases: Sequence[Case]
) -> list[tuple[str, Case, str]]:
    """Every SUPPORTS sentence of ``cases`` missing from the default answer: (cause, case,
    sentence key), from the same judgements the answer is built from."""
    semantic = store.encoder is not None
    answer = pipeline(store, where)
    found: list[tuple[str, Case, str]] = []
    for case in cases:
        if not case.supports:
            continue
        answered = frozenset().union(*answer(case.claim))
        query = EvidenceQuery(case.claim)
        pool = judge_candidates(store.snapshot(), analyse_claim(case.claim), query, store.encoder)
        best: dict[str, Judged] = {}
        for j in pool:
            key = where[(j.hit.article.id, j.hit.index)]
            if key not in best or j.judgement.score > best[key].judgement.score:
                best[key] = j
        for key in sorted(case.supports - answered):
            found.append((miss_cause(best.get(key), semantic), case, key))
    return found


def report_misses(
    path: Path, sample: int, semantic: bool = False, out: Callable[[str], None] = print
) -> None:
    """The odd half's missed SUPPORTS sentences counted by cause, and ``sample`` of them (every
    n-th, by cause) with their claim and sentence."""
    data = read_climate_fever(path)
    with tempfile.TemporaryDirectory(prefix="climate-fever-") as tmp:
        store = open_dataset_store(tmp, semantic)
        try:
            where, _ = index_dataset(store, data)
            found = misses(store, where, halves(data.cases)["odd"])
        finally:
            store.close()
    counts: dict[str, int] = {}
    for cause, *_ in found:
        counts[cause] = counts.get(cause, 0) + 1
    out(f"{mode(semantic)}; odd half, missed SUPPORTS sentences")
    out("| cause | missed | share |\n|---|---|---|")
    for cause, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        out(f"| {cause} | {n} | {n / len(found):.1%} |")
    out(f"| **all** | **{len(found)}** | |")
    ordered = sorted(found, key=lambda f: (-counts[f[0]], f[0], f[1].claim_id, f[2]))
    step = max(1, len(ordered) // sample) if sample else 0
    for cause, case, key in ordered[::step][:sample] if step else []:
        out(f"\n[{cause}] claim {case.claim_id}: {case.claim}\n  missed: {data.sentences[key][1]}")
