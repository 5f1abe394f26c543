"""Schemathesis fuzzes a real gunicorn against the committed openapi.yaml, every check on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import yaml

from service.errors import MAX_REQUEST_LINE, PROBLEM_JSON
from service.openapi import SPEC_FILE

from .conftest import API_KEY, start_server, stop_server

pytestmark = pytest.mark.slow  # each test starts gunicorn or the lab

# Bounded so the run takes about a minute on two busy cores; the seed keeps CI reproducible
# (change it, or run `schemathesis run` by hand, to explore further).
MAX_EXAMPLES = 50
SEED = 3


def test_schemathesis_finds_no_failure(tmp_path):
    server = start_server(tmp_path / "index")
    try:
        run = subprocess.run(
            [
                str(Path(sys.executable).parent / "schemathesis"),
                f"--config-file={Path(__file__).parent / 'schemathesis.toml'}",
                "run",
                str(SPEC_FILE),
                f"--url={server.url}",
                "--checks=all",
                f"--header=Authorization: Bearer {API_KEY}",
                f"--max-examples={MAX_EXAMPLES}",
                f"--seed={SEED}",
                "--generation-database=none",
                "--no-color",
            ],
            cwd=tmp_path,  # its cache and reports stay out of the repository
            env={
                **os.environ,
                "SCHEMATHESIS_HOOKS": str(Path(__file__).parent / "schemathesis_hooks.py"),
            },
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        stop_server(server)
    lines = run.stdout.strip().splitlines() or [run.stderr]
    cases = next((line for line in lines if " generated, " in line), "")
    print(f"\nschemathesis: {cases.strip()} {lines[-1].strip('= ')}")
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]


@pytest.mark.parametrize("worker", ["gevent", "sync"])
def test_an_over_long_request_line_gets_the_declared_problem(tmp_path, worker):
    declared = yaml.safe_load(SPEC_FILE.read_text())["paths"]["/v1/evidence"]["get"]["responses"]
    assert set(declared["414"]["content"]) == {PROBLEM_JSON}
    assert set(declared["414"]["headers"]) == {"X-Request-ID"}
    server = start_server(tmp_path / "index", GUNICORN_WORKER_CLASS=worker)
    try:
        # "GET " + target + " HTTP/1.1" is the request line gunicorn measures
        room = MAX_REQUEST_LINE - len("GET  HTTP/1.1") - len("/v1/evidence?claim=")
        at_limit, over = (
            requests.get(f"{server.url}/v1/evidence?claim={'a' * n}", timeout=30)
            for n in (room, room + 1)
        )
    finally:
        stop_server(server)
    # the app saw the longest line allowed: its own claim limit answers
    assert at_limit.status_code == 422 and at_limit.headers["Content-Type"] == PROBLEM_JSON
    assert over.status_code == 414, over.text
    assert over.headers["Content-Type"] == PROBLEM_JSON and over.headers["X-Request-ID"]
    problem = over.json()
    assert problem["status"] == 414 and problem["title"] == "URI Too Long"
    assert f"over {MAX_REQUEST_LINE:,} bytes" in problem["detail"]
