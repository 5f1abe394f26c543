"""The Whoosh schema, declared once: the field names of :mod:`index.stores.fields` typed for Whoosh.

One document per sentence (kind ``sentence``) carries the sentence text, its place in the
article, who it quotes (resolved once, at ingest) and the article metadata needed to answer
without a second lookup. One document per
article (kind ``article``) stores the full text, sentence spans and content hash, so adding,
replacing or deleting an article is one write of both kinds of document.
"""

from __future__ import annotations

import sys

from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.formats import Frequency

from index.stores.fields import (
    ARTICLE_ID,
    ATTRIBUTION,
    DAY,
    DOC_ID,
    KIND,
    META,
    PAYLOAD,
    SENTENCE_INDEX,
    SOURCE_KEY,
    SPAN,
    SPEAKER,
    TEXT_FIELD,
    TITLE,
    VECTOR,
)
from index.text.analysis import ANALYZER, ClaimAnalyzer

# Indexes written before the package was laid out by concern name these classes
# ``index.schema.ClaimAnalyzer`` and ``index.schema.AnalysedText`` in their pickled schema, and
# Whoosh unpickles it by that path when it opens one: the old path finds them here.
sys.modules.setdefault("index.schema", sys.modules[__name__])


class AnalysedText(TEXT):
    """TEXT (frequencies, no positions) whose postings come from :meth:`ClaimAnalyzer.postings`."""

    def index(self, value, **kwargs):
        """The postings Whoosh's TEXT would give, in one pass over the words."""
        if (
            kwargs
            or not isinstance(value, str)
            or not isinstance(self.analyzer, ClaimAnalyzer)
            or type(self.format) is not Frequency
        ):
            return super().index(value, **kwargs)
        return self.analyzer.postings(value, self.format.field_boost)


def build_schema() -> Schema:
    """The index schema (see the module docstring)."""
    return Schema(
        **{
            DOC_ID: ID(unique=True, stored=True),
            KIND: ID(stored=True),
            ARTICLE_ID: ID(stored=True, sortable=True),
            # No positions: no query reads them (proximity is computed from the stored text).
            TEXT_FIELD: AnalysedText(analyzer=ANALYZER, stored=True, phrase=False),
            TITLE: AnalysedText(analyzer=ANALYZER, phrase=False),
            SPEAKER: AnalysedText(analyzer=ANALYZER, phrase=False),
            ATTRIBUTION: STORED,
            SOURCE_KEY: ID,
            DAY: ID(sortable=True),
            SENTENCE_INDEX: STORED,  # read, never searched: no numeric terms to index
            SPAN: STORED,
            META: STORED,
            PAYLOAD: STORED,
            VECTOR: STORED,
        }
    )
