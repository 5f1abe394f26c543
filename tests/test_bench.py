"""The benchmark command on a tiny generated corpus: it runs end to end and prints sane figures."""

import gzip
import json
import random
import re

from .conftest import run_cli

WORDS = (
    "oil prices rose sharply bank said shares profit quarter company trade exports tonnes wheat "
    "government minister talks dollar yen market analysts expected growth inflation rate cut"
).split()


def write_corpus(path, articles=60):
    rng = random.Random(3)
    with gzip.open(path, "wt") as f:
        for n in range(1, articles + 1):
            sentences = [
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 20))).capitalize() + "."
                for _ in range(rng.randint(4, 9))
            ]
            body = "\n    ".join(sentences) + "\n Reuter\n"
            record = {
                "newid": n,
                "date": "26-FEB-1987 15:01:01.79",
                "title": f"STORY {n}",
                "body": body,
            }
            f.write(json.dumps(record) + "\n")


def test_bench_prints_a_row_per_engine_with_sane_figures(tmp_path):
    corpus = tmp_path / "tiny.jsonl.gz"
    write_corpus(corpus)
    done = run_cli(
        "bench",
        "--corpus",
        str(corpus),
        "--sizes",
        "120,240",
        "--queries",
        "15",
        "--workdir",
        str(tmp_path),
        index_dir=tmp_path / "unused",
    )
    assert done.returncode == 0, done.stderr
    rows = [line.split("|")[1:-1] for line in done.stdout.splitlines() if re.match(r"\| \d", line)]
    engines = ["ours find_candidates", "ours find_evidence", "sqlite fts5", "tantivy"]
    assert [r[1].strip() for r in rows] == engines * 2
    for sentences, _, rate, size_mb, _, p50, p95, p99, *_ in rows:
        assert int(sentences.replace(",", "")) >= 120
        assert float(rate.replace(",", "")) > 0 and float(size_mb) >= 0
        assert 0 < float(p50) <= float(p95) <= float(p99)
    assert float(rows[0][3]) > 0  # our index holds stored text: never below 10 kB
    agreement = float(rows[0][-1])
    assert 0.3 <= agreement <= 1.0  # same claims, same sentences: the top 50s mostly agree
    assert list(tmp_path.glob("provenance-bench-*")) == []  # the indexes are cleaned up
