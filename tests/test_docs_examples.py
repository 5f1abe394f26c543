"""Every curl and CLI example in README.md and docs/*.md runs as written and prints what it shows.

The convention (docs/README.md states it for writers): a fenced ``console`` block is a session
of ``$ `` commands, each followed by the output it prints (stdout and stderr, as an 80-column
terminal shows them). Each block runs in a fresh directory holding ``seeds/``, with
``provenance`` on PATH, ``KEY`` set to a write key and the index at ``var/index``, seeded as
``make serve`` leaves it; a block that uses curl also gets a real gunicorn on that index,
reached as ``localhost:8000``. A line ``...`` in the shown output stands for any number of
lines. Other fenced blocks are not run, so they may not hold curl or provenance commands,
except the long-running ones.

``DOCS_EXAMPLES_UPDATE=1 pytest tests/test_docs_examples.py`` writes what each example printed
into the docs wherever it differs from what they show (review the diff before committing it).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from index.ingest import seed_if_new
from index.stores.whoosh.store import Store

from .conftest import ROOT, start_server, stop_server

DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
#: The write key the examples use; docs/api.md says to start the service with it.
KEY = "change-me"
UPDATE = os.environ.get("DOCS_EXAMPLES_UPDATE") == "1"
SHOWN_ORIGIN = "localhost:8000"
ELLIPSIS = "..."
#: Commands that serve or take minutes on ../shared/data: shown in ``sh`` blocks, never run.
NOT_RUN = re.compile(r"^(\$ )?(\S*/)?provenance (serve|eval|bench)\b")
RUNNABLE = re.compile(r"^(\$ )?(curl|(\S*/)?provenance)\s")
#: Parts of an output that differ from run to run: (pattern, what both sides become).
VOLATILE = [
    (re.compile(r'("took_ms": )[0-9.]+'), r"\1<ms>"),
    (re.compile(r"^(Date: ).*$", re.M), r"\1<date>"),
    (re.compile(r"^(X-Request-ID: )[0-9a-f]{32}$", re.M), r"\1<id>"),
    # An evidence cursor is signed with a key derived from the index's path.
    (re.compile(r'("next": "|cursor=)[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}'), r"\1<cursor>"),
]


@dataclass
class Example:
    """One ``$`` command of a console block and the output the docs show for it."""

    command: str
    shown: str


@dataclass
class Block:
    """A fenced block: where it starts, its language and its lines."""

    path: Path
    line: int
    lang: str
    lines: list[str]

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    def examples(self) -> list[Example]:
        """The block's commands (``\\`` continues one) with the output shown after each."""
        examples: list[Example] = []
        lines = iter(self.lines)
        for line in lines:
            if line.startswith("$ "):
                command = line[2:]
                while command.endswith("\\"):
                    command += "\n" + next(lines)
                examples.append(Example(command, ""))
            elif examples:
                examples[-1].shown += line + "\n"
            else:
                raise AssertionError(f"{self.name}: output before any '$ ' command: {line!r}")
        return examples


def fenced_blocks(path: Path) -> Iterator[Block]:
    """Every fenced code block of a Markdown file."""
    block: Block | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if block is None and line.startswith("```"):
            block = Block(path, number, line[3:].strip(), [])
        elif block is not None and line.startswith("```"):
            yield block
            block = None
        elif block is not None:
            block.lines.append(line)


ALL_BLOCKS = [block for path in DOC_FILES for block in fenced_blocks(path)]
CONSOLE_BLOCKS = [block for block in ALL_BLOCKS if block.lang == "console"]


def normalise(text: str, origin: str) -> str:
    """The output with this run's address shown as the docs' and volatile parts masked."""
    text = text.replace(origin, SHOWN_ORIGIN)
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def matches(shown: str, printed: str) -> bool:
    """Whether the printed output is the shown one, each ``...`` line standing for any lines."""
    parts = [
        r"(?:[^\n]*\n)*?" if line == ELLIPSIS else re.escape(line) + r"\n"
        for line in (shown + "\n").splitlines()
    ]
    return re.fullmatch("".join(parts), printed + "\n") is not None


def run(command: str, cwd: Path, origin: str) -> str:
    """Run one example with bash in the block's directory; stdout and stderr as one stream."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVENANCE_")}
    # COLUMNS: argparse wraps help to the terminal; the docs show an 80-column one.
    bin_dir = Path(sys.executable).parent  # where ``provenance`` is installed
    env.update(KEY=KEY, COLUMNS="80", PATH=f"{bin_dir}{os.pathsep}{env['PATH']}")
    done = subprocess.run(
        ["bash", "-c", command.replace(SHOWN_ORIGIN, origin)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )
    return done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("block", CONSOLE_BLOCKS, ids=[b.name for b in CONSOLE_BLOCKS])
def test_example_prints_what_the_docs_show(block: Block, tmp_path: Path) -> None:
    examples = block.examples()
    assert examples, f"{block.name}: a console block without a '$ ' command"
    (tmp_path / "seeds").symlink_to(ROOT / "seeds")
    index_dir = tmp_path / "var" / "index"
    server = None
    if any("curl" in example.command for example in examples):
        server = start_server(index_dir, workers=1, PROVENANCE_API_KEYS=KEY)
        origin = server.url.removeprefix("http://")
    else:
        origin = SHOWN_ORIGIN
        store = Store(index_dir)
        seed_if_new(store)
        store.close()
    try:
        raw = [run(example.command, tmp_path, origin) for example in examples]
    finally:
        if server is not None:
            stop_server(server)
    if UPDATE:
        rewrite(block, examples, [output.replace(origin, SHOWN_ORIGIN) for output in raw])
        return
    for example, output in zip(examples, (normalise(o, origin) for o in raw), strict=True):
        shown = normalise(example.shown, SHOWN_ORIGIN)
        assert matches(shown, output), (
            f"{block.name}: $ {example.command}\n--- shown\n{shown}\n--- printed\n{output}"
        )


def rewrite(block: Block, examples: list[Example], printed: list[str]) -> None:
    """Put the printed outputs into the block's file where they differ from the shown ones."""
    lines: list[str] = []
    for example, output in zip(examples, printed, strict=True):
        shown = example.shown.rstrip("\n")
        if not matches(normalise(shown, SHOWN_ORIGIN), normalise(output, SHOWN_ORIGIN)):
            shown = "\n".join(line.rstrip() for line in output.strip("\n").splitlines())
        lines += ["$ " + example.command, *shown.splitlines()]
    commands = [e.command for e in examples]
    text = block.path.read_text(encoding="utf-8").splitlines()
    for current in fenced_blocks(block.path):
        if current.lang == "console" and [e.command for e in current.examples()] == commands:
            text[current.line : current.line + len(current.lines)] = lines
            block.path.write_text("\n".join(text) + "\n", encoding="utf-8")
            return


def test_every_curl_and_cli_example_is_in_a_console_block() -> None:
    hidden = [
        f"{block.name}: {line}"
        for block in ALL_BLOCKS
        if block.lang != "console"
        for line in block.lines
        if RUNNABLE.match(line.strip()) and not NOT_RUN.match(line.strip())
    ]
    assert hidden == []
    assert len(CONSOLE_BLOCKS) >= 5


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives a Markdown file's headings."""
    headings = re.findall(r"^#+ (.+)$", path.read_text(encoding="utf-8"), re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("path", [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))])
def test_relative_links_lead_somewhere(path: Path) -> None:
    broken = []
    for target in LINK.findall(path.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue  # an absolute URL
        file, _, anchor = target.partition("#")
        linked = (path.parent / file).resolve() if file else path
        if not linked.exists() or (anchor and anchor not in anchors(linked)):
            broken.append(target)
    assert broken == []


def test_readme_is_a_short_page_that_opens_with_the_two_commands() -> None:
    readme = ROOT / "README.md"
    assert readme.stat().st_size <= 8 * 1024
    first = next(fenced_blocks(readme))
    commands = [line.split("#")[0].strip() for line in first.lines]
    assert commands[:2] == ["make serve", "make test"]


@pytest.mark.parametrize(
    ("shown", "printed", "expected"),
    [
        ("a\nb", "a\nb", True),
        ("a\n...\nd", "a\nb\nc\nd", True),
        ("a\n...\nd", "a\nd", True),
        ("a\n...\nd", "a\nb\nc", False),
        ("a\nb", "a\nb\nc", False),
        ("a.b", "axb", False),
    ],
)
def test_shown_output_matching(shown: str, printed: str, expected: bool) -> None:
    assert matches(shown, printed) is expected


def test_volatile_parts_are_masked_and_the_address_shown_as_in_the_docs() -> None:
    printed = 'Location: http://127.0.0.1:5555/v1\nDate: Tue, 01 Dec\n{"took_ms": 19.3}  \n'
    assert normalise(printed, "127.0.0.1:5555") == (
        'Location: http://localhost:8000/v1\nDate: <date>\n{"took_ms": <ms>}'
    )
