"""``python -m lab bench --http``: the real service under load.

Each size is built through our ingest path, served by gunicorn (2 workers) and loaded with wrk
(claims made as in :mod:`lab.bench_measure`, never one asked twice); one line of figures per
size: claims per second, latency percentiles, each worker's memory at the end.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from lab import gunicorn
from lab.bench_measure import make_claims
from lab.bench_retrieval import build_ours
from lab.data import load_corpus

_WRK_SCRIPT = """
local claims = {}
for line in io.lines(os.getenv("BENCH_CLAIMS")) do claims[#claims + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/v1/evidence?claim=" .. claims[(i - 1) % #claims + 1])
end
"""


@dataclass
class HttpResult:
    """What wrk measured against the service, and the workers' peak memory."""

    sentences: int
    claims_per_s: float
    latency_ms: dict[str, float]
    errors: str | None
    worker_rss_mb: list[tuple[float, float]]  # (own, mapped) per worker


def run_http(
    corpus_path: Path, size: int, seconds: int, connections: int, workdir: Path | None
) -> HttpResult:
    """Build ``size`` sentences, serve them with gunicorn (2 workers) and load it with wrk."""
    if shutil.which("wrk") is None:
        raise SystemExit("the HTTP bench needs wrk (Debian: apt-get install wrk)")
    corpus = load_corpus(corpus_path, size)
    sentences = corpus.sentences
    # More distinct claims than the run can send, so no answer is ever served twice.
    claims = [c.text for c in make_claims(sentences, max(2000, 400 * seconds))]
    with tempfile.TemporaryDirectory(prefix="provenance-http-", dir=workdir) as tmp:
        index_dir = (workdir or Path(tmp)) / f"whoosh-{len(sentences)}"
        build_ours(corpus, index_dir)[0].close()
        claims_file = Path(tmp) / "claims.txt"
        claims_file.write_text("\n".join(urllib.parse.quote(c) for c in claims) + "\n")
        script = Path(tmp) / "claims.lua"
        script.write_text(_WRK_SCRIPT)
        with gunicorn.serving(index_dir) as server:
            output = subprocess.run(
                [
                    "wrk",
                    "-t1",
                    f"-c{connections}",
                    f"-d{seconds}s",
                    "--latency",
                    "-s",
                    str(script),
                    server.url,
                ],
                env={**os.environ, "BENCH_CLAIMS": str(claims_file)},
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            rss = _worker_rss_mb(server)
    return _parse_wrk(output, len(sentences), rss)


def _worker_rss_mb(server: gunicorn.Server) -> list[tuple[float, float]]:
    """Each gunicorn worker's own memory and its mapped index pages (shared), in MB."""
    found = []
    for pid in gunicorn.workers(server):
        fields = gunicorn.proc_status(pid)
        if "RssAnon" not in fields:
            continue  # it ended meanwhile
        own, mapped = (int(fields[k].split()[0]) / 1024 for k in ("RssAnon", "RssFile"))
        found.append((own, mapped))
    return sorted(found)


def _parse_wrk(output: str, sentences: int, rss: list[tuple[float, float]]) -> HttpResult:
    latency = {
        m.group(1): _ms(m.group(2), m.group(3))
        for m in re.finditer(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    }
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*", output)
    return HttpResult(sentences, rate, latency, errors.group(0) if errors else None, rss)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def format_http(result: HttpResult) -> str:
    """One line of figures for the HTTP run."""
    pcts = ", ".join(f"p{k} {v:.1f} ms" for k, v in result.latency_ms.items())
    rss = ", ".join(f"{own:.0f} own + {mapped:.0f} mapped" for own, mapped in result.worker_rss_mb)
    return (
        f"HTTP, {result.sentences:,} sentences, gunicorn 2 workers: "
        f"{result.claims_per_s:.1f} claims/s; {pcts}; worker RSS MB at the end: {rss}; "
        f"errors: {result.errors or 'none'}"
    )
