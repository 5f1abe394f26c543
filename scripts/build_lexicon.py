"""Build index/judging/lexicon.json: synonyms, antonyms, verbs and adjectives from WordNet 3.0.

Run where Debian's ``wordnet-base`` is installed (``apt-get install wordnet-base``):

    .venv/bin/python scripts/build_lexicon.py [/usr/share/wordnet]

The service never reads WordNet itself: it ships this compact table (keys and values are the
index's analysed terms), so installing it needs nothing beyond Python. WordNet 3.0 is
Copyright 2006 by Princeton University, used under the WordNet 3.0 licence (permission to use,
copy, modify and distribute with this notice); the table carries the notice in its ``licence``.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.stores.whoosh.schema import ANALYZER  # noqa: E402

POS = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
# Synonyms from a word's most frequent senses only: rare senses make everything a synonym of
# everything ("seize" sense 9 is "clutch"); antonyms from a few more senses.
SYNONYM_SENSES = 2
ANTONYM_SENSES = 3
LICENCE = (
    "Derived from WordNet 3.0. WordNet 3.0 Copyright 2006 by Princeton University. All rights "
    "reserved. Permission to use, copy, modify and distribute this software and database and "
    "its documentation for any purpose and without fee or royalty is hereby granted, provided "
    "that this notice appears on all copies. THIS SOFTWARE AND DATABASE IS PROVIDED AS IS AND "
    "PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED."
)


def term(word: str) -> str | None:
    """The index term of a single WordNet lemma, or None for phrases and stop words."""
    if "_" in word or "-" in word:
        return None
    terms = [t.text for t in ANALYZER(word.replace("_", " "), removestops=True)]
    return terms[0] if len(terms) == 1 else None


def read_synsets(folder: Path, pos: str) -> dict[str, dict]:
    """Every synset of a part of speech: its words and its pointers."""
    synsets = {}
    for line in (folder / f"data.{POS[pos]}").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        fields = line.split(" | ")[0].split()
        offset, ss_type, count = fields[0], fields[2], int(fields[3], 16)
        words = [re.sub(r"\(.*\)$", "", fields[4 + 2 * i]).lower() for i in range(count)]
        at = 4 + 2 * count
        pointers = []
        for i in range(int(fields[at])):
            symbol, target, target_pos, st = fields[at + 1 + 4 * i : at + 5 + 4 * i]
            pointers.append((symbol, target, "a" if target_pos == "s" else target_pos, st))
        synsets[offset] = {"type": ss_type, "words": words, "pointers": pointers}
    return synsets


def read_senses(folder: Path, pos: str) -> dict[str, list[str]]:
    """Each lemma's synset offsets, most frequent sense first."""
    senses = {}
    for line in (folder / f"index.{POS[pos]}").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        fields = line.split()
        count = int(fields[2])
        senses[fields[0]] = fields[-count:]
    return senses


def tagged_counts(folder: Path) -> dict[tuple[str, str], int]:
    """How often each lemma was tagged in each part of speech in WordNet's corpus."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    kinds = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}
    for line in (folder / "cntlist.rev").read_text(encoding="latin-1").splitlines():
        key, _, count = line.split()
        lemma, rest = key.split("%", 1)
        counts[(lemma.lower(), kinds[rest[0]])] += int(count)
    return counts


def antonym_words(synsets: dict, pos: str, offset: str, lemma: str) -> set[str]:
    """The words of the synsets opposed to the lemma's sense (direct, or through its head)."""
    synset = synsets[pos][offset]
    found = set()
    for symbol, target, target_pos, st in synset["pointers"]:
        source = int(st[:2], 16)
        if symbol == "!" and (source == 0 or synset["words"][source - 1] == lemma):
            found |= set(synsets[target_pos][target]["words"])
    if not found and synset["type"] == "s":  # a satellite adjective opposes its head's antonyms
        for symbol, target, _, _ in synset["pointers"]:
            if symbol == "&":
                head = synsets["a"][target]
                for sym2, target2, pos2, _ in head["pointers"]:
                    if sym2 == "!":
                        found |= set(synsets[pos2][target2]["words"])
    return found


def build(folder: Path) -> dict:
    """The table: term -> synonym terms, term -> antonym terms, verb and adjective terms."""
    synsets = {pos: read_synsets(folder, pos) for pos in POS}
    synonyms: dict[str, set[str]] = defaultdict(set)
    antonyms: dict[str, set[str]] = defaultdict(set)
    for pos in ("v", "a", "n", "r"):
        for lemma, offsets in read_senses(folder, pos).items():
            key = term(lemma)
            if not key:
                continue
            for offset in offsets[:SYNONYM_SENSES]:
                synonyms[key] |= {t for w in synsets[pos][offset]["words"] if (t := term(w))}
            for offset in offsets[:ANTONYM_SENSES]:
                antonyms[key] |= {
                    t for w in antonym_words(synsets, pos, offset, lemma) if (t := term(w))
                }
    counts = tagged_counts(folder)
    by_term: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (lemma, pos), n in counts.items():
        if key := term(lemma):
            by_term[key][pos] += n
    # A term's usual part of speech: the one its senses were tagged with most (at least twice).
    usual = {t: max(c, key=c.get) for t, c in by_term.items() if max(c.values()) >= 2}
    for key, others in list(synonyms.items()):  # a synonym relation reads both ways
        for other in others:
            synonyms[other].add(key)
    for key in list(synonyms):
        synonyms[key].discard(key)
        antonyms[key] -= synonyms[key] | {key}
    return {
        "licence": LICENCE,
        "synonyms": {k: sorted(v) for k, v in sorted(synonyms.items()) if v},
        "antonyms": {k: sorted(v) for k, v in sorted(antonyms.items()) if v},
        "verbs": sorted(t for t, pos in usual.items() if pos == "v"),
        "adjectives": sorted(t for t, pos in usual.items() if pos == "a"),
    }


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wordnet")
    table = build(folder)
    out = ROOT / "index" / "lexicon.json"
    out.write_text(json.dumps(table, separators=(",", ":"), sort_keys=True) + "\n")
    print(
        f"{len(table['synonyms'])} terms with synonyms, {len(table['antonyms'])} with antonyms, "
        f"{len(table['verbs'])} verbs, {len(table['adjectives'])} adjectives; "
        f"wrote {out} ({out.stat().st_size} bytes)"
    )


if __name__ == "__main__":
    main()
