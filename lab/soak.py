"""``python -m lab soak``: the service under a realistic mix for a long time.

The archive (:mod:`lab.soak_work`) is served by a real gunicorn on loopback with the verifier
on, an API key for the writes and its log kept. First its capacity: the mix closed-loop at 1,
2, 4 and 8 clients, the most answers a second any of them got (skipped when ``--rate`` is
given). Then the soak: the mix sent open-loop at 70% of that, while the workers' memory and
open files and the index's size are sampled; with ``--kill-worker-at`` one worker is killed
with SIGKILL that far in, and the requests it held are counted. Last, every acknowledged write
is read back. :mod:`lab.soak_report` turns it into windows, checks, JSON and a plot.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from lab import gunicorn
from lab.archive import Archive, build_archive
from lab.data import NEWS_1M
from lab.load import Client, Done, Run, closed_loop, open_loop
from lab.soak_work import CYCLE, Ledger, Mix, spare_articles

API_KEY = "soak-key"
#: The share of the measured capacity the soak sends.
LOAD = 0.7
CAPACITY_CLIENTS = (1, 2, 4, 8)
#: Seconds between samples of the workers' memory and files.
SAMPLE_S = 5.0
#: A request unanswered this long is a failure (a timeout), not a slow answer.
CLIENT_TIMEOUT = 120.0
#: How long a killed worker's exit and its replacement's first answer are watched for.
WATCH_S = 300.0


@dataclass(frozen=True)
class Settings:
    """What one soak runs (the command's flags)."""

    minutes: float = 30.0
    sentences: int = 100_000
    rate: float | None = None
    window_s: float = 300.0
    probe_s: float = 30.0
    kill_worker_at: float | None = None
    workers: int = 2
    corpus: Path = NEWS_1M
    workdir: Path = Path("var/soak-work")
    out: Path = Path("var/soak")


@dataclass(frozen=True)
class Sample:
    """One worker's memory and open files at one time (seconds since the soak began)."""

    t: float
    pid: int
    rss_mb: float
    anon_mb: float
    file_mb: float
    fds: int
    index_mb: float


@dataclass
class Kill:
    """The worker killed in the middle of the soak, and when (seconds since the soak began):
    killed, gone, its replacement started, and the replacement's first answer."""

    at: float
    pid: int | None = None
    gone_at: float | None = None
    replacement: int | None = None
    replaced_at: float | None = None
    serving_at: float | None = None


@dataclass
class Soak:
    """Everything a soak measured, for :mod:`lab.soak_report`."""

    settings: Settings
    capacity: list[dict] | None
    rate: float
    started: float
    run: Run
    samples: list[Sample]
    kill: Kill | None
    writes: dict
    counts: dict[str, dict]


def run(settings: Settings) -> Soak:
    """Build the archive, serve it, measure its capacity, soak it, check every write."""
    settings.out.mkdir(parents=True, exist_ok=True)
    settings.workdir.mkdir(parents=True, exist_ok=True)
    archive = build_archive(settings.corpus, settings.sentences, settings.workdir)
    ledger = Ledger(spare_articles(archive))
    mix = Mix(archive, ledger, API_KEY)
    log = settings.out / "server.log"
    log.unlink(missing_ok=True)
    env = {"PROVENANCE_VERIFIER": "on", "PROVENANCE_API_KEYS": API_KEY}
    with gunicorn.serving(archive.index_dir, settings.workers, log=log, **env) as server:
        client = Client(server.url, time.monotonic(), CLIENT_TIMEOUT)
        counts = {"start": server.get("/readyz").json()}
        capacity, rate = None, settings.rate
        if rate is None:
            capacity = measure_capacity(client, mix, settings.probe_s)
            rate = LOAD * max(level["per_s"] for level in capacity)
        started = client.now()
        sampler = Sampler(server, archive, client, started)
        kill = Kill(started + settings.kill_worker_at) if settings.kill_worker_at else None
        killer = Killer(server, kill, client, log) if kill else None
        with sampler:
            soaked = open_loop(
                client,
                mix.next,
                rate,
                settings.minutes * 60,
                at=killer.tick if killer else None,
            )
        if killer:
            killer.join()
        writes = ledger.check(server.url)
        counts["end"] = server.get("/readyz").json()
    return Soak(settings, capacity, rate, started, soaked, sampler.samples, kill, writes, counts)


def measure_capacity(client: Client, mix: Mix, seconds: float) -> list[dict]:
    """The mix closed-loop at each of CAPACITY_CLIENTS, in rounds of its exact proportions:
    answers (2xx) a second and latency."""
    levels = []
    for clients in CAPACITY_CLIENTS:
        began = client.now()
        # at least two rounds of the mix, so a short step still weighs its drafts in
        done = closed_loop(client, mix.in_turn, clients, seconds, 2 * CYCLE).done
        elapsed = client.now() - began
        ok = sorted(d.latency for d in done if d.status is not None and d.status < 300)
        levels.append(
            {
                "clients": clients,
                "per_s": round(len(ok) / elapsed, 3),
                "p50_ms": round(1000 * ok[len(ok) // 2], 1) if ok else None,
                "refused": sum(d.status == 503 for d in done),
            }
        )
        print(f"capacity at {clients} clients: {levels[-1]}", flush=True)
    return levels


class Killer:
    """SIGKILLs the worker that answered the latest request once the soak reaches ``kill.at``,
    then, in a thread, watches /proc and the server's log for what follows."""

    def __init__(self, server: gunicorn.Server, kill: Kill, client: Client, log: Path) -> None:
        self.server, self.kill, self.client, self.log = server, kill, client, log
        self._watcher = threading.Thread(target=self._watch, daemon=True)

    def tick(self, now: float) -> None:
        """Called at each send of the soak; kills once, when due."""
        if self.kill.pid is None and now >= self.kill.at:
            self.kill.pid = latest_pid(self.log) or gunicorn.workers(self.server)[0]
            self.kill.at = now
            os.kill(self.kill.pid, signal.SIGKILL)
            self._watcher.start()

    def _watch(self) -> None:
        kill, deadline = self.kill, time.monotonic() + WATCH_S
        first = set(gunicorn.workers(self.server)) | {kill.pid}
        while time.monotonic() < deadline and kill.serving_at is None:
            now = self.client.now()
            if kill.gone_at is None and gunicorn.proc_status(kill.pid).get("State", "Z")[0] in "Z":
                kill.gone_at = now
            new = set(gunicorn.workers(self.server)) - first
            if kill.replacement is None and new:
                kill.replacement, kill.replaced_at = min(new), now
            if kill.replacement is not None and latest_pid(self.log, kill.replacement):
                kill.serving_at = now
            time.sleep(0.05)  # polling /proc and the log, bounded by WATCH_S

    def join(self) -> None:
        if self._watcher.is_alive():
            self._watcher.join()


def latest_pid(log: Path, pid: int | None = None) -> int | None:
    """The pid of the worker that logged the latest request (or ``pid``, if it logged one)."""
    with open(log, "rb") as f:
        f.seek(max(0, f.seek(0, os.SEEK_END) - 65536))
        lines = [line for line in f.read().decode(errors="replace").splitlines() if "pid" in line]
    for line in reversed(lines):
        if line.startswith("{") and line.endswith("}"):
            found = json.loads(line)["pid"]
            if pid is None or found == pid:
                return found
    return None


class Sampler:
    """Samples every worker's memory, open files and the index size every SAMPLE_S in a
    thread, for the length of a ``with`` block."""

    def __init__(
        self, server: gunicorn.Server, archive: Archive, client: Client, started: float
    ) -> None:
        self.server, self.index_dir, self.client, self.started = (
            server,
            archive.index_dir,
            client,
            started,
        )
        self.samples: list[Sample] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(SAMPLE_S):  # the sampling period, or the end of the soak
                return

    def sample(self) -> None:
        now = self.client.now()
        size = 0
        for f in self.index_dir.iterdir():
            with contextlib.suppress(OSError):  # a file a commit removed meanwhile
                size += f.stat().st_size if f.is_file() else 0
        for pid in gunicorn.workers(self.server):
            fields = gunicorn.proc_status(pid)
            try:
                fds = len(os.listdir(f"/proc/{pid}/fd"))
            except OSError:
                continue  # it ended meanwhile
            if "RssAnon" not in fields:
                continue
            mb = {k: int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "RssAnon", "RssFile")}
            self.samples.append(
                Sample(
                    round(now - self.started, 2),
                    pid,
                    round(mb["VmRSS"], 1),
                    round(mb["RssAnon"], 1),
                    round(mb["RssFile"], 1),
                    fds,
                    round(size / 1e6, 2),
                )
            )


def lost_with_worker(done: list[Done], kill: Kill | None) -> list[Done]:
    """Requests that failed without an answer, in flight on the killed worker's connections
    between its kill and its exit."""
    if kill is None or kill.pid is None:
        return []
    gone = kill.gone_at if kill.gone_at is not None else kill.at
    return [d for d in done if d.error and d.sent <= gone and d.finished >= kill.at]


def as_json(soak: Soak) -> dict:
    """The settings and raw series of a soak (the report adds windows and checks)."""
    settings = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(soak.settings).items()}
    return {
        "settings": settings,
        "capacity": soak.capacity,
        "rate_per_s": round(soak.rate, 3),
        "samples": [asdict(s) for s in soak.samples],
        "kill": asdict(soak.kill) if soak.kill else None,
        "writes": soak.writes,
        "counts": soak.counts,
    }
