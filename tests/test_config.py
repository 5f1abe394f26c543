"""service.config.Config.from_env: what each PROVENANCE_* variable sets, and the defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.config import Config


def test_an_empty_environment_gives_the_defaults():
    assert Config.from_env({}) == Config()


def test_each_variable_sets_its_setting():
    config = Config.from_env(
        {
            "PROVENANCE_INDEX_DIR": "/srv/index",
            "PROVENANCE_API_KEYS": "one,two",
            "PROVENANCE_READS_REQUIRE_KEY": "true",
            "PROVENANCE_MAX_CLAIM_CHARS": "500",
            "PROVENANCE_MAX_ARTICLE_BYTES": "1000",
            "PROVENANCE_MAX_REQUEST_BYTES": "2000",
            "PROVENANCE_MAX_BULK_ARTICLES": "7",
            "PROVENANCE_LOCK_TIMEOUT": "2.5",
            "PROVENANCE_ANSWER_CACHE": "0",
        }
    )
    assert (config.index_dir, config.api_keys, config.read_keys_required) == (
        Path("/srv/index"),
        ("one", "two"),
        True,
    )
    assert (config.max_claim_chars, config.max_article_bytes, config.max_request_bytes) == (
        500,
        1000,
        2000,
    )
    assert (config.max_bulk_articles, config.lock_timeout, config.answer_cache) == (7, 2.5, 0)


def test_semantic_mode_lowers_the_default_bulk_limit_but_not_a_set_one():
    assert Config.from_env({"PROVENANCE_SEMANTIC": "on"}).max_bulk_articles == 100
    assert Config.from_env({}).max_bulk_articles == 1_000
    on_and_set = {"PROVENANCE_SEMANTIC": "on", "PROVENANCE_MAX_BULK_ARTICLES": "500"}
    assert Config.from_env(on_and_set).max_bulk_articles == 500


def test_keys_are_trimmed_and_empty_ones_dropped():
    assert Config.from_env({"PROVENANCE_API_KEYS": " a , ,b ,"}).api_keys == ("a", "b")
    assert Config.from_env({"PROVENANCE_API_KEYS": ""}).api_keys == ()


@pytest.mark.parametrize(
    "value, required",
    [("1", True), ("yes", True), (" ON ", True), ("true", True), ("0", False), ("", False)],
)
def test_reads_require_a_key_only_when_the_flag_says_so(value, required):
    config = Config.from_env({"PROVENANCE_READS_REQUIRE_KEY": value})
    assert config.read_keys_required is required


def test_the_process_environment_is_read_by_default(monkeypatch):
    monkeypatch.setenv("PROVENANCE_MAX_CLAIM_CHARS", "123")
    assert Config.from_env().max_claim_chars == 123


def test_a_number_that_is_not_one_stops_the_start_with_its_value():
    with pytest.raises(ValueError, match="lots"):
        Config.from_env({"PROVENANCE_MAX_BULK_ARTICLES": "lots"})
