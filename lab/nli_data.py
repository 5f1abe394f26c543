"""The verifier's labelled pairs: the licensed sets of ``shared/data/nli``, read in place.

Each pair is (premise, hypothesis, label) with the three labels of NLI; claim-verification
sets map SUPPORTS to entailment and REFUTES to contradiction, and their retrieved near-miss
sentences give neutral pairs. A fixed share of each set, chosen by a hash of the premise, is
held out: no premise of the held-out part is ever trained on, so its figures are honest.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .data import NLI_DIR

ENTAILMENT, NEUTRAL, CONTRADICTION = 0, 1, 2
LABELS = ("entailment", "neutral", "contradiction")
_LABEL = {
    "entailment": ENTAILMENT,
    "neutral": NEUTRAL,
    "non-entailment": NEUTRAL,
    "contradiction": CONTRADICTION,
}
#: The share of each set's premises kept out of training (reported as held out).
HELD_OUT = 0.05
#: VitaminC's share held out, by page: every case (and so every sentence) of a page on one side.
VITAMINC_HELD_OUT = 0.2

csv.field_size_limit(1 << 24)


@dataclass(frozen=True)
class Pair:
    """A premise (the archive's sentence), a hypothesis (the claim), the label, its set."""

    premise: str
    hypothesis: str
    label: int
    source: str
    #: What a held-out split keeps together (VitaminC: the Wikipedia page); else the premise.
    group: str = ""


def held_out(premise: str, share: float = HELD_OUT) -> bool:
    """Whether the premise (or group) is in the held-out part (stable across runs and machines)."""
    digest = hashlib.sha1(premise.strip().lower().encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share


def is_held_out(pair: Pair) -> bool:
    """Whether the pair is held out: by its group where it has one (VitaminC's page), else by
    its premise."""
    if pair.group:
        return held_out(pair.group, VITAMINC_HELD_OUT)
    return held_out(pair.premise)


def _clean(text: str) -> str:
    return " ".join(text.replace(" .", ".").replace(" ,", ",").split())


def _tsv_pairs(path: Path, premise: str, hypothesis: str, source: str) -> Iterator[Pair]:
    """The labelled pairs of a tab-separated file with a ``gold_label`` column."""
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["gold_label"] in _LABEL:
                yield Pair(
                    _clean(row[premise]), _clean(row[hypothesis]), _LABEL[row["gold_label"]], source
                )


def snli(root: Path) -> Iterator[Pair]:
    """SNLI 1.0 dev and test (CC BY-SA 4.0)."""
    d = root / "snli"
    for split in ("dev", "test"):
        s1 = (d / f"s1.{split}").read_text(encoding="utf-8").splitlines()
        s2 = (d / f"s2.{split}").read_text(encoding="utf-8").splitlines()
        labels = (d / f"labels.{split}").read_text(encoding="utf-8").splitlines()
        for p, h, label in zip(s1, s2, labels, strict=True):
            if label in _LABEL:
                yield Pair(_clean(p), _clean(h), _LABEL[label], "snli")


def mnli(root: Path) -> Iterator[Pair]:
    """MultiNLI dev-matched, ten genres."""
    path = root / "mnli-dev-matched/berts_of_a_feather"
    path = path / "mnli_development_set_number_of_correct_responses.txt"
    yield from _tsv_pairs(path, "premise", "hypothesis", "mnli")


def conjnli(root: Path) -> Iterator[Pair]:
    """ConjNLI's adversarial training pairs and its dev set (Wikipedia premises)."""
    for name in ("adversarial_train_15k.tsv", "conj_dev.tsv"):
        with open(root / "conjnli/data/NLI" / name, encoding="utf-8-sig") as f:
            for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(row) >= 3 and row[-1] in _LABEL:
                    yield Pair(_clean(row[0]), _clean(row[1]), _LABEL[row[-1]], "conjnli")


def breaking(root: Path) -> Iterator[Pair]:
    """Breaking NLI: one word swapped (antonyms, co-hyponyms, numbers, countries)."""
    with zipfile.ZipFile(root / "breaking-nli/breaking_nli_dataset.zip") as z:
        for line in io.TextIOWrapper(z.open("data/dataset.jsonl"), encoding="utf-8"):
            row = json.loads(line)
            if row["gold_label"] in _LABEL:
                yield Pair(
                    _clean(row["sentence1"]),
                    _clean(row["sentence2"]),
                    _LABEL[row["gold_label"]],
                    "breaking",
                )


def med(root: Path) -> Iterator[Pair]:
    """MED, monotonicity: entailment or not (read as neutral)."""
    yield from _tsv_pairs(root / "med/MED.tsv", "sentence1", "sentence2", "med")


def fool_me_twice(root: Path, near_misses: int = 2) -> Iterator[Pair]:
    """FM2 dev: each claim with its gold evidence (SUPPORTS/REFUTES), and up to
    ``near_misses`` retrieved sentences of the same page that are not gold, as neutral."""
    with open(root / "fool-me-twice/dataset/dev.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            claim = _clean(row["text"])
            gold = {e["text"] for e in row["gold_evidence"]}
            label = ENTAILMENT if row["label"] == "SUPPORTS" else CONTRADICTION
            for text in sorted(gold):
                yield Pair(_clean(text), claim, label, "fm2")
            misses = [e["text"] for e in row["retrieved_evidence"] if e["text"] not in gold]
            for text in misses[:near_misses]:
                yield Pair(_clean(text), claim, NEUTRAL, "fm2-near")


_FEVER_TOKENS = {"``": '"', "''": '"', "-COLON-": ":", "-LRB-": "(", "-RRB-": ")"}


def _detokenise(text: str) -> str:
    """FEVER-tokenised Wikipedia text ("( BPI ) ,", "``", "-COLON-") as written."""
    for token, char in _FEVER_TOKENS.items():
        text = text.replace(token, char)
    text = text.replace("\ufffd", " ")
    for a, b in ((" ( ", " ("), (" )", ")"), (" ,", ","), (" .", "."), (" ;", ";"), (" :", ":")):
        text = text.replace(a, b)
    text = text.replace(" 's", "'s").replace(" %", "%")
    return " ".join(text.split())


_CLAIM_LABEL = {"SUPPORTS": ENTAILMENT, "REFUTES": CONTRADICTION, "NOT ENOUGH INFO": NEUTRAL}


def vitaminc(root: Path) -> Iterator[Pair]:
    """VitaminC real (CC BY-SA 3.0): real claims against the Wikipedia sentence before and after
    an edit that changed a fact; grouped by page for the held-out split."""
    with zipfile.ZipFile(root / "vitaminc-real/vitaminc_real.zip") as z:
        for line in io.TextIOWrapper(z.open("vitaminc_real/test.jsonl"), encoding="utf-8"):
            row = json.loads(line)
            yield Pair(
                _detokenise(row["evidence"]),
                _detokenise(row["claim"]),
                _CLAIM_LABEL[row["label"]],
                "vitaminc",
                group=row["page"],
            )


def cad(root: Path) -> Iterator[Pair]:
    """CAD-NLI (Apache-2.0; SNLI sentences CC BY-SA 4.0): SNLI pairs and their human minimal
    edits that flip the label."""
    for split_name in ("train", "dev", "test"):
        path = root / "cad-nli/NLI/all_combined" / f"{split_name}.tsv"
        yield from _tsv_pairs(path, "sentence1", "sentence2", "cad")


SETS = {
    "snli": snli,
    "mnli": mnli,
    "conjnli": conjnli,
    "breaking": breaking,
    "med": med,
    "fm2": fool_me_twice,
}
#: The claim-style sets added since the shipped model was trained: read for its report (and
#: for the next recipe), not yet in :data:`SETS`, so the recipe still rebuilds the shipped file.
CLAIM_SETS = {"vitaminc": vitaminc, "cad": cad}


def read_all(root: Path = NLI_DIR) -> list[Pair]:
    """Every pair of every set, in a fixed order."""
    return [p for read in SETS.values() for p in read(root) if p.premise and p.hypothesis]


def split(pairs: list[Pair]) -> tuple[list[Pair], list[Pair]]:
    """(training pairs, held-out pairs) by :func:`is_held_out`."""
    train, test = [], []
    for p in pairs:
        (test if is_held_out(p) else train).append(p)
    return train, test
