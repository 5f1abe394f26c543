"""A real gunicorn on a free loopback port, for the tests and the HTTP benchmark alike."""

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


def start(index_dir: Path, workers: int = 2, **env_extra: str) -> Server:
    """Start gunicorn with the repository's config and wait until it answers /readyz."""
    port = free_port()
    env = {
        **os.environ,
        "PROVENANCE_INDEX_DIR": str(index_dir),
        "WEB_CONCURRENCY": str(workers),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "GUNICORN_ACCESS_LOG": "",
        # Request log lines would fill the unread stderr pipe and stall a busy server.
        "LOG_LEVEL": "warning",
        **env_extra,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
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
