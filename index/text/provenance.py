"""Who is quoted in a sentence, and which sentences are copies of one another."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

_SPEECH = (
    r"(?:said|says|say|told|tells|added|adds|stated|states|announced|insisted|"
    r"cautioned|warned|claimed|noted|explained|argued|wrote|asked|replied|stressed|"
    r"according to)"
)
_NAME = r"(?:[A-Z][\w'\u2019-]+|[A-Z]\.)(?:\s+(?:[A-Z][\w'\u2019-]+|[A-Z]\.))*"
_PRONOUN = r"(?:he|she|they|He|She|They)"
_QUOTE = re.compile(r"[\"\u201c\u201d]")
# "..., Kremlin spokesman Dmitry Peskov told reporters" / "Putin said that ..."
_NAME_THEN_VERB = re.compile(rf"(?P<name>{_NAME})\s+(?:also\s+|then\s+|later\s+)?{_SPEECH}\b")
# "..., said Ukrainian foreign ministry spokesman Georgiy Tykhy."
_VERB_THEN_NAME = re.compile(rf"\b{_SPEECH}\s+(?:[\w-]+\s+){{0,5}}?(?P<name>{_NAME})\s*[.,;]?\s*$")
# "... but his spokesman earlier cautioned that ..." names a role, resolved to the person the
# article names in it ("Kremlin spokesman Dmitry Peskov").
_ROLE = r"(?:spokes(?:man|woman|person)|minister|ambassador|adviser|aide|envoy)"
_ROLE_THEN_VERB = re.compile(
    rf"\b(?:his|her|their|the|a)\s+(?P<role>{_ROLE})\s+(?:\w+\s+)?{_SPEECH}\b"
)
_SPEECH_WORD = re.compile(rf"\b{_SPEECH}\b")
_CAPITALISED_WORD = re.compile(r"[A-Z][\w'\u2019-]+\s+")
_PRONOUN_SPEAKS = re.compile(rf"\b{_PRONOUN}\s+(?:also\s+)?{_SPEECH}\b|\b{_SPEECH}\s+{_PRONOUN}\b")
# fmt: off
_NOT_NAMES = {
    "The", "A", "An", "It", "This", "That", "These", "Those", "There", "But", "And", "In", "On",
    "He", "She", "They", "We", "I", "You", "Thursday", "Friday", "Monday", "Tuesday", "Wednesday",
    "Saturday", "Sunday", "Meanwhile", "Moscow", "Kyiv", "Washington", "President", "Prime",
    "Minister", "Foreign", "Deputy", "Chancellor", "Secretary", "General", "Senator", "Governor",
    "King", "Queen", "Pope", "Mr.", "Mrs.", "Ms.", "Dr.", "Spokesman", "Spokeswoman", "Kremlin",
    "Ministry", "State", "Defence", "Defense", "Chief", "Former",
}
_NATIONALITIES = {
    "Russian", "Ukrainian", "American", "British", "French", "German", "Chinese", "Japanese",
    "Italian", "Spanish", "Polish", "Israeli", "Iranian", "Turkish", "Indian", "European",
    "Canadian", "Australian", "Korean", "Saudi", "Syrian", "Belarusian", "Palestinian", "US",
}
# fmt: on


@dataclass(frozen=True)
class Attribution:
    """Who a sentence reports as speaking, and whether it quotes them directly."""

    speaker: str | None
    quoted: bool


def attribute_all(sentences: Sequence[str]) -> list[Attribution | None]:
    """The attribution of each sentence of an article, in order."""
    return [
        attribute(s, sentences[max(0, i - 50) : i], sentences[i + 1 : i + 3])
        for i, s in enumerate(sentences)
    ]


def attribute(
    sentence: str,
    preceding: Sequence[str],
    following: Sequence[str] = (),
    focus: Sequence[int] = (),
) -> Attribution | None:
    """The speaker of a reported statement, resolving pronouns to a name just before it.

    ``preceding`` are the article's earlier sentences, nearest last, ``following`` the next
    ones. When the sentence reports several speakers, the one whose clause holds most of the
    ``focus`` offsets (e.g. the words matching a claim) is chosen, else the first. Returns None
    when the sentence reports no one.
    """
    if not reports_speech(sentence):  # every clause below has one; most sentences do not
        return None
    quoted = bool(_QUOTE.search(sentence))
    clauses = speaker_clauses(sentence, [*following, *reversed(preceding[-3:])])
    if clauses:
        owned = [0] * len(clauses)
        for offset in focus:
            owner = max((i for i, (start, _) in enumerate(clauses) if start <= offset), default=0)
            owned[owner] += 1
        name = clauses[owned.index(max(owned))][1]
    elif _PRONOUN_SPEAKS.search(sentence):
        name = next((n for s in reversed(preceding[-3:]) if (n := speaker_named_in(s))), None)
    else:
        name = None
    if name is None:
        return None
    return Attribution(_full_name(name, preceding), quoted)


def reports_speech(text: str) -> bool:
    """Whether the text holds a speech verb ("said", "told", "according to")."""
    return bool(_SPEECH_WORD.search(text))


def speaker_clauses(sentence: str, nearby: Sequence[str]) -> list[tuple[int, str]]:
    """``(offset, speaker)`` of each speech clause of the sentence, in order.

    A role ("his spokesman") counts when ``nearby`` sentences name the person holding it.
    """
    found = {}
    for pattern in (_NAME_THEN_VERB, _VERB_THEN_NAME):
        for m in pattern.finditer(sentence):
            if name := _trim(m.group("name")):
                found.setdefault(m.start(), name)
    for m in _ROLE_THEN_VERB.finditer(sentence):
        holder = (_role_holder(m.group("role")).search(s) for s in nearby)
        if name := next((_trim(h.group(1)) for h in holder if h), None):
            found.setdefault(m.start(), name)
    return sorted(found.items())


def speaker_named_in(sentence: str) -> str | None:
    """A name standing next to a speech verb in the sentence, if any."""
    for pattern in (_NAME_THEN_VERB, _VERB_THEN_NAME):
        for m in pattern.finditer(sentence):
            name = _trim(m.group("name"))
            if name:
                return name
    return None


def person_named_in(sentence: str) -> str | None:
    """The person a sentence names: its speaker, else its first name of two words or more."""
    if found := speaker_named_in(sentence):
        return found
    names = (_trim(m.group()) for m in re.finditer(_NAME, sentence))
    return next((n for n in names if n and " " in n), None)


def _trim(name: str) -> str | None:
    """Drop leading titles and nationalities: "Russian President Vladimir Putin" -> the name."""
    words = name.split()
    while words and (words[0] in _NOT_NAMES or words[0] in _NATIONALITIES):
        words.pop(0)
    return " ".join(words) or None


@cache
def _role_holder(role: str) -> re.Pattern:
    """The pattern of "<role> <Name>" (a handful of roles: compiled once each)."""
    return re.compile(rf"\b{role}\s+({_NAME})")


def _full_name(name: str, preceding: Sequence[str]) -> str:
    """Expand a bare surname ("Peskov") to the fuller form used earlier ("Dmitry Peskov")."""
    if " " in name:
        return name
    for s in reversed(preceding[-50:]):
        if found := _word_before(name, s):
            return _trim(found) or name
    return name


def _word_before(name: str, sentence: str) -> str | None:
    r"""The first "<Capitalised> <name>" in the sentence, ``name`` (one word) ending a word.

    What ``re.search(rf"[A-Z][\w'\u2019-]+\s+{re.escape(name)}\b")`` finds, without compiling
    a pattern per name: names are an open vocabulary, and each new pattern pushed the sentence
    splitter's own patterns out of Python's regex cache.
    """
    if name not in sentence:
        return None
    for m in _CAPITALISED_WORD.finditer(sentence):
        end = m.end() + len(name)
        if sentence.startswith(name, m.end()) and _is_word(sentence[end - 1]) != (
            end < len(sentence) and _is_word(sentence[end])
        ):
            return sentence[m.start() : end]
    return None


def _is_word(char: str) -> bool:
    r"""Whether regex ``\w`` matches the character."""
    return char.isalnum() or char == "_"


def similar_sizes(shared, a, b):
    """Whether term sets of sizes ``a`` and ``b`` sharing ``shared`` terms say the same thing.

    Dice similarity catches light rewording; the overlap coefficient catches a copy with an
    added or dropped clause ("in a phone briefing attended by AFP"). Takes numbers or numpy
    arrays (then answers element-wise).
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    smaller = np.minimum(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        dice = 2 * shared / (a + b)
        overlap = shared / smaller
    return (smaller > 0) & ((dice >= 0.6) | ((overlap >= 0.8) & (smaller >= 4)))
