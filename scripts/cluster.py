#!/usr/bin/env python3
"""A real three-node OpenSearch cluster on loopback, for the tests and for trying the backend.

    scripts/cluster.py up      # fetch (once), start three nodes, wait for green, print the URL
    scripts/cluster.py down    # stop all three nodes and remove their data
    scripts/cluster.py status  # the nodes' URLs and pids, or exit 1 when no cluster is up
    scripts/cluster.py url     # OPENSEARCH_URL of the running cluster (comma-separated nodes)

OpenSearch comes from Maven Central as the integration-test distribution (a zip holding
``bin/opensearch`` and no security plugin), fetched with Maven into ``var/opensearch/``. Each
node gets its own free HTTP and transport ports, config and data directories and a 512 MB heap.
The cluster's state (ports, pids) is kept in ``var/opensearch/cluster/state.json`` so ``down``
and the tests (which kill and restart nodes) find it. Standard library only.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

#: Java 17 runs OpenSearch up to 2.19.x; 3.x needs Java 21.
VERSION = os.environ.get("OPENSEARCH_VERSION", "2.19.4")
ARTIFACT = f"org.opensearch.distribution.integ-test-zip:opensearch:{VERSION}:zip"
ROOT = Path(__file__).resolve().parent.parent
HOME = Path(os.environ.get("OPENSEARCH_HOME", ROOT / "var" / "opensearch"))
CLUSTER = HOME / "cluster"
STATE = CLUSTER / "state.json"
NODES = 3
HEAP = os.environ.get("OPENSEARCH_HEAP", "512m")
#: Who runs the nodes when this script runs as root (uid, gid): ``nobody`` unless told.
RUN_AS = tuple(int(v) for v in os.environ.get("OPENSEARCH_RUN_AS", "65534:65534").split(":"))
START_TIMEOUT = float(os.environ.get("OPENSEARCH_START_TIMEOUT", "300"))


class ClusterError(RuntimeError):
    """The cluster could not be fetched or started."""


@dataclass
class Node:
    """One node: its name, ports, directory and (while running) its process id."""

    name: str
    http_port: int
    transport_port: int
    pid: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def dir(self) -> Path:
        return CLUSTER / self.name


def log(message: str) -> None:
    print(f"cluster: {message}", file=sys.stderr, flush=True)


def tools_missing() -> list[str]:
    """What the harness needs and this machine lacks: ``java``, ``mvn``."""
    return [tool for tool in ("java", "mvn") if not shutil.which(tool)]


def distribution() -> Path:
    """The unpacked distribution, fetched from Maven Central with Maven the first time."""
    home = HOME / f"opensearch-{VERSION}"
    if (home / "bin" / "opensearch").exists():
        return home
    if tools_missing():
        raise ClusterError("needs Java 17 and Maven: apt-get install openjdk-17-jdk-headless maven")
    started = time.monotonic()
    HOME.mkdir(parents=True, exist_ok=True)
    fetch = ["mvn", "-q", "-B", "dependency:copy", f"-Dartifact={ARTIFACT}"]
    subprocess.run([*fetch, f"-DoutputDirectory={HOME}"], check=True)
    archive = HOME / f"opensearch-{VERSION}.zip"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(HOME)
    archive.unlink()
    for script in (home / "bin").iterdir():  # zipfile drops the executable bits
        script.chmod(0o755)
    for tool in (home / "jdk" / "bin").glob("*") if (home / "jdk").exists() else ():
        tool.chmod(0o755)
    log(f"fetched and unpacked OpenSearch {VERSION} in {time.monotonic() - started:.1f}s")
    return home


def _free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def load() -> list[Node] | None:
    """The nodes of the cluster this harness started, or None."""
    if not STATE.exists():
        return None
    return [Node(**n) for n in json.loads(STATE.read_text())]


def _save(nodes: list[Node]) -> None:
    STATE.write_text(json.dumps([asdict(n) for n in nodes], indent=2))


def url(nodes: list[Node]) -> str:
    """``OPENSEARCH_URL`` for the cluster: every node, comma-separated."""
    return ",".join(n.url for n in nodes)


def start_node(nodes: list[Node], node: Node) -> None:
    """Start (or restart) one node of the cluster in the background."""
    home = distribution()
    config = node.dir / "config"
    if not config.exists():
        shutil.copytree(home / "config", config)
        # The launcher runs in the distribution's directory: the JVM's own files (GC log,
        # heap dumps, crash reports) go to this node's directories instead.
        jvm_options = config / "jvm.options"
        jvm_options.write_text(
            jvm_options.read_text()
            .replace("logs/", f"{node.dir}/logs/")
            .replace("HeapDumpPath=data", f"HeapDumpPath={node.dir}/data")
        )
    seeds = ",".join(f"127.0.0.1:{n.transport_port}" for n in nodes)
    settings = {
        "cluster.name": "provenance-test",
        "node.name": node.name,
        "network.host": "127.0.0.1",
        "http.port": node.http_port,
        "transport.port": node.transport_port,
        "path.data": node.dir / "data",
        "path.logs": node.dir / "logs",
        "discovery.seed_hosts": seeds,
        "cluster.initial_cluster_manager_nodes": ",".join(n.name for n in nodes),
        # Shared test machines run with full disks; allocation must not stop at a watermark.
        "cluster.routing.allocation.disk.threshold_enabled": "false",
        "action.auto_create_index": "false",
    }
    env = {
        **os.environ,
        "OPENSEARCH_PATH_CONF": str(config),
        "OPENSEARCH_JAVA_OPTS": f"-Xms{HEAP} -Xmx{HEAP} -XX:ActiveProcessorCount=1",
    }
    env.setdefault("JAVA_HOME", _java_home())
    args = [str(home / "bin" / "opensearch")]
    for key, value in settings.items():
        args += ["-E", f"{key}={value}"]
    (node.dir / "logs").mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        # OpenSearch refuses to run as root: the node runs as an unprivileged user instead.
        uid, gid = RUN_AS
        for path in [node.dir, *node.dir.rglob("*")]:
            os.chown(path, uid, gid)
        args = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--", *args]
    # Not ``-d``: the daemon's pid file appears only once the node is up. Started in the
    # background of a shell that exits at once, the node is no child of ours (nothing to reap,
    # nothing left behind when this process ends), and setpriv and the launcher exec the JVM,
    # so the pid the shell prints is the node's.
    log_file = shlex.quote(str(node.dir / "stdout.log"))
    started = subprocess.run(
        ["sh", "-c", f"{shlex.join(args)} >>{log_file} 2>&1 </dev/null & echo $!"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        start_new_session=True,
    )
    node.pid = int(started.stdout.strip())
    _save(nodes)


def _java_home() -> str:
    java = Path(shutil.which("java") or "/usr/bin/java").resolve()
    return str(java.parent.parent)


def kill_node(nodes: list[Node], node: Node, sig: int = signal.SIGKILL) -> None:
    """Send ``sig`` to a node and wait until its process has gone."""
    if node.pid is None:
        return
    try:
        os.kill(node.pid, sig)
    except ProcessLookupError:
        pass
    _wait_gone(node.pid, 60)
    node.pid = None
    _save(nodes)


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        # The daemonised node is no child of ours: there is nothing to wait() on, so poll.
        time.sleep(0.1)
    return False


def health(node_url: str, wait_for: str = "", timeout: float = 0) -> dict:
    """``_cluster/health`` from one node; with ``wait_for``, the node waits server-side."""
    query = f"?wait_for_status={wait_for}&wait_for_nodes={NODES}&timeout={int(timeout)}s"
    with urllib.request.urlopen(
        f"{node_url}/_cluster/health{query if wait_for else ''}", timeout=timeout + 10
    ) as resp:
        return json.loads(resp.read())


def wait_for(nodes: list[Node], status: str = "green", timeout: float = START_TIMEOUT) -> dict:
    """Block until the cluster reports ``status`` with every node joined, or exit."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for node in nodes:
            if node.pid is None:
                continue
            try:
                state = health(node.url, status, min(30, max(1, deadline - time.monotonic())))
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                continue  # not listening yet
            if not state.get("timed_out") and state["number_of_nodes"] == NODES:
                return state
        if all(n.pid is not None and not _alive(n.pid) for n in nodes):
            break
        time.sleep(0.5)  # no node is listening yet: nothing to block on server-side
    for node in nodes:
        logs = node.dir / "logs" / "provenance-test.log"
        if logs.exists():
            log(f"{node.name} log tail:\n" + "\n".join(logs.read_text().splitlines()[-15:]))
    down()
    raise ClusterError(f"not {status} within {timeout:.0f}s")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed node is a zombie until whoever adopted it reaps it: that is gone too.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:  # reaped meanwhile
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def up() -> list[Node]:
    """Start the cluster unless it is already running; wait for green."""
    nodes = load()
    if nodes and all(n.pid and _alive(n.pid) for n in nodes):
        wait_for(nodes)
        return nodes
    if nodes:
        down()
    distribution()
    started = time.monotonic()
    CLUSTER.mkdir(parents=True, exist_ok=True)
    ports = _free_ports(2 * NODES)
    nodes = [Node(f"node-{i}", ports[2 * i], ports[2 * i + 1]) for i in range(NODES)]
    _save(nodes)
    for node in nodes:
        start_node(nodes, node)
    wait_for(nodes)
    log(f"3 nodes green in {time.monotonic() - started:.1f}s: {url(nodes)}")
    return nodes


def down() -> None:
    """Stop every node (TERM, then KILL) and remove the cluster's data."""
    for node in load() or []:
        if node.pid and _alive(node.pid):
            os.kill(node.pid, signal.SIGTERM)
            if not _wait_gone(node.pid, 30):
                os.kill(node.pid, signal.SIGKILL)
                _wait_gone(node.pid, 30)
    shutil.rmtree(CLUSTER, ignore_errors=True)


def main(argv: list[str]) -> int:
    """Run ``up``, ``down``, ``status`` or ``url``."""
    try:
        return _run(argv)
    except ClusterError as exc:
        log(f"error: {exc}")
        return 1


def _run(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    if command == "up":
        print(url(up()))
    elif command == "down":
        down()
    elif command in ("status", "url"):
        nodes = load()
        if not nodes:
            log("no cluster is up")
            return 1
        if command == "url":
            print(url(nodes))
        else:
            for n in nodes:
                print(n.name, n.url, n.pid, "up" if n.pid and _alive(n.pid) else "down")
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
