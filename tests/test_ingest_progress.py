"""index.ingest.ingest_paths: batch-by-batch writes that report progress and errors."""

from index.ingest import count_inputs, ingest_paths

from .conftest import SEED_FILES


def test_progress_ticks_once_per_input_and_matches_the_count(store, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "seed.txt").write_text(SEED_FILES[0].read_text())
    (tmp_path / "in" / "notes.jsonl").write_text(
        '{"text": "One note."}\n\n{"text": "Two notes."}\n[1]\n{"text": "One note."}\n'
    )
    ticks: list[int] = []
    report = ingest_paths(store, [tmp_path / "in"], ticks.append)
    assert sum(ticks) == count_inputs([tmp_path / "in"]) == 5
    assert [e.where for e in report.errors] == [f"{tmp_path / 'in' / 'notes.jsonl'}:4"]
    assert report.errors[0].file == str(tmp_path / "in" / "notes.jsonl")
    assert (report.count("created"), report.count("unchanged")) == (3, 1)
    assert store.counts()["articles"] == 3
