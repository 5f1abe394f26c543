"""``python -m lab eval --train``: the support model fitted on Climate-FEVER's even half.

A logistic regression over the features of every judged candidate of every even claim (its
SUPPORTS sentences labelled 1), then the floor (and, with the verifier, the P(entailment) a
support needs) chosen on the service's real answers to those claims; the model is written into
the source tree, never into an installed package.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from index.evidence import EvidenceQuery, judge_candidates
from index.judging.claims import analyse_claim
from index.judging.features import FEATURES
from index.judging.model import Model, use_model, weights_file
from index.stores.whoosh.store import Store
from lab.data import Case, read_climate_fever
from lab.eval_climate import (
    Metrics,
    halves,
    index_dataset,
    open_dataset_store,
    pipeline,
    run,
    verified,
)

#: Training writes the model into the source tree, never into an installed package.
SOURCE_TREE = Path(__file__).resolve().parent.parent / "index" / "judging"


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


# The supports threshold is chosen among these on the training claims' real answers; the answer
# must average at most MAX_MEAN_ANSWER sentences: short enough to read.
THRESHOLDS = (0.02, 0.015, 0.01, 0.007, 0.005)  # on a tie, the shorter answer
MAX_MEAN_ANSWER = 8.0
# The per-claim cut (see support.within_reach), chosen on the even half among 0.05-0.2: the best
# recall and MRR whose REFUTES share stays at the former global cut's and length within the max.
RELATIVE = 0.1


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
