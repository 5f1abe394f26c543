"""What the benchmarks share: claims made from indexed sentences, and how a run is measured.

A claim is a 15-20-word window of one indexed sentence (its source) with 1-3 words dropped or
replaced, so an exact search must find it. The measures: per-claim wall times, CPU and peak
memory of this process, index sizes on disk, and the share of the wanted sentences an answer
holds.
"""

from __future__ import annotations

import random
import re
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|\d[\d.,]*\d|\d")


@dataclass(frozen=True)
class BenchClaim:
    """A claim and the indexed sentence it was made from."""

    text: str
    source: str


def make_claims(sentences: list[str], count: int, seed: int = 7) -> list[BenchClaim]:
    """Claims from indexed sentences: a 15-20-word window, 1-3 words dropped or replaced."""
    rng = random.Random(seed)
    long_ones = [s for s in sentences if len(_WORD.findall(s)) >= 15]
    vocabulary = [
        w for s in rng.sample(long_ones, min(2000, len(long_ones))) for w in _WORD.findall(s)
    ]
    claims: list[BenchClaim] = []
    while len(claims) < count and long_ones:
        source = rng.choice(long_ones)
        words = _WORD.findall(source)
        width = min(len(words), rng.randint(15, 20))
        start = rng.randint(0, len(words) - width)
        window = words[start : start + width]
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(window))
            if rng.random() < 0.5:
                del window[at]
            else:
                window[at] = rng.choice(vocabulary)
        claims.append(BenchClaim(" ".join(window), source))
    return claims


@dataclass
class Timings:
    """Per-query wall times in milliseconds."""

    ms: list[float]

    def pct(self, p: float) -> float:
        ordered = sorted(self.ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def timed(run: Callable[[str], list[str]], claims: list[str]) -> tuple[Timings, list[list[str]]]:
    """Time ``run`` on each claim (after a warm-up on a few), keeping each answer."""
    for claim in claims[:5]:
        run(claim)
    ms, answers = [], []
    for claim in claims:
        started = time.perf_counter()
        answers.append(run(claim))
        ms.append((time.perf_counter() - started) * 1000)
    return Timings(ms), answers


def dir_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def peak_rss_mb() -> float:
    """Peak resident memory of this process."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the writer processes)."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def share_found(answers: list[list[str]], wanted: list[list[str]]) -> float:
    """Mean share of each wanted list (by text) that the answer holds."""
    pairs = [(set(a), set(w)) for a, w in zip(answers, wanted, strict=True) if w]
    return statistics.fmean(len(a & w) / len(w) for a, w in pairs) if pairs else 1.0
