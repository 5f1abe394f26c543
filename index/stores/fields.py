"""The stored-document vocabulary both backends share: field names, the search fields'
weights and the source filter key, declared once; everything else refers to them by name."""

from __future__ import annotations

# Field names
DOC_ID = "doc_id"
KIND = "kind"
ARTICLE_ID = "article_id"
TEXT_FIELD = "text"
TITLE = "title"
SPEAKER = "speaker"
ATTRIBUTION = "attribution"
SOURCE_KEY = "source_key"
DAY = "day"
SENTENCE_INDEX = "sentence_index"
SPAN = "span"
META = "meta"
PAYLOAD = "payload"
VECTOR = "vector"  # the sentence embedding, in semantic mode (index.models.semantic)

ARTICLE_KIND = "article"
SENTENCE_KIND = "sentence"

TITLE_BOOST = 0.3
SPEAKER_BOOST = 0.5
#: Where a claim term is looked for, and the weight of a match there (the sentence's own text
#: counts fully, its article's title and its speaker less).
FIELD_BOOSTS = {TEXT_FIELD: 1.0, TITLE: TITLE_BOOST, SPEAKER: SPEAKER_BOOST}


def source_key(source: str | None) -> str:
    """The filter key of a source name: case and spacing do not matter."""
    return " ".join((source or "").lower().split())
