"""Two readings of the Climate-FEVER evaluation beyond its table.

``--plot``: the default answer's recall against REFUTES returned as supports as the support
floor moves, on the odd half, in both modes (a PNG). ``--misses``: the odd half's SUPPORTS
sentences missing from the default answer, counted by the rule that kept each out.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from index.evidence import EvidenceQuery, Judged, judge_candidates
from index.judging.claims import analyse_claim
from index.judging.model import REFUTES, RELATED, SUPPORT_MIN_COVERAGE, use_model
from index.judging.model import model as support_model
from index.models.semantic import SemanticUnavailable, encoder_for
from index.stores.whoosh.store import Store
from lab.data import Case, read_climate_fever
from lab.eval_climate import (
    Metrics,
    halves,
    index_dataset,
    mode,
    open_dataset_store,
    pipeline,
    run,
    verified,
)

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
