"""Schemathesis fuzzes a real gunicorn against the committed openapi.yaml, every check on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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
