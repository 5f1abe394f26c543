"""The Climate-FEVER evaluation: metric arithmetic, and the command on a fixture it writes."""

import json

import pytest

from index.judging.model import model
from index.models.semantic import encoder_for
from index.stores.whoosh.store import Store
from lab.data import Case, read_climate_fever
from lab.eval_climate import evaluate, index_dataset, measure
from lab.eval_fit import fit_logistic
from lab.eval_report import CURVE_FLOORS, curve, misses

from .conftest import run_lab


def test_measure_arithmetic():
    cases = [
        Case(0, "a", frozenset({"a1", "a2"}), frozenset({"r1"})),
        Case(1, "b", frozenset({"b1"}), frozenset()),
        Case(2, "c", frozenset(), frozenset({"c1", "c2"})),
    ]
    answers = [
        [
            frozenset({"x"}),
            frozenset({"a1"}),
            frozenset({"r1"}),
            frozenset({"y"}),
            frozenset({"z"}),
            frozenset({"a2", "w"}),
        ],
        [],
        [frozenset({"c1"})],
    ]
    m = measure(cases, answers, seconds=1.5)
    assert m.claims == 3
    # Recall and MRR average over the two claims with SUPPORTS sentences.
    assert m.recall_at_5 == pytest.approx((1 / 2 + 0) / 2)
    assert m.recall_at_10 == pytest.approx((2 / 2 + 0) / 2)
    assert m.recall_answer == pytest.approx((2 / 2 + 0) / 2)
    assert m.mrr == pytest.approx((1 / 2 + 0) / 2)
    # REFUTES shares are of all three REFUTES labels.
    assert m.refutes_in_top_5 == pytest.approx(2 / 3)
    assert m.refutes_returned == pytest.approx(2 / 3)
    assert m.mean_answer_length == pytest.approx(7 / 3)
    assert m.queries_per_second == pytest.approx(2.0)
    # The one claim with no SUPPORTS sentence ("c") got an answer anyway.
    assert m.unsupported_answered == 1.0
    assert measure(cases[:2], answers[:2], seconds=1.0).unsupported_answered == 0.0


def test_refutes_beyond_the_top_five_count_only_in_the_answer():
    case = Case(1, "a", frozenset({"s"}), frozenset({"r"}))
    answer = [frozenset({f"n{i}"}) for i in range(5)] + [frozenset({"r"}), frozenset({"s"})]
    m = measure([case], [answer], seconds=1.0)
    assert (m.refutes_in_top_5, m.refutes_returned) == (0.0, 1.0)
    assert (m.recall_at_5, m.recall_at_10, m.mrr) == (0.0, 1.0, pytest.approx(1 / 7))


def test_logistic_regression_separates_and_orders():
    xs = [[x / 10] for x in range(11)] * 3
    ys = [int(x[0] > 0.45) for x in xs]
    bias, w = fit_logistic(xs, ys, l2=0.01)
    # The decision boundary falls between the last negative (0.4) and the first positive (0.5).
    assert w > 0 and 0.4 < -bias / w < 0.5


# (claim id, claim, its evidence as (id, label, article title, sentence))
FIXTURE = [
    (
        "0",
        "Polar bears are threatened by melting sea ice",
        [
            (
                "Polar bear:1",
                "SUPPORTS",
                "Polar bear",
                "Polar bears are threatened by melting sea ice.",
            ),
            ("Polar bear:2", "NOT_ENOUGH_INFO", "Polar bear", "The species lives in the Arctic."),
        ],
    ),
    (
        "1",
        "Volcanoes emit more carbon dioxide than humans",
        [
            (
                "Volcano:7",
                "REFUTES",
                "Volcano",
                "Humans emit about a hundred times more carbon dioxide than volcanoes.",
            ),
            (
                "Volcano:8",
                "SUPPORTS",
                "Volcano",
                "Volcanoes emit carbon dioxide. Eruptions also emit sulfur dioxide.",
            ),
        ],
    ),
]
EVIDENCE_KEYS = ("evidence_id", "evidence_label", "article", "evidence")


def write_fixture(path):
    rows = [
        {
            "claim_id": cid,
            "claim": claim,
            "claim_label": "SUPPORTS",
            "evidences": [dict(zip(EVIDENCE_KEYS, e, strict=True)) for e in evidence],
        }
        for cid, claim, evidence in FIXTURE
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def test_evaluate_indexes_each_sentence_and_reports_both_halves(tmp_path):
    path = tmp_path / "cf.jsonl"
    write_fixture(path)
    assert len(read_climate_fever(path).sentences) == 4
    lines: list[str] = []
    report = evaluate(path, lines.append)
    # The evidence sentence with two sentences in it is indexed as two, both mapped back to it.
    assert lines[0] == (
        "2 claims; 4 evidence sentences indexed as 5 sentences of 2 articles; "
        "ranking: lexical; judge: lexical rules"
    )
    bm25 = report["bm25"]
    assert (bm25["even"].claims, bm25["odd"].claims) == (1, 1)
    assert bm25["even"].recall_at_5 == bm25["even"].mrr == 1.0
    assert bm25["odd"].recall_at_5 == 1.0 and bm25["odd"].refutes_in_top_5 == 1.0
    assert report["pipeline"]["even"].recall_answer == 1.0
    # The whole ranking holds at least what the default answer holds.
    for half in ("even", "odd"):
        assert report["ranking"][half].recall_answer >= report["pipeline"][half].recall_answer
        assert (
            report["ranking"][half].mean_answer_length
            >= report["pipeline"][half].mean_answer_length
        )
    assert len(lines) == 2 + 6 + 1
    assert lines[-1].startswith("odd half, SUPPORTS vs REFUTES AUC of the support score (all, ")


@pytest.mark.slow
def test_eval_command_prints_the_table(tmp_path):
    path = tmp_path / "cf.jsonl"
    write_fixture(path)
    done = run_lab("eval", "climate-fever", str(path))
    assert done.returncode == 0, done.stderr
    rows = [line.split()[:2] for line in done.stdout.splitlines()[2:8]]
    assert rows == [
        [system, half] for system in ("pipeline", "ranking", "bm25") for half in ("even", "odd")
    ]


@pytest.mark.parametrize("semantic", [False, True])
def test_the_curve_moves_the_floor_in_memory_and_puts_the_shipped_model_back(tmp_path, semantic):
    path = tmp_path / "cf.jsonl"
    write_fixture(path)
    data = read_climate_fever(path)
    store = Store(tmp_path / "index", encoder=encoder_for(semantic))
    try:
        where, _ = index_dataset(store, data)
        shipped = model(semantic)
        points = curve(store, where, data.cases)
        assert [floor for floor, _ in points] == list(CURVE_FLOORS)
        # A higher floor never answers more.
        lengths = [m.mean_answer_length for _, m in points]
        assert lengths == sorted(lengths, reverse=True) and lengths[0] > lengths[-1]
        assert model(semantic) == shipped
    finally:
        store.close()


def test_misses_name_the_rule_that_kept_each_supporting_sentence_out(tmp_path):
    path = tmp_path / "cf.jsonl"
    write_fixture(path)
    data = read_climate_fever(path)
    store = Store(tmp_path / "index")
    try:
        where, _ = index_dataset(store, data)
        bears = frozenset({"Polar bear:1"})
        cases = [
            Case(1, "Polar bears are threatened by melting sea ice", bears, frozenset()),
            Case(3, "Polar bears are not threatened by melting sea ice", bears, frozenset()),
            Case(5, "Volcanoes emit more carbon dioxide", frozenset({"Polar bear:2"}), frozenset()),
        ]
        found = [(cause, case.claim_id, key) for cause, case, key in misses(store, where, cases)]
    finally:
        store.close()
    assert found == [
        ("judged refuting: negation", 3, "Polar bear:1"),
        ("not retrieved (outside the judged candidates)", 5, "Polar bear:2"),
    ]


@pytest.mark.parametrize(("semantic", "verified"), [(False, False), (True, False), (False, True)])
def test_training_writes_each_mode_over_the_weights_the_package_reads(semantic, verified):
    from index.judging.model import weights_file
    from lab.eval_fit import source_weights

    assert source_weights(semantic, verified) == weights_file(semantic, verified).resolve()
