"""Attribution helpers give what the regular expressions they replace would."""

import re

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from index.text.provenance import (
    _PRONOUN_SPEAKS,
    _SPEECH_WORD,
    Attribution,
    _word_before,
    attribute,
    speaker_clauses,
)

PIECES = ["Peskov", "Dmitry", "Kremlin", "O'Neil", "Ana-Maria", "Jr.", "J.", "peskov", "É"]
CHARS = "AaBbPpeskovJ.'\u2019-_ \t\n1é"
SENTENCES = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(CHARS, max_size=4)), max_size=12
).map(" ".join)
#: A bare surname, as _full_name gets it: one word, no white space.
NAMES = st.one_of(
    st.sampled_from(PIECES), st.text(CHARS.replace(" \t\n", ""), min_size=1, max_size=4)
)


@settings(max_examples=500)
@given(NAMES, SENTENCES)
def test_the_word_before_a_name_is_what_a_search_per_name_finds(name, sentence):
    m = re.search(rf"[A-Z][\w'\u2019-]+\s+{re.escape(name)}\b", sentence)
    assert _word_before(name, sentence) == (m.group(0) if m else None)


def test_the_word_before_a_name_on_known_cases():
    assert _word_before("Peskov", "Kremlin spokesman Dmitry Peskov said.") == "Dmitry Peskov"
    assert _word_before("Peskov", "Dmitry Peskova met Olga Peskov") == "Olga Peskov"
    assert _word_before("Peskov", "dmitry Peskov") is None


SPEECHY = [
    "said", "says", "say", "Said", "sayings", "told", "retold", "according to", "according",
    "added", "warned", "he", "she", "They", "his", "the", "spokesman", "minister", "also",
    "Dmitry", "Peskov", "Putin", "U.S.", "-", ",", ".", "'", '"',
]  # fmt: skip


@settings(max_examples=500)
@given(st.lists(st.sampled_from(SPEECHY), max_size=14).map(" ".join))
def test_a_sentence_without_a_speech_verb_has_no_speaker_to_find(sentence):
    # attribute() returns None at once for such a sentence; these are the searches it skips.
    assume(_SPEECH_WORD.search(sentence) is None)
    nearby = ["Kremlin spokesman Dmitry Peskov said so.", "Minister Ana Costa spoke."]
    assert speaker_clauses(sentence, nearby) == []
    assert _PRONOUN_SPEAKS.search(sentence) is None


def test_a_speech_verb_still_finds_its_speaker():
    earlier = ["Kremlin spokesman Dmitry Peskov said talks would go on."]
    assert attribute("Peskov said the talks failed.", earlier) == Attribution(
        "Dmitry Peskov", False
    )
    assert attribute('"We will see," he told reporters.', earlier) == Attribution(
        "Dmitry Peskov", True
    )
    assert attribute("Peskov sayings were read out.", earlier) is None
