"""Citations: every evidence item and copy carries one; checked later, each holds, moved,
changed or is gone; the command line verifies a file of them."""

from __future__ import annotations

import hashlib
import io
import json
import unicodedata
from dataclasses import asdict

import pytest

from index.citations import (
    InvalidCitation,
    Status,
    cite,
    parse_citation,
    sentence_sha256,
    similarity,
    verify,
    verify_citations,
)
from index.draft import DraftQuery, check_draft
from index.evidence import EvidenceQuery, find_evidence
from index.stores.whoosh.store import Snapshot, Store
from index.text.articles import build_article

PESKOV = "Peskov said the annexed regions are non-negotiable"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_every_item_and_copy_cites_its_sentence(seeded: Store):
    result = find_evidence(seeded, EvidenceQuery(PESKOV, stance="all"))
    copies = [c for item in result.evidence for c in item.also_in]
    assert copies, "the seeds hold a copy of the wire story"
    cited = [(i.article.id, i.sentence_index, i.sentence, i.citation) for i in result.evidence]
    cited += [(c.article_id, c.sentence_index, c.sentence, c.citation) for c in copies]
    for article_id, index, sentence, citation in cited:
        text = seeded.get(article_id).article.text
        start, end = citation.offsets
        assert (citation.article_id, citation.sentence_index) == (article_id, index)
        assert text[start:end] == sentence
        assert citation.article_sha256 == sha256(text)
        assert citation.sentence_sha256 == sha256(unicodedata.normalize("NFC", sentence))
        assert citation.compact == f"{article_id}:{index}:{citation.sentence_sha256[:12]}"
    for item in result.evidence:
        assert item.citation.offsets == item.offsets


def test_a_checked_drafts_evidence_is_cited_too(seeded: Store):
    result = check_draft(seeded, DraftQuery(PESKOV + "."))
    [item, *_] = result.sentences[0].evidence
    assert item.citation == cite(seeded.get(item.article.id), item.sentence_index)


def test_the_sentence_hash_is_of_its_nfc_text():
    assert sentence_sha256("cafe\u0301 owners") == sentence_sha256("caf\u00e9 owners")
    assert sentence_sha256("caf\u00e9 owners") == sha256("caf\u00e9 owners")


def test_a_compact_citation_is_read_from_the_right(store: Store):
    store.add(build_article("The okapi census counted 312 animals. Rangers smiled.", id="urn:x:1"))
    citation = cite(store.get("urn:x:1"), 1)
    assert citation.compact == f"urn:x:1:1:{citation.sentence_sha256[:12]}"
    parsed = parse_citation(citation.compact)
    assert (parsed.article_id, parsed.sentence_index) == ("urn:x:1", 1)
    assert parsed.sentence_sha256 == citation.sentence_sha256[:12]
    [found] = verify(store.snapshot(), [citation.compact])
    assert found.status == Status.HOLDS and found.citation == citation


@pytest.mark.parametrize(
    ("entry", "fields"),
    [
        (42, ["_schema"]),
        (None, ["_schema"]),
        (["a", 1], ["_schema"]),
        ("", ["_schema"]),
        ("a001:1", ["_schema"]),
        ("a001:x:0123456789ab", ["_schema"]),
        ("a001:-1:0123456789ab", ["_schema"]),
        ("a001:1:0123456789a", ["_schema"]),  # 11 hex digits: too short to name a sentence
        ("a001:1:0123456789ag", ["_schema"]),
        ("a 1:1:0123456789ab", ["_schema"]),
        ({}, ["article_id", "sentence_index", "sentence_sha256"]),
        ({"article_id": "a001", "sentence_index": 0, "sentence_sha256": "ab"}, ["sentence_sha256"]),
        (
            {"article_id": "a001", "sentence_index": True, "sentence_sha256": "a" * 64},
            ["sentence_index"],
        ),
        (
            {"article_id": "a001", "sentence_index": 1.5, "sentence_sha256": "a" * 64},
            ["sentence_index"],
        ),
        ({"article_id": "", "sentence_index": 0, "sentence_sha256": "a" * 64}, ["article_id"]),
        ({"article_id": "a", "sentence_index": 0, "sentence_sha256": "a" * 64, "x": 1}, ["x"]),
        (
            {
                "article_id": "a",
                "sentence_index": 0,
                "sentence_sha256": "a" * 64,
                "offsets": [5, 2],
            },
            ["offsets"],
        ),
        (
            {"article_id": "a", "sentence_index": 0, "sentence_sha256": "a" * 64, "offsets": [1]},
            ["offsets"],
        ),
        (
            {"article_id": "a", "sentence_index": 0, "sentence_sha256": "a" * 64, "sentence": "b"},
            ["sentence"],
        ),
        (
            {"article_id": "a", "sentence_index": 0, "sentence_sha256": "a" * 64, "compact": "b"},
            ["compact"],
        ),
        (
            {
                "article_id": "a",
                "sentence_index": 0,
                "sentence_sha256": "a" * 64,
                "compact": "a:1:aaaaaaaaaaaa",
            },
            ["compact"],
        ),
        (
            {
                "article_id": "a",
                "sentence_index": 0,
                "sentence_sha256": "a" * 64,
                "sentence": "\ud800",
            },
            ["sentence"],
        ),
    ],
)
def test_a_malformed_citation_says_what_is_wrong(entry, fields):
    with pytest.raises(InvalidCitation) as raised:
        parse_citation(entry)
    assert sorted(raised.value.errors) == fields


def test_a_citation_as_an_answer_gives_it_parses_back(seeded: Store):
    citation = cite(seeded.get("22f7d43c8802e9ee"), 2)
    sentence = seeded.get("22f7d43c8802e9ee").sentences[2].text
    parsed = parse_citation({**asdict(citation), "sentence": sentence})
    assert (parsed.article_id, parsed.sentence_index, parsed.offsets) == (
        "22f7d43c8802e9ee",
        2,
        (citation.offsets[0], citation.offsets[1]),
    )
    upper = {**asdict(citation), "sentence_sha256": citation.sentence_sha256.upper()}
    assert parse_citation(upper).sentence_sha256 == citation.sentence_sha256


class CountingSnapshot(Snapshot):
    """The real Whoosh snapshot, counting what it is asked to read."""

    def __init__(self, searcher) -> None:
        super().__init__(searcher)
        self.read: list[str] = []

    def article(self, article_id):
        self.read.append(article_id)
        return super().article(article_id)

    def articles(self, article_ids):
        ids = list(article_ids)
        self.read += ids
        return super().articles(ids)


def test_verify_reads_each_article_once_however_often_it_is_cited(seeded: Store):
    a, b = (cite(seeded.get(i), 1) for i in ("22f7d43c8802e9ee", "3638292d1a5f92aa"))
    snapshot = CountingSnapshot(seeded.ix.searcher())  # its own: the snapshot closes it
    entries = [a.compact, asdict(b), "nope:0:0123456789ab"] * 300 + [asdict(a)] * 100
    results = verify(snapshot, entries)
    assert sorted(snapshot.read) == ["22f7d43c8802e9ee", "3638292d1a5f92aa", "nope"]
    assert [r.status for r in results[:3]] == [Status.HOLDS, Status.HOLDS, Status.GONE]
    assert len(results) == 1000


def test_the_same_sentence_at_another_place_has_moved_nearest_first(store: Store):
    store.add(build_article("Rain fell. The dam held. Rain fell. Crops grew.", id="farm"))
    rain = cite(store.get("farm"), 2)
    store.add(
        build_article("Rain fell. Rain fell. The dam held. Crops grew.", id="farm"), replace=True
    )
    [moved] = verify(store.snapshot(), [asdict(rain)])
    assert (moved.status, moved.citation.sentence_index) == (Status.MOVED, 1)
    # the same text at the same index, but elsewhere in the text: moved, with its new offsets
    store.add(build_article("Rain fell hard. Rain fell. The dam held.", id="farm"), replace=True)
    held = cite(store.get("farm"), 1)
    store.add(build_article("Rain fell all day. Rain fell. The dam held.", id="farm"), replace=True)
    [moved] = verify(store.snapshot(), [asdict(held)])
    assert (moved.status, moved.citation.sentence_index) == (Status.MOVED, 1)
    assert moved.citation.offsets == [19, 29]
    [holds] = verify(store.snapshot(), [held.compact])  # no offsets: the place is its index
    assert holds.status == Status.HOLDS


def test_a_changed_sentence_gets_the_closest_by_words_when_its_text_is_sent(store: Store):
    store.add(build_article("The vote was close. 212 members voted yes. It passed.", id="vote"))
    cited = {**asdict(cite(store.get("vote"), 1)), "sentence": "212 members voted yes."}
    store.add(
        build_article("The vote was close. 214 members voted yes. It passed.", id="vote"),
        replace=True,
    )
    [changed] = verify(store.snapshot(), [cited])
    assert (changed.status, changed.sentence) == (Status.CHANGED, "214 members voted yes.")
    assert changed.similarity == similarity("212 members voted yes.", "214 members voted yes.")
    assert changed.similarity == 0.6  # 3 of the 5 distinct words
    [by_place] = verify(store.snapshot(), [cited["compact"]])  # no text: where it was
    assert (by_place.status, by_place.sentence, by_place.similarity) == (
        Status.CHANGED,
        "214 members voted yes.",
        None,
    )


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Rain fell.", "rain FELL", 1.0),
        ("Rain fell.", "Snow fell.", 0.3333),
        ("Rain fell.", "Dogs bark.", 0.0),
        ("", "", 1.0),
        ("Café", "cafe\u0301", 1.0),
    ],
)
def test_similarity_is_the_token_jaccard(a, b, expected):
    assert similarity(a, b) == expected


# --- provenance cite verify ----------------------------------------------------------------------


def seeded_citations(seeded: Store) -> list[dict]:
    return [asdict(cite(seeded.get(i), 1)) for i in ("22f7d43c8802e9ee", "3638292d1a5f92aa")]


def test_cite_verify_prints_a_line_each_and_exits_0_when_all_hold(seeded, tmp_path, provenance):
    file = tmp_path / "cited.json"
    file.write_text(json.dumps({"citations": seeded_citations(seeded)}))
    seeded.close()
    done = provenance("cite", "verify", str(file), index_dir=seeded.path)
    assert done.returncode == 0, done.stderr
    assert [line.split()[0] for line in done.stdout.splitlines()] == ["holds", "holds"]
    as_json = json.loads(
        provenance("cite", "verify", "--json", str(file), index_dir=seeded.path).stdout
    )
    assert [r["status"] for r in as_json["results"]] == ["holds", "holds"]
    assert as_json["summary"]["holds"] == 2


def test_cite_verify_exits_1_when_one_does_not_hold(seeded, tmp_path, provenance):
    held, other = seeded_citations(seeded)
    seeded.delete(other["article_id"])
    seeded.close()
    lines = tmp_path / "cited.txt"
    lines.write_text(f"{held['compact']}\n\n{other['compact']}\n")
    done = provenance("cite", "verify", str(lines), index_dir=seeded.path)
    assert done.returncode == 1
    assert done.stdout == f"holds    {held['compact']}\ngone     {other['compact']}\n"


def test_cite_verify_reads_standard_input(seeded, provenance, monkeypatch):
    held, _ = seeded_citations(seeded)
    seeded.close()
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps([held["compact"]])))
    done = provenance("cite", "verify", "-", index_dir=seeded.path)
    assert (done.returncode, done.stdout) == (0, f"holds    {held['compact']}\n")


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (None, "No such file"),
        ("", "no citation to verify"),
        ("[1, 2", "Expecting"),
        ('{"citations": 3}', "expected a JSON list"),
        ('{"other": []}', "expected a JSON list"),
    ],
)
def test_cite_verify_exits_2_on_input_it_cannot_read(tmp_path, provenance, content, said):
    file = tmp_path / "cited.json"
    if content is not None:
        file.write_text(content)
    done = provenance("cite", "verify", str(file), index_dir=tmp_path / "ix")
    assert done.returncode == 2 and said in done.stderr and done.stdout == ""


def test_cite_verify_exits_2_on_a_malformed_citation_and_still_checks_the_rest(
    seeded, tmp_path, provenance
):
    held, _ = seeded_citations(seeded)
    seeded.close()
    file = tmp_path / "cited.json"
    file.write_text(json.dumps([held, {"article_id": "x"}]))
    done = provenance("cite", "verify", str(file), index_dir=seeded.path)
    assert done.returncode == 2
    assert done.stdout.splitlines() == [
        f"holds    {held['compact']}",
        "invalid  #2: sentence_index: Missing data for required field.; "
        "sentence_sha256: Missing data for required field.",
    ]


def test_verify_citations_counts_each_status(seeded: Store):
    held, _ = seeded_citations(seeded)
    result = verify_citations(seeded, [held, "gone:0:0123456789ab", 7])
    assert (result.summary.holds, result.summary.gone, result.summary.invalid) == (1, 1, 1)
    assert not result.all_hold and result.generation == str(seeded.generation())
