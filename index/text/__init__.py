"""Text: what an article is and how it reads.

The Article type and its raw formats (``articles``), sentences with offsets (``sentences``), the
analyzer that turns text into terms (``analysis``), and who is quoted and which sentences are
copies (``provenance``). Imports only ``index.errors``; everything else builds on it.
"""
