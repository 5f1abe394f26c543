"""``python -m service openapi [FILE]``: write the generated contract (default openapi.yaml)."""

import argparse
import sys
import tempfile
from pathlib import Path

from . import create_app
from .config import Config
from .openapi import SPEC_FILE, spec_yaml


def generated_yaml() -> str:
    """The contract of a freshly built app (on a throw-away index)."""
    with tempfile.TemporaryDirectory() as tmp:
        return spec_yaml(create_app(Config(index_dir=Path(tmp))))


def write(target: str) -> None:
    """Write the contract to ``target`` (``-`` for standard output)."""
    text = generated_yaml()
    if target == "-":
        sys.stdout.write(text)
    else:
        Path(target).write_text(text)


parser = argparse.ArgumentParser(prog="python -m service")
commands = parser.add_subparsers(dest="command", required=True)
openapi = commands.add_parser("openapi", help="write the OpenAPI contract")
openapi.add_argument("target", nargs="?", default=str(SPEC_FILE), help="file, or - for stdout")
args = parser.parse_args()
write(args.target)
