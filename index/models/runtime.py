"""What every model the product runs needs: its file checked by sha256, its on/off switch,
and its work run off a gevent worker's event loop."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np


def switch(name: str, default: str, env: dict[str, str] | None = None) -> bool:
    """Whether the on/off variable ``name`` is on (unset or blank: ``default``); anything
    else than on/off, 1/0, true/false, yes/no is a ValueError naming the variable."""
    flag = (os.environ if env is None else env).get(name, "").strip().lower() or default
    if flag not in ("on", "off", "1", "0", "true", "false", "yes", "no"):
        raise ValueError(f"{name} must be on or off.")
    return flag in ("on", "1", "true", "yes")


def file_sha256(path: Path) -> str:
    """The file's sha256, hex, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def off_the_event_loop(run, texts: list[str]) -> np.ndarray:
    """``run(texts)`` in a real thread when gevent has patched this process (a gevent worker),
    so other requests and the worker's heartbeat go on while a long write is embedded:
    onnxruntime and the tokenizer release the GIL while they compute. Else, here and now."""
    from gevent import get_hub, monkey

    if not monkey.is_module_patched("threading"):
        return run(texts)
    return get_hub().threadpool.apply(run, (texts,))
