"""Claims generated from licensed sentences, in the style of news claims (SPEC §4 patterns).

From one sentence the generator writes claims it entails (a clause of it, the attribution
stripped, a parenthesis, relative clause or time phrase dropped), claims it contradicts (the
governing negation added or removed, a number or year changed beyond rounding, a place swapped
for another of the corpus, an opposite verb or adjective), and neutral ones (another subject
doing the same, an added detail the sentence does not state, a neighbour's statement). Every
choice comes from one seeded generator, so the same sentences give the same pairs.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable

from .nli_data import CONTRADICTION, ENTAILMENT, NEUTRAL, Pair

_AUX = r"is|are|was|were|has|have|had|will|would|can|could|should|may|might|must|did|does|do"
_AUX_RE = re.compile(rf"\b({_AUX})\b(?!\s+(?:not|n't|never)\b)")
_AUX_NOT = re.compile(rf"\b({_AUX})(?: not|n't)\b", re.IGNORECASE)
_CANT = re.compile(r"\bcannot\b", re.IGNORECASE)
_NEVER = re.compile(r"\bnever\s+", re.IGNORECASE)
_PAST_VERB = re.compile(r"(?<=[a-z] )([a-z]{3,}ed)\b")
# "…, he said." / "…," said Peskov. / "…, according to officials."
_TRAILING_ATTRIBUTION = re.compile(
    r"^(?P<body>.{20,}?)[,.]?[\"”]?,?\s+(?:(?:he|she|they|it|[A-Z][\w.-]*(?: [A-Z][\w.-]*){0,3})"
    r"\s+(?:said|says|told [\w ]{1,30}?|added|stated|announced|wrote)|(?:said|says|added)\s+"
    r"[A-Z][\w.-]*(?: [A-Z][\w.-]*){0,3}|according to [\w .-]{2,40})\s*\.?$"
)
_LEADING_ATTRIBUTION = re.compile(
    r"^(?:[A-Z][\w.-]*(?: [A-Z][\w.-]*){0,3}|(?:The|A|An) [\w -]{2,40}?)\s+"
    r"(?:said|says|stated|announced|reported|told [\w ]{1,30}?)(?: that)?\s+(?P<body>.{20,})$"
)
_CLAUSE = re.compile(r",\s+(?:but|while|whereas|which|although|though|and)\s+|;\s+")
_PARENS = re.compile(r"\s*\([^()]{1,80}\)")
_RELATIVE = re.compile(r",\s+(?:who|which|whose|where)\s+[^,]{3,80},")
_TIME = re.compile(
    r"\s+(?:on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|"
    r"in (?:1[5-9]|20)\d\d|last (?:week|month|year)|earlier this (?:week|month|year))\b"
)
_NUMBER = re.compile(r"(?<![\w.,-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w.,-]*\d)(?!\w)")
_PLACE = re.compile(r"\b(?<=in |to |at )([A-Z][a-z]{2,}(?: [A-Z][a-z]{2,})?)\b")
_SUBJECT = re.compile(
    r"^(?!(?:As|In|On|At|The|A|An|But|And|After|When|If|For|By|With|This|That)\b)"
    r"((?:[A-Z][a-z]+\.? ){0,2}[A-Z][a-z]{2,})(?= (?:[a-z]))"
)

# Opposites a news claim turns on (both directions are used).
_OPPOSITES = [
    ("increased", "decreased"),
    ("increase", "decrease"),
    ("increases", "decreases"),
    ("rose", "fell"),
    ("rise", "fall"),
    ("rising", "falling"),
    ("won", "lost"),
    ("gained", "lost"),
    ("accepted", "rejected"),
    ("approved", "rejected"),
    ("supported", "opposed"),
    ("supports", "opposes"),
    ("support", "oppose"),
    ("allowed", "banned"),
    ("opened", "closed"),
    ("before", "after"),
    ("more", "less"),
    ("higher", "lower"),
    ("largest", "smallest"),
    ("first", "last"),
    ("entered", "left"),
    ("joined", "left"),
    ("started", "ended"),
    ("began", "ended"),
    ("strong", "weak"),
    ("stronger", "weaker"),
    ("positive", "negative"),
    ("legal", "illegal"),
    ("warmer", "colder"),
    ("warming", "cooling"),
    ("larger", "smaller"),
    ("large", "small"),
    ("above", "below"),
    ("increasing", "decreasing"),
    ("success", "failure"),
    ("successful", "unsuccessful"),
    ("agreed", "refused"),
    ("born", "died"),
    ("north", "south"),
    ("east", "west"),
    ("maximum", "minimum"),
    ("most", "least"),
    ("cause", "prevent"),
    ("causes", "prevents"),
    ("caused", "prevented"),
    ("true", "false"),
    ("older", "younger"),
    ("early", "late"),
    ("earlier", "later"),
    ("many", "few"),
]
_OPPOSITE = {a: b for a, b in _OPPOSITES} | {b: a for a, b in _OPPOSITES}
_OPPOSITE_RE = re.compile(r"\b(" + "|".join(sorted(_OPPOSITE, key=len, reverse=True)) + r")\b")

_DETAILS = [
    " for the first time",
    " despite strong opposition",
    " after a vote in parliament",
    " under pressure from the United States",
    " to cut costs",
    " in secret",
    " at the request of the government",
    " because of the war",
    " without any evidence",
    " with the help of China",
    " as a result of climate change",
    " by a wide margin",
]

# A pattern gives the claim, or (premise, claim) when it rewrote the sentence too.
Pattern = Callable[[str, random.Random, "Corpus"], str | tuple[str, str] | None]


class Corpus:
    """The generator's sources: its sentences, and the places and subjects they name."""

    def __init__(self, sentences: list[str]) -> None:
        self.sentences = sentences
        self.places = sorted({m.group(1) for s in sentences for m in _PLACE.finditer(s)})
        self.subjects = sorted(
            {m.group(1) for s in sentences if (m := _SUBJECT.match(s)) and " " in m.group(1)}
        )


def _sentence(text: str) -> str:
    text = " ".join(text.strip().strip('"“”').split()).rstrip(",;:")
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _words(text: str) -> int:
    return len(text.split())


# --- entailed ---------------------------------------------------------------------------------


def attribution_stripped(s: str, rng: random.Random, corpus: Corpus) -> str | None:
    """'"X is Y," he said.' states that X is Y was said: the claim is X is Y."""
    m = _TRAILING_ATTRIBUTION.match(s) or _LEADING_ATTRIBUTION.match(s)
    return _sentence(m.group("body")) if m else None


def first_clause(s: str, rng: random.Random, corpus: Corpus) -> str | None:
    """The main clause before ', but …', ', which …', '; …'."""
    parts = _CLAUSE.split(s, maxsplit=1)
    if len(parts) == 2 and _words(parts[0]) >= 5:
        return _sentence(parts[0])
    return None


def modifier_dropped(s: str, rng: random.Random, corpus: Corpus) -> str | None:
    """Without a parenthesis, a relative clause, or a time phrase."""
    for pattern, repl in ((_PARENS, ""), (_RELATIVE, ""), (_TIME, "")):
        shorter, n = pattern.subn(repl, s, count=1)
        if n and _words(shorter) >= 5:
            return _sentence(shorter)
    return None


# Negations said in other words: each group's forms state the same thing ("cannot pay" / "is
# unable to pay" / "lacks the means to pay"), so a negation is not a contradiction by its word.
_SAME_NEGATIONS = [
    ("cannot", "is unable to", "is not able to", "lacks the means to", "has no way to"),
    ("can not", "is unable to", "lacks the means to"),
    ("will not", "is not going to", "refuses to", "has ruled out plans to"),
    ("would not", "refused to", "declined to"),
    ("did not", "failed to", "never managed to"),
    ("could not", "was unable to", "failed to", "lacked the means to"),
    ("are unable to", "cannot", "lack the means to"),
    ("refused to", "would not", "declined to"),
    ("declined to", "would not", "refused to"),
    ("failed to", "did not", "never managed to"),
]
_SAME_NEGATION_RE = re.compile(
    r"\b(" + "|".join(sorted({g[0] for g in _SAME_NEGATIONS}, key=len, reverse=True)) + r")\b"
)


_MODAL = re.compile(r"\b(will|can|could|would|did)\s+(?!not\b|n't\b)(?=[a-z]{3,})")


def negation_reworded(s: str, rng: random.Random, corpus: Corpus) -> str | tuple[str, str] | None:
    """The sentence's negation said in other words: 'cannot retake' / 'lacks the means to
    retake', 'will not return' / 'has ruled out plans to return'. A sentence with a modal and
    no negation is denied first, and the denial is the premise."""
    m = _SAME_NEGATION_RE.search(s)
    if not m:
        modal = _MODAL.search(s)
        if not modal:
            return None
        word = "cannot" if modal.group(1) == "can" else modal.group(1) + " not"
        denied = s[: modal.start()] + word + " " + s[modal.end() :]
        m = _SAME_NEGATION_RE.search(denied)
        if not m:
            return None
        forms = next(g for g in _SAME_NEGATIONS if g[0] == m.group(1))
        reworded = _sentence(denied[: m.start()] + rng.choice(forms[1:]) + denied[m.end() :])
        return (
            (reworded, _sentence(denied)) if rng.random() < 0.5 else (_sentence(denied), reworded)
        )
    forms = next(g for g in _SAME_NEGATIONS if g[0] == m.group(1))
    reworded = _sentence(s[: m.start()] + rng.choice(forms[1:]) + s[m.end() :])
    return (reworded, _sentence(s)) if rng.random() < 0.5 else reworded


def negation_reworded_flipped(s: str, rng: random.Random, corpus: Corpus) -> str | None:
    """The negation said in other words, and then denied: 'cannot retake' / 'is able to
    retake'."""
    m = _SAME_NEGATION_RE.search(s)
    if not m:
        return None
    positive = {
        "cannot": "can",
        "can not": "can",
        "will not": "will",
        "would not": "would",
        "did not": "did",
        "could not": "could",
        "are unable to": "are able to",
        "refused to": "agreed to",
        "declined to": "agreed to",
        "failed to": "managed to",
    }
    return _sentence(s[: m.start()] + positive[m.group(1)] + s[m.end() :])


# --- contradicted -----------------------------------------------------------------------------


def negation_flipped(s: str, rng: random.Random, corpus: Corpus) -> str | None:
    """The first clause with its governing negation added or removed."""
    clause = _CLAUSE.split(s, maxsplit=1)[0]
    if m := _AUX_NOT.search(clause):
        flipped = clause[: m.start()] + m.group(1) + clause[m.end() :]
    elif m := _CANT.search(clause):
        flipped = clause[: m.start()] + "can" + clause[m.end() :]
    elif m := _NEVER.search(clause):
        flipped = clause[: m.start()] + clause[m.end() :]
    elif m := _AUX_RE.search(clause):
        flipped = clause[: m.end()] + " not" + clause[m.end() :]
    elif m := _PAST_VERB.search(clause):
        flipped = clause[: m.start()] + "never " + clause[m.start() :]
    else:
        return None
    return _sentence(flipped) if _words(flipped) >= 4 else None


def number_changed(s: str, rng: random.Random, corpus: Corpus) -> str | None:
    """A number or year changed well beyond its rounding."""
    found = list(_NUMBER.finditer(s))
    if not found:
        return None
    m = rng.choice(found)
    raw = m.group(1).replace(",", "")
    value = float(raw)
    if raw.isdigit() and len(raw) == 4 and 1500 <= value <= 2100:
        new = str(int(value) + rng.choice([-1, 1]) * rng.randint(2, 30))
    elif value == 0:
        new = str(rng.randint(2, 9))
    else:
        factor = rng.choice([0.2, 0.25, 0.5, 2, 3, 4, 10])
        changed = value * factor
        new = f"{changed:,.0f}" if "." not in raw else f"{changed:.1f}"
        if new.replace(",", "") in (raw, f"{value:.0f}"):
            return None
    return _sentence(s[: m.start(1)] + new + s[m.end(1) :])


def place_swapped(s: str, rng: random.Random, corpus: Corpus) -> str | None:
    """A place ('in Paris') swapped for another place the corpus names."""
    found = [m for m in _PLACE.finditer(s)]
    if not found or len(corpus.places) < 2:
        return None
    m = rng.choice(found)
    other = rng.choice(corpus.places)
    if other == m.group(1) or other in s:
        return None
    return _sentence(s[: m.start(1)] + other + s[m.end(1) :])


def opposite_word(s: str, rng: random.Random, corpus: Corpus) -> str | None:
    """A verb or adjective replaced by its opposite ('increased' / 'decreased')."""
    found = list(_OPPOSITE_RE.finditer(s))
    if not found:
        return None
    m = rng.choice(found)
    return _sentence(s[: m.start()] + _OPPOSITE[m.group(1)] + s[m.end() :])


# --- neutral ----------------------------------------------------------------------------------


def subject_swapped(s: str, rng: random.Random, corpus: Corpus) -> str | None:
    """Another named subject doing the same: the sentence says nothing of them."""
    m = _SUBJECT.match(s)
    if not m or " " not in m.group(1) or len(corpus.subjects) < 2:
        return None
    other = rng.choice(corpus.subjects)
    if other == m.group(1) or other in s:
        return None
    return _sentence(other + s[m.end(1) :])


def detail_added(s: str, rng: random.Random, corpus: Corpus) -> str | None:
    """The sentence's main clause with a detail it does not state."""
    clause = _CLAUSE.split(s, maxsplit=1)[0].rstrip(".!?")
    detail = rng.choice(_DETAILS)
    if detail.strip() in s or _words(clause) < 4:
        return None
    return _sentence(clause + detail)


def neighbour_claim(s: str, rng: random.Random, corpus: Corpus) -> str | None:
    """Another sentence of the corpus that shares a name with this one."""
    names = set(re.findall(r"\b[A-Z][a-z]{3,}\b", s[1:]))
    if not names:
        return None
    name = rng.choice(sorted(names))
    for _ in range(30):
        other = rng.choice(corpus.sentences)
        if other != s and name in other:
            clause = _CLAUSE.split(other, maxsplit=1)[0]
            return _sentence(clause) if _words(clause) >= 5 else None
    return None


PATTERNS: dict[str, tuple[int, Pattern]] = {
    "attribution_stripped": (ENTAILMENT, attribution_stripped),
    "first_clause": (ENTAILMENT, first_clause),
    "modifier_dropped": (ENTAILMENT, modifier_dropped),
    "negation_reworded": (ENTAILMENT, negation_reworded),
    "negation_reworded_flipped": (CONTRADICTION, negation_reworded_flipped),
    "negation_flipped": (CONTRADICTION, negation_flipped),
    "number_changed": (CONTRADICTION, number_changed),
    "place_swapped": (CONTRADICTION, place_swapped),
    "opposite_word": (CONTRADICTION, opposite_word),
    "subject_swapped": (NEUTRAL, subject_swapped),
    "detail_added": (NEUTRAL, detail_added),
    "neighbour_claim": (NEUTRAL, neighbour_claim),
}


# Patterns tried first half the time they apply: rare, and what the shortcut "a negation word
# means a contradiction" gets wrong.
_PREFERRED = frozenset({"negation_reworded", "negation_reworded_flipped", "attribution_stripped"})


def generate(sentences: Iterable[str], seed: int = 13) -> list[Pair]:
    """For each sentence, at most one pair per label (a pattern of that label drawn at random
    among those that apply), then every label cut to at most 1.5 times the rarest one's count,
    so no label dominates; the same sentences and seed give the same pairs."""
    unique = sorted({_sentence(s) for s in sentences if 6 <= _words(s) <= 60})
    corpus = Corpus(unique)
    rng = random.Random(seed)
    by_label: dict[int, list[Pair]] = {ENTAILMENT: [], NEUTRAL: [], CONTRADICTION: []}
    for s in unique:
        for label, made in by_label.items():
            names = [n for n, (lab, _) in PATTERNS.items() if lab == label]
            rng.shuffle(names)
            names.sort(key=lambda n: n not in _PREFERRED or rng.random() < 0.5)
            for name in names:
                made_pair = PATTERNS[name][1](s, rng, corpus)
                premise, claim = made_pair if isinstance(made_pair, tuple) else (s, made_pair)
                if claim and claim != premise:
                    made.append(Pair(premise, claim, label, f"gen:{name}"))
                    break
    cap = int(1.5 * min(len(p) for p in by_label.values()))
    kept = [p for pairs in by_label.values() for p in rng.sample(pairs, min(cap, len(pairs)))]
    return sorted(kept, key=lambda p: (p.premise, p.label, p.hypothesis))
