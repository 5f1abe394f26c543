"""A real gunicorn on a free loopback port, for the tests and the lab's runs alike: started,
its workers listed, stopped."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A gunicorn serving the app on loopback, with its index directory."""

    url: str
    index_dir: Path
    process: subprocess.Popen
    env: dict[str, str]

    def get(self, path: str, **kw) -> requests.Response:
        return requests.get(self.url + path, timeout=30, **kw)

    def request(self, method: str, path: str, **kw) -> requests.Response:
        return requests.request(method, self.url + path, timeout=30, **kw)


def start(index_dir: Path, workers: int = 2, log: Path | None = None, **env_extra: str) -> Server:
    """Start gunicorn with the repository's config and wait until it answers /readyz.

    Its log goes to ``log`` when given (a run that keeps every request's line), else to a pipe
    read only if it exits; a pipe nobody reads stalls a busy server, so then the log level is
    ``warning``.
    """
    port = free_port()
    env = {
        **os.environ,
        "PROVENANCE_INDEX_DIR": str(index_dir),
        "WEB_CONCURRENCY": str(workers),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "info" if log else "warning",
        **env_extra,
    }
    sink = open(log, "ab") if log else subprocess.PIPE
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sink,
            start_new_session=True,
        )
    finally:
        if log:
            sink.close()
    if log:
        process.stderr = open(log, "rb")  # read back if it exits; closed by stop()
    server = Server(f"http://127.0.0.1:{port}", index_dir, process, env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            with process.stderr:
                raise RuntimeError(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
        try:
            if server.get("/readyz").status_code == 200:
                return server
        except requests.ConnectionError:
            time.sleep(0.05)  # polling for the port to open, bounded by the deadline
    process.kill()
    process.wait()
    process.stderr.close()
    raise RuntimeError("gunicorn did not become ready within 60 s")


def proc_status(pid: int) -> dict[str, str]:
    """The fields of ``/proc/<pid>/status`` (empty when the process is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return {k: v.strip() for k, _, v in (line.partition(":") for line in text.splitlines())}


def workers(server: Server) -> list[int]:
    """The pids of gunicorn's workers now (the master's children), in order."""
    master = str(server.process.pid)
    pids = (int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit())
    return sorted(pid for pid in pids if proc_status(pid).get("PPid") == master)


def stop(server: Server) -> None:
    """Stop gunicorn (and its workers), killing it if it does not stop within 30 s."""
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    server.process.stderr.close()


@contextmanager
def serving(index_dir: Path, workers: int = 2, **env_extra: str) -> Iterator[Server]:
    """gunicorn for the length of a ``with`` block."""
    server = start(index_dir, workers, **env_extra)
    try:
        yield server
    finally:
        stop(server)
