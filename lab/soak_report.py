"""A soak's figures and verdict: windows, the checks it holds, JSON, a printed table, a plot.

Each window (``--window-s``, 5 minutes by default) gives throughput, p50 and p99 per
operation, and answers by status. The checks: no 5xx; no request without an answer (beyond
those a deliberately killed worker held); the last window's p99 within 1.5 times the first's,
for every operation with at least MIN_FOR_P99 requests in both; each worker's own memory
(RssAnon) at the end at most 10% above the end of the first window, the warm-up; its open
files flat (at most FDS_SLACK more than in the first window); every acknowledged write read
back as it was left.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict
from pathlib import Path

from lab.load import Done, pct
from lab.soak import Soak, as_json, lost_with_worker

P99_GROWTH = 1.5
RSS_GROWTH = 0.10
FDS_SLACK = 8
MIN_FOR_P99 = 100


def windows(soak: Soak) -> list[dict]:
    """Per window of the soak: throughput, p50/p99 per operation (ms), answers by status."""
    length = soak.settings.window_s
    by_window: dict[int, list[Done]] = defaultdict(list)
    for d in soak.run.done:
        by_window[int((d.due - soak.started) // length)].append(d)
    out = []
    for n in sorted(by_window):
        done = by_window[n]
        ops: dict[str, list[float]] = defaultdict(list)
        for d in done:
            if d.status is not None:
                ops[d.op].append(d.latency * 1000)
        out.append(
            {
                "start_s": n * length,
                "requests": len(done),
                "answered_per_s": round(sum(d.status is not None for d in done) / length, 3),
                "ops": {
                    op: {"n": len(ms), "p50_ms": _r(pct(ms, 50)), "p99_ms": _r(pct(ms, 99))}
                    for op, ms in sorted(ops.items())
                },
                "statuses": dict(Counter(str(d.status or d.error) for d in done)),
            }
        )
    return out


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def checks(soak: Soak, spans: list[dict]) -> list[dict]:
    """Each holds-when condition, passed or not, with its figures."""
    done = soak.run.done
    lost = lost_with_worker(done, soak.kill)
    errors = [d for d in done if d.error and d not in lost]
    server_errors = Counter(d.status for d in done if d.status and d.status >= 500)
    found = [
        _check("no 5xx", not server_errors, dict(server_errors) or "none"),
        _check(
            "no request without an answer",
            not errors and not soak.run.dropped,
            f"{len(errors)} ({dict(Counter(d.error for d in errors))}), {soak.run.dropped} "
            f"not sent, {len(lost)} held by the killed worker",
        ),
        _check(
            "every acknowledged write reads back",
            not soak.writes["wrong"],
            f"{soak.writes['checked']} articles checked, {len(soak.writes['wrong'])} wrong",
        ),
    ]
    if len(spans) >= 2:
        first, last = spans[0]["ops"], spans[-1]["ops"]
        steady = [
            op
            for op in first
            if first[op]["n"] >= MIN_FOR_P99 and last.get(op, {}).get("n", 0) >= MIN_FOR_P99
        ]
        growth = {op: round(last[op]["p99_ms"] / first[op]["p99_ms"], 2) for op in steady}
        found.append(
            _check(
                f"last window's p99 within {P99_GROWTH}x the first's",
                all(g <= P99_GROWTH for g in growth.values()) if growth else None,
                growth or f"no operation with {MIN_FOR_P99} requests in both windows",
            )
        )
        found += memory_checks(soak)
    return found


def memory_checks(soak: Soak) -> list[dict]:
    """Own memory and open files of each worker that lived from the warm-up to the end."""
    warm = soak.settings.window_s
    series: dict[int, list] = defaultdict(list)
    for s in soak.samples:
        series[s.pid].append(s)
    growth, fds = {}, {}
    for pid, samples in series.items():
        after = [s for s in samples if s.t >= warm]
        during = [s for s in samples if s.t < warm]
        if not after or not during or samples[-1].t < soak.samples[-1].t:
            continue  # started late (a replacement) or ended early (killed)
        growth[pid] = round(after[-1].anon_mb / after[0].anon_mb - 1, 3)
        fds[pid] = (max(s.fds for s in during), max(s.fds for s in after))
    return [
        _check(
            f"worker memory after warm-up grows at most {RSS_GROWTH:.0%}",
            all(g <= RSS_GROWTH for g in growth.values()) if growth else None,
            growth or "no worker sampled from warm-up to the end",
        ),
        _check(
            "open files flat",
            all(b <= a + FDS_SLACK for a, b in fds.values()) if fds else None,
            {pid: f"{a} then {b}" for pid, (a, b) in fds.items()} or "no worker sampled",
        ),
    ]


def replacement(soak: Soak) -> dict:
    """The kill's times (seconds since the soak began), the requests the killed worker held,
    and the other worker's latency from the kill to the replacement's first answer."""
    kill = soak.kill
    times = {
        k: round(v - soak.started, 2) if v is not None else None
        for k, v in asdict(kill).items()
        if k.endswith("at")
    }
    until = kill.serving_at if kill.serving_at is not None else kill.at
    during = [
        d.latency * 1000
        for d in soak.run.done
        if d.status is not None and kill.at <= d.sent <= until and d.op.startswith("evidence")
    ]
    return {
        **times,
        "pid": kill.pid,
        "replacement": kill.replacement,
        "lost_requests": len(lost_with_worker(soak.run.done, kill)),
        "evidence_during_replacement": {
            "n": len(during),
            "p50_ms": _r(pct(during, 50)),
            "p99_ms": _r(pct(during, 99)),
        },
    }


def _check(name: str, passed: bool | None, detail) -> dict:
    """``passed`` None: the run was too short to say."""
    return {"name": name, "passed": passed, "detail": detail}


def report(soak: Soak) -> dict:
    """The whole report: settings, capacity, windows, totals, series and checks."""
    spans = windows(soak)
    done = soak.run.done
    found = checks(soak, spans)
    body = as_json(soak)
    if soak.kill is not None:
        body["kill"] = replacement(soak)
    return {
        **body,
        "requests": len(done),
        "late_sends": soak.run.late,
        "dropped_sends": soak.run.dropped,
        "statuses": dict(Counter(str(d.status or d.error) for d in done)),
        "windows": spans,
        "checks": found,
        "passed": all(c["passed"] is not False for c in found),
    }


def write(result: dict, out: Path) -> Path:
    path = out / "soak.json"
    path.write_text(json.dumps(result, indent=2))
    return path


def format_report(result: dict) -> str:
    """Windows as a table, then the checks, PASS or FAIL each."""
    lines = [
        f"rate {result['rate_per_s']}/s, {result['requests']} requests "
        f"({result['late_sends']} sent late, {result['dropped_sends']} not sent)",
        f"{'window':>8} {'answers/s':>9}  p50/p99 ms by operation",
    ]
    for w in result["windows"]:
        ops = "; ".join(
            f"{op} {v['p50_ms']}/{v['p99_ms']} (n={v['n']})" for op, v in w["ops"].items()
        )
        lines.append(f"{w['start_s']:>7.0f}s {w['answered_per_s']:>9.2f}  {ops}")
    start, end = result["counts"]["start"], result["counts"]["end"]
    sizes = [s["index_mb"] for s in result["samples"]] or [None]
    lines.append(
        f"index: {start['articles']:,} articles, {start['sentences']:,} sentences at the start; "
        f"{end['articles']:,}, {end['sentences']:,} at the end; {sizes[0]} MB to {sizes[-1]} MB"
    )
    if result["kill"]:
        lines.append(f"killed worker: {json.dumps(result['kill'])}")
    for c in result["checks"]:
        verdict = {True: "PASS", False: "FAIL", None: "n/a "}[c["passed"]]
        lines.append(f"{verdict} {c['name']}: {c['detail']}")
    lines.append("PASS" if result["passed"] else "FAIL")
    return "\n".join(lines)


def plot(result: dict, path: Path) -> None:
    """Throughput and p99 per window; each worker's own memory and open files over time."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(12, 7))
    minutes = [w["start_s"] / 60 for w in result["windows"]]
    axes[0][0].plot(minutes, [w["answered_per_s"] for w in result["windows"]], marker="o")
    axes[0][0].set(title="answers per second, by window", xlabel="minute")
    for op in sorted({op for w in result["windows"] for op in w["ops"]}):
        p99 = [w["ops"].get(op, {}).get("p99_ms") for w in result["windows"]]
        axes[0][1].plot(minutes, p99, marker=".", label=op)
    axes[0][1].set(title="p99 latency (ms), by window", xlabel="minute", yscale="log")
    axes[0][1].legend(fontsize=6)
    by_pid: dict[int, list[dict]] = defaultdict(list)
    for s in result["samples"]:
        by_pid[s["pid"]].append(s)
    for pid, samples in by_pid.items():
        t = [s["t"] / 60 for s in samples]
        axes[1][0].plot(t, [s["anon_mb"] for s in samples], label=f"worker {pid}")
        axes[1][1].plot(t, [s["fds"] for s in samples], label=f"worker {pid}")
    axes[1][0].set(title="worker own memory (RssAnon, MB)", xlabel="minute")
    axes[1][1].set(title="worker open files; index size (MB, dashed)", xlabel="minute")
    size = axes[1][1].twinx()
    size.plot(
        [s["t"] / 60 for s in result["samples"]],
        [s["index_mb"] for s in result["samples"]],
        color="grey",
        linestyle="--",
    )
    for ax in axes[1]:
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
