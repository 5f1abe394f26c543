"""The benchmark on a tiny generated corpus: it runs end to end and prints recall beside speed."""

import gzip
import json
import random
import re

import pytest

from .conftest import run_lab

pytestmark = pytest.mark.slow  # each test starts gunicorn or the lab

WORDS = (
    "oil prices rose sharply bank said shares profit quarter company trade exports tonnes wheat "
    "government minister talks dollar yen market analysts expected growth inflation rate cut "
    "steel coffee copper sugar grain cocoa rubber tin zinc nickel lead cotton wool soybeans"
).split()


def write_corpus(path, articles=40):
    """Articles in the news-1m shape: ``id``, ``text`` (paragraphs), ``source``, ``published``."""
    rng = random.Random(3)
    with gzip.open(path, "wt") as f:
        for n in range(1, articles + 1):
            sentences = [
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(16, 24))).capitalize() + "."
                for _ in range(rng.randint(4, 9))
            ]
            record = {
                "id": f"a{n:04d}",
                "text": " ".join(sentences[:3]) + "\n\n" + " ".join(sentences[3:]),
                "source": "Wire",
                "published": "2025-02-27",
            }
            f.write(json.dumps(record) + "\n")


def table_rows(output: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.split("|")[1:-1]]
        for line in output.splitlines()
        if re.match(r"\| \d", line)
    ]


def test_bench_prints_speed_beside_recall_and_reuses_a_kept_index(tmp_path):
    corpus = tmp_path / "tiny.jsonl.gz"
    write_corpus(corpus)
    args = ["bench", "--corpus", str(corpus), "--sizes", "100,200", "--queries", "12"]
    first = run_lab(*args, "--workdir", str(tmp_path / "work"), "--plot", str(tmp_path / "b.png"))
    assert first.returncode == 0, first.stderr
    rows = table_rows(first.stdout)
    engines = [r[1].split(" top")[0].split(" (")[0] for r in rows]
    assert (
        engines
        == [
            "exhaustive BM25",
            "ours find_candidates",
            "ours find_evidence",
            "sqlite fts5",
            "tantivy",
        ]
        * 2
    )
    for sentences, _, rate, _, size_mb, _, p50, p99, _, _, _, source, _ in rows:
        assert int(sentences.replace(",", "")) >= 100
        assert float(rate.replace(",", "")) > 0 and float(size_mb) >= 0
        assert 0 < float(p50) <= float(p99)
        assert source == "-" or 0.0 <= float(source) <= 1.0
    exhaustive, candidates, evidence = rows[0], rows[1], rows[2]
    assert float(exhaustive[10]) == 1.0
    assert float(candidates[10]) == 1.0  # the fast path finds what the exhaustive one does
    assert float(candidates[11]) == float(exhaustive[11]) >= 0.9  # claims come from sentences
    assert float(evidence[12]) >= float(evidence[11])  # the answer is drawn from the pool
    assert float(exhaustive[3]) > 0  # CPU per 1k sentences of our ingest
    assert (tmp_path / "b.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    drafts = re.findall(
        r"^draft of 40 sentences at [\d,]+ sentences, one worker: p50 (\d+) ms, "
        r"p99 (\d+) ms; CPU (\d+) ms against (\d+) ms .*: ([\d.]+)x; source among a "
        r"sentence's evidence ([\d.]+) \(one by one: ([\d.]+)\)$",
        first.stdout,
        re.M,
    )
    assert len(drafts) == 2  # one line per size, below its table
    for p50, p99, draft_cpu, singles_cpu, ratio, found, singles_found in drafts:
        assert 0 < int(p50) <= int(p99) and int(draft_cpu) > 0 and int(singles_cpu) > 0
        assert float(ratio) > 0
        assert 0 < float(found) <= 1 and 0 < float(singles_found) <= 1

    verified = re.findall(
        r"^verify 1,000 citations at [\d,]+ sentences, one worker: p50 (\d+) ms, max (\d+) ms "
        r"\(([\d,]+) articles read, ([\d,]+) hold\)\n"
        r"citing and answered_with in an answer: p50 ([\d.]+) ms, p99 ([\d.]+) ms, against "
        r"the answer's p50 ([\d.]+) ms: ([\d.]+)% of it$",
        first.stdout,
        re.M,
    )
    assert len(verified) == 2  # below each size's table
    for p50, top, articles, holding, citing, citing_p99, answer, share in verified:
        assert 0 < int(p50) <= int(top) and 0 < int(articles) <= 40  # each read once
        assert holding == "1,000"  # nothing changed since they were cited
        assert 0 <= float(citing) <= float(citing_p99) and float(answer) > 0
        assert 0 <= float(share) < 100

    again = run_lab(*args, "--workdir", str(tmp_path / "work"))
    assert again.returncode == 0, again.stderr
    assert [r[2] for r in table_rows(again.stdout)][:3] == ["reused"] * 3
