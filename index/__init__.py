"""The fact-provenance library: articles in, supporting sentences out. No Flask here.

Where things live (one obvious home per concern):

- ``articles`` (the Article type, the one set of article rules, raw-text parsing),
  ``sentences`` (segmentation with offsets), ``claims`` (text -> analysed terms);
- ``records`` and ``backend`` (the typed records and the Snapshot / ArticleStore interface),
  ``store`` (the embedded Whoosh backend), ``opensearch_store`` (the cluster backend);
- ``documents`` (Whoosh's stored layout), ``search`` (exact top-k BM25 over Whoosh postings),
  ``whoosh_internals`` (every private Whoosh detail, for the pinned version), ``schema``;
- ``support`` and ``lexicon`` (does a sentence say what the claim says), ``provenance``
  (who is quoted, which sentences are copies), ``evidence`` (the one pipeline:
  claim -> candidates -> judged -> folded -> evidence);
- ``ingest``, ``render``, ``cli`` (files, the text answer, the ``provenance`` command).
"""
