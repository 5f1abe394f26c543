"""The table and the figure of ``python -m lab bench``: a row per engine and size, the
Markdown table of the rows (query times against tantivy's), and the PNG of latency and recall
against archive size.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lab.bench_measure import Timings


@dataclass
class Row:
    """One engine at one size: speed beside what it finds."""

    engine: str
    sentences: int
    build_s: float | None  # None: an index kept from an earlier run
    cpu_s: float | None
    size_mb: float | None  # None: not measured (a cluster's indices)
    rss_mb: float | None
    times: Timings
    exact_top10: float | None  # share of the exhaustive BM25 top 10 found
    source_found: float | None  # share of claims whose source sentence is returned
    source_in_pool: float | None = None  # evidence path: in the judged candidates


def format_rows(rows: list[Row]) -> str:
    """A Markdown table of the rows, with query-time ratios to tantivy at the same size."""
    tantivy = {r.sentences: r.times for r in rows if r.engine.startswith("tantivy")}
    lines = [
        "| sentences | engine | build sent/s | CPU s / 1k sent | index MB | peak RSS MB "
        "| p50 ms | p99 ms | p50 / tantivy | p99 / tantivy | exhaustive top 10 found "
        "| source found | source in judged pool |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def num(value: float | None, form: str) -> str:
        return "-" if value is None else format(value, form)

    for r in rows:
        t = tantivy.get(r.sentences)
        rate = "reused" if r.build_s is None else f"{r.sentences / r.build_s:,.0f}"
        cpu = None if r.cpu_s is None else 1000 * r.cpu_s / r.sentences
        lines.append(
            f"| {r.sentences:,} | {r.engine} | {rate} | {num(cpu, '.3f')} "
            f"| {num(r.size_mb, ',.1f')} | {num(r.rss_mb, ',.0f')} "
            f"| {r.times.pct(50):.2f} | {r.times.pct(99):.2f} "
            f"| {num(t and r.times.pct(50) / t.pct(50), '.1f')}x "
            f"| {num(t and r.times.pct(99) / t.pct(99), '.1f')}x "
            f"| {num(r.exact_top10, '.3f')} | {num(r.source_found, '.3f')} "
            f"| {num(r.source_in_pool, '.3f')} |"
        )
    return "\n".join(lines)


def plot(rows: list[Row], path: Path) -> None:
    """Latency and recall against archive size, one line per engine, side by side (a PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (speed, found) = plt.subplots(1, 2, figsize=(12, 4.5), constrained_layout=True)
    for n, engine in enumerate(dict.fromkeys(r.engine for r in rows)):
        mine = sorted((r for r in rows if r.engine == engine), key=lambda r: r.sentences)
        sizes, colour = [r.sentences for r in mine], f"C{n}"  # one colour per engine, both sides
        speed.plot(sizes, [r.times.pct(50) for r in mine], "o-", color=colour, label=engine)
        speed.plot(sizes, [r.times.pct(99) for r in mine], ".:", color=colour, alpha=0.6)
        if mine[0].source_found is not None:
            found.plot(sizes, [r.source_found for r in mine], "o-", color=colour, label=engine)
    speed.set(
        xscale="log", yscale="log", xlabel="sentences", ylabel="ms per claim (p50; p99 dotted)"
    )
    found.set(xscale="log", xlabel="sentences", ylabel="claims whose source sentence is found")
    found.set_ylim(0, 1.02)
    for ax in (speed, found):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle("python -m lab bench: speed beside recall")
    fig.savefig(path, dpi=110)
