"""The provenance command, run in-process; one test runs the installed console script."""

import json

import pytest

from index.stores.whoosh.store import Store

from .conftest import SEED_ARTICLES, SEED_FILES, SEED_SENTENCES, run_cli


def test_ingest_reports_counts_and_errors_with_file_names(tmp_path, provenance):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Fine line."}\nnot json\n')
    done = provenance("ingest", str(SEED_FILES[0]), str(bad), index_dir=tmp_path / "ix")
    assert done.returncode == 1
    assert "2 articles: 2 new" in done.stdout
    assert f"{bad}:2" in done.stderr


def test_search_and_stats(tmp_path, provenance):
    provenance("ingest", *map(str, SEED_FILES), index_dir=tmp_path / "ix")
    stats = json.loads(provenance("stats", index_dir=tmp_path / "ix").stdout)
    assert (stats["articles"], stats["sentences"]) == (SEED_ARTICLES, SEED_SENTENCES)
    text = provenance(
        "search", "Peskov said the annexed regions are non-negotiable", index_dir=tmp_path / "ix"
    )
    assert "2025-02-27 · The Moscow Times · https://www.themoscowtimes.com/" in text.stdout
    as_json = provenance("search", "--json", "Peskov non-negotiable", index_dir=tmp_path / "ix")
    assert json.loads(as_json.stdout)["evidence"][0]["attribution"]["speaker"] == "Dmitry Peskov"


def test_ingest_summary_names_duplicates_and_error_files(tmp_path, provenance):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Fine line."}\nnot json\n{"text": 5}\n')
    seeds = [str(p) for p in SEED_FILES]
    provenance("ingest", *seeds, index_dir=tmp_path / "ix")
    gone = tmp_path / "gone.json"
    done = provenance("ingest", *seeds, str(bad), str(gone), index_dir=tmp_path / "ix")
    assert done.returncode == 1
    assert done.stdout == (
        "3 articles: 1 new, 0 replaced, 2 unchanged (duplicates, skipped); 1 sentence indexed; "
        f"3 errors in {bad}, {gone}\n"
    )
    assert done.stderr.count("error: ") == 3 and f"{bad}:3" in done.stderr


def test_ingest_progress_goes_to_stderr_when_asked(tmp_path, provenance):
    many = tmp_path / "many.jsonl"
    many.write_text("".join(f'{{"id": "n{i}", "text": "Note {i}."}}\n' for i in range(1200)))
    shown = provenance("ingest", "--progress", str(many), index_dir=tmp_path / "ix")
    assert shown.returncode == 0
    assert shown.stdout.startswith("1200 articles: 1200 new")
    assert "1200/1200" in shown.stderr and "articles/s" in shown.stderr
    quiet = provenance("ingest", str(many), index_dir=tmp_path / "ix")  # stderr is a pipe: no bar
    assert quiet.stderr == "" and "1200 unchanged (duplicates, skipped)" in quiet.stdout


@pytest.mark.slow
def test_the_console_script_says_busy_on_a_locked_index_without_a_traceback(tmp_path):
    # A subprocess on purpose: the installed script, and a lock held by another process.
    held = Store(tmp_path / "ix").ix.writer()  # another writer holds the index lock
    try:
        done = run_cli(
            "--lock-timeout", "0.2", "ingest", str(SEED_FILES[0]), index_dir=tmp_path / "ix"
        )
    finally:
        held.cancel()
    assert done.returncode == 75  # EX_TEMPFAIL: trying again later may succeed
    assert done.stderr.startswith("error: The index is being written by another process")
    assert "Traceback" not in done.stderr
    assert run_cli("ingest", str(SEED_FILES[0]), index_dir=tmp_path / "ix").returncode == 0


def test_ingest_holds_published_to_the_api_shapes(tmp_path, provenance):
    loose = tmp_path / "loose.jsonl"
    loose.write_text(
        '{"id": "a", "text": "One.", "published": "2025-02-27"}\n'
        '{"id": "b", "text": "Two.", "published": "27 February 2025"}\n'
        '{"id": "c", "text": "Three.", "published": "2025-02-27T09:30"}\n'
    )
    done = provenance("ingest", str(loose), index_dir=tmp_path / "ix")
    assert done.returncode == 1 and done.stdout.startswith("1 article: 1 new")
    assert done.stderr.count("ISO-8601") == 2


def test_ingest_reports_a_bad_file_and_goes_on_with_the_rest(tmp_path, provenance):
    impossible = tmp_path / "a_impossible.txt"
    impossible.write_text("A Headline\n\nBy [AFP](#)\n\nFebruary 30, 2025\n\nThe body.\n")
    poisoned = tmp_path / "b_poisoned.jsonl"
    poisoned.write_text('{"text": "Fine.", "title": "Bad \\ud800 title"}\n')
    good = tmp_path / "c_good.json"
    good.write_text('{"id": "good", "text": "The good article is indexed."}')
    done = provenance("ingest", str(tmp_path), index_dir=tmp_path / "ix")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"error: {impossible}: published: No such date or time." in done.stderr
    assert f"error: {poisoned}:1: title: Holds an unpaired surrogate" in done.stderr
    assert done.stdout.startswith("1 article: 1 new")
    assert Store(tmp_path / "ix").get("good").article.text == "The good article is indexed."
    # Nothing poisoned was stored: searching prints without an error.
    searched = provenance("search", "good article", index_dir=tmp_path / "ix")
    assert searched.returncode == 0 and "good article" in searched.stdout


def test_ingest_keeps_line_separators_inside_jsonl_strings(tmp_path, provenance):
    lines = tmp_path / "separators.jsonl"
    text = "First sentence.\u2028Second sentence.\u0085Third sentence."
    lines.write_text(json.dumps({"id": "sep", "text": text}, ensure_ascii=False) + "\n")
    done = provenance("ingest", str(lines), index_dir=tmp_path / "ix")
    assert done.returncode == 0, done.stderr
    assert Store(tmp_path / "ix").get("sep").article.text == text


def test_search_stance_all_labels_what_does_not_support(tmp_path, provenance):
    provenance("ingest", *map(str, SEED_FILES), index_dir=tmp_path / "ix")
    claim = "The Kremlin is willing to return annexed regions"
    assert "· refutes" not in provenance("search", claim, index_dir=tmp_path / "ix").stdout
    every = provenance("search", "--stance", "all", claim, index_dir=tmp_path / "ix")
    assert every.returncode == 0 and "· refutes" in every.stdout
    with pytest.raises(SystemExit) as refused:
        provenance("search", "--stance", "refutes", claim, index_dir=tmp_path / "ix")
    assert refused.value.code == 2  # argparse: only supports or all may be asked for


def test_check_marks_the_draft_and_exits_by_its_verdicts(tmp_path, provenance):
    index_dir = tmp_path / "ix"
    provenance("ingest", *map(str, SEED_FILES), index_dir=index_dir)
    supported = tmp_path / "supported.txt"
    supported.write_text("Peskov said the annexed regions are non-negotiable.\nWhat next?\n")
    done = provenance("check", str(supported), index_dir=index_dir)
    assert done.returncode == 0
    assert done.stdout.startswith(
        "Peskov said the annexed regions are non-negotiable. [✓ 1,2]\nWhat next?\n\n"
    )
    assert "\n[1] 2025-02-27 · The Moscow Times · https://" in done.stdout
    unsupported = tmp_path / "unsupported.txt"
    unsupported.write_text("Coffee exports from Brazil doubled.")
    as_json = provenance("check", "--json", str(unsupported), index_dir=index_dir)
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout)["summary"]["unsupported"] == 1


@pytest.mark.parametrize("draft", ["missing.txt", "blank.txt"])
def test_check_exits_2_on_a_draft_it_cannot_check(tmp_path, provenance, draft):
    (tmp_path / "blank.txt").write_text(" \n")
    done = provenance("check", str(tmp_path / draft), index_dir=tmp_path / "ix")
    assert done.returncode == 2 and done.stderr.startswith("error: ")
