"""Attribution helpers give what the regular expressions they replace would."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from index.provenance import _word_before

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
