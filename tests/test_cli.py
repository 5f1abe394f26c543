"""The provenance console script."""

import json

from .conftest import SEED_FILES, run_cli


def test_ingest_reports_counts_and_errors_with_file_names(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Fine line."}\nnot json\n')
    done = run_cli("ingest", str(SEED_FILES[0]), str(bad), index_dir=tmp_path / "ix")
    assert done.returncode == 1
    assert "2 articles (2 new" in done.stdout
    assert f"{bad}:2" in done.stderr


def test_search_and_stats(tmp_path):
    run_cli("ingest", *map(str, SEED_FILES), index_dir=tmp_path / "ix")
    stats = json.loads(run_cli("stats", index_dir=tmp_path / "ix").stdout)
    assert (stats["articles"], stats["sentences"]) == (2, 38)
    text = run_cli("search", "Peskov said the annexed regions are non-negotiable", index_dir=tmp_path / "ix")
    assert "2025-02-27 · The Moscow Times · https://www.themoscowtimes.com/" in text.stdout
    as_json = run_cli("search", "--json", "Peskov non-negotiable", index_dir=tmp_path / "ix")
    assert json.loads(as_json.stdout)["evidence"][0]["attribution"]["speaker"] == "Dmitry Peskov"
