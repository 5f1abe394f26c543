"""``python -m service openapi [FILE]``: write the generated contract (default openapi.yaml)."""

import argparse

from .openapi import SPEC_FILE, write

parser = argparse.ArgumentParser(prog="python -m service")
commands = parser.add_subparsers(dest="command", required=True)
openapi = commands.add_parser("openapi", help="write the OpenAPI contract")
openapi.add_argument("target", nargs="?", default=str(SPEC_FILE), help="file, or - for stdout")
args = parser.parse_args()
write(args.target)
