"""Does a sentence support a claim? The fitted logistic model over the features, its weight
files, and the stance: the checks that turn topical overlap into agreement or disagreement
(negation, numbers, the verifier's reading), the parts of a long claim, the per-claim cut.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from index.judging.claims import Claim, analyse_claim
from index.judging.conflicts import conflict, disagrees
from index.judging.features import FEATURES
from index.judging.negation import clauses
from index.judging.views import Judgement, Reading, SentenceView
from index.records import Stance

SUPPORTS, REFUTES, RELATED = Stance.SUPPORTS, Stance.REFUTES, Stance.RELATED
# The sentence itself must state a fifth of the claim's weight in its own words to support it
# (the title can add context, synonyms can add weight, not the content), and most of it,
# synonyms included, to refute it.
SUPPORT_MIN_COVERAGE = 0.2
REFUTE_MIN_COVERAGE = 0.4


@dataclass(frozen=True)
class Model:
    """Logistic weights over :data:`FEATURES`, the score from which a sentence supports, and
    the share of the claim's best supporting score below which a sentence no longer does; with
    the verifier, ``refute`` is the P(contradiction) from which a sentence refutes and
    ``entail`` the P(entailment) a supporting sentence needs at least."""

    bias: float
    weights: dict[str, float]
    threshold: float
    relative: float
    refute: float | None = None
    entail: float | None = None

    def score(self, features: dict[str, float]) -> float:
        """The logistic score of a feature vector."""
        z = self.bias + sum(self.weights[name] * features[name] for name in self.weights)
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self) -> str:
        """The model as the JSON of :data:`WEIGHTS_FILE`."""
        fields = {k: v for k, v in asdict(self).items() if v is not None}
        return json.dumps(fields, indent=2) + "\n"


WEIGHTS_FILE = Path(__file__).with_name("support_weights.json")
#: The model of semantic mode: the same features plus ``similarity``.
SEMANTIC_WEIGHTS_FILE = Path(__file__).with_name("support_weights_semantic.json")
#: The model of sentences the verifier read: its probabilities beside the lexical features.
VERIFIER_WEIGHTS_FILE = Path(__file__).with_name("support_weights_verifier.json")


def weights_file(semantic: bool, verified: bool = False) -> Path:
    """Where the model of a mode is kept: one for sentences the verifier read (either
    ranking), else the lexical or the semantic one."""
    if verified:
        return VERIFIER_WEIGHTS_FILE
    return SEMANTIC_WEIGHTS_FILE if semantic else WEIGHTS_FILE


_models: dict[Path, Model] = {}


def model(semantic: bool = False, verified: bool = False) -> Model:
    """The model of a mode: the shipped one, fitted on even Climate-FEVER claims by
    ``python -m lab eval climate-fever PATH --train``, unless :func:`use_model` set another."""
    path = weights_file(semantic, verified)
    if path not in _models:
        _models[path] = Model(**json.loads(path.read_text()))
    return _models[path]


def use_model(m: Model | None, semantic: bool = False, verified: bool = False) -> None:
    """Judge with ``m`` in this process from now on (``None``: the shipped file again); the
    lab's sweeps try models without writing them."""
    path = weights_file(semantic, verified)
    if m is None:
        _models.pop(path, None)
    else:
        _models[path] = m


def judge(claim: Claim, s: SentenceView, idf: dict[str, float]) -> Judgement:
    """Score the sentence for the claim and decide its stance; a long claim part by part, the
    sentence judged by the part it states best."""
    return max((_judge_part(p, s, idf) for p in claim_parts(claim)), key=lambda j: j.score)


def supports_part(part: Claim, s: SentenceView, idf: dict[str, float]) -> bool:
    """Whether the sentence supports this part of a long claim on its own."""
    return _judge_part(part, s, idf).stance == SUPPORTS


def _judge_part(claim: Claim, s: SentenceView, idf: dict[str, float]) -> Judgement:
    r = Reading(claim, s, idf)
    feats = {name: fn(r) for name, fn in FEATURES.items()}
    verified = bool(s.readings)
    m = model(s.similarity is not None, verified)
    score = m.score(feats)
    decided = verified_stance(feats, score, m) if verified else stance(feats, score, m.threshold)
    against = conflict(r, feats) if decided == REFUTES else None
    reading = s.reading(claim.text)
    return Judgement(round(score, 4), decided, feats, r.matches, reading, conflict=against)


# Claims longer than this many words are judged clause by clause: a sentence rarely states all
# of a long claim, and its share of the whole claim says little.
LONG_CLAIM = 25
MIN_PART_WORDS = 3


@lru_cache(maxsize=1024)
def claim_parts(claim: Claim) -> tuple[Claim, ...]:
    """A long claim's clauses of at least MIN_PART_WORDS content words; else the claim."""
    if len(claim.text.split()) <= LONG_CLAIM:
        return (claim,)
    parts = (analyse_claim(claim.text[a:b]) for a, b in clauses(claim.text))
    terms = set(claim.terms)
    kept = tuple(p for p in parts if len(p.words) >= MIN_PART_WORDS and terms.issuperset(p.terms))
    return kept if len(kept) > 1 else (claim,)


def stance(feats: dict[str, float], score: float, threshold: float) -> str:
    """Supports: scored at least ``threshold``, no disagreement, enough of the claim stated.

    A sentence covering most of the claim while negating it or stating another number refutes.
    A sentence lacking a claimed number may still support it ("about 0.04%" vs "400 ppm"):
    ``number_missing`` lowers its score instead.
    """
    disagreeing = disagrees(feats)
    stated = feats["coverage"] + feats["synonym_coverage"]
    if disagreeing and stated >= REFUTE_MIN_COVERAGE:
        return REFUTES
    if score >= threshold and feats["coverage"] >= SUPPORT_MIN_COVERAGE and not disagreeing:
        return SUPPORTS
    return RELATED


def could_take_a_side(feats: dict[str, float]) -> bool:
    """Whether a sentence states enough of the claim to support it or refute it, whatever the
    verifier reads: the others stay ``related``, so reading them would cost for nothing."""
    stated = feats["coverage"] + feats["synonym_coverage"]
    return feats["coverage"] >= SUPPORT_MIN_COVERAGE or stated >= REFUTE_MIN_COVERAGE


def verified_stance(feats: dict[str, float], score: float, m: Model) -> str:
    """The stance of a sentence the verifier read: refutes when it reads a contradiction (at
    least ``m.refute``, above its entailment) in a sentence stating most of the claim; supports
    when scored at least the floor, read as entailment (at least ``m.entail``) more than
    contradiction, with a fifth of the claim in its own words and no other number or date than
    the claim's."""
    entailed, contradicted = feats["entailment"], feats["contradiction"]
    stated = feats["coverage"] + feats["synonym_coverage"]
    refute = m.refute if m.refute is not None else 0.5
    if contradicted >= refute and contradicted > entailed and stated >= REFUTE_MIN_COVERAGE:
        return REFUTES
    if (
        score >= m.threshold
        and entailed > contradicted
        and entailed >= (m.entail or 0.0)
        and feats["coverage"] >= SUPPORT_MIN_COVERAGE
        and not feats["number_conflict"]
    ):
        return SUPPORTS
    return RELATED


# A near-verbatim match raises the bar for the claim's other supports no higher than a strong
# support would: the even claims' best scores are under this nine times in ten.
NEAR_VERBATIM = 0.3


def within_reach(
    scores: list[float], stances: list[str], relative: float, best: float = 0.0
) -> list[str]:
    """The stances with ``supports`` kept only within ``relative`` of the best supporting score
    (or of ``best``, the best the claim's answer already holds, when higher).

    Scores of one claim vary by orders of magnitude between claims (a rare-worded claim scores
    high, a vague one low), so besides the global threshold the answer is cut per claim: a
    sentence far below the claim's best support (capped at :data:`NEAR_VERBATIM`, so that a
    verbatim match does not cut its paraphrases) is ``related``, not supporting.
    """
    best = max([best, *(s for s, st in zip(scores, stances, strict=True) if st == SUPPORTS)])
    best = min(best, NEAR_VERBATIM)
    return [
        RELATED if st == SUPPORTS and s < relative * best else st
        for s, st in zip(scores, stances, strict=True)
    ]
