"""The lab: benchmarks and evaluations of the library, run from a source checkout.

Not part of the product: the wheel and the container carry ``index`` and ``service`` only.
``python -m lab bench …`` measures speed and recall at scale against tantivy and SQLite FTS5;
``python -m lab eval …`` measures evidence quality on Climate-FEVER (SPEC §7). Both read their
data from ``../shared/data`` by path.

The modules: ``data`` (the paths and readers of ``../shared/data``); the bench's
``bench_retrieval`` (the engines over the sizes), ``bench_measure`` (claims, measures),
``bench_draft``, ``bench_report`` (table, figure) and ``bench_http``; the evaluation's
``eval_climate`` (the protocol), ``eval_fit`` (``--train``) and ``eval_report``
(``--plot``, ``--misses``); the verifier's recipe: ``nli_data``, ``generate_pairs``,
``train_verifier``; ``gunicorn``, a real server for the tests and the HTTP bench.
"""
