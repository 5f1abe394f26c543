"""The lab: benchmarks and evaluations of the library, run from a source checkout.

Not part of the product: the wheel and the container carry ``index`` and ``service`` only.
``python -m lab bench …`` measures speed and recall at scale against tantivy and SQLite FTS5;
``python -m lab eval …`` measures evidence quality on Climate-FEVER (SPEC §7). Both read their
data from ``../shared/data`` by path.
"""
