"""Judging: does a sentence state what a claim says, deny it, or neither.

Claim analysis (``claims``), the word lists (``lexicon``), the sentence as the rules read it
(``views``), the lexical conflicts (``quantities``, ``negation``), the features and the fitted
support model (``features``, ``model``), the explanation (``explain``) and the verifier, our
cross-encoder (``verifier``, its files in ``verifier_model/``). Knows nothing of the stores.
"""
