"""What every model the product runs needs: its file checked by sha256, its on/off switch,
its work run off a gevent worker's event loop, and the worker's turns at computing.

A gevent worker runs every request on one thread: a request computing in Python holds the
event loop until it waits on something. Judging requests take *turns* (:func:`computing`):
one computes at a time, the others wait in order, and each gives its turn up while the model
runs in a real thread (niced, so the loop's thread comes first for a core), between a claim's
retrieval and its judging and between the sentences of a draft (:func:`give_way`). The event
loop waits for no more than one step of one request, so probes, refusals and new connections
are answered between any two steps. Outside a gevent worker all this is nothing.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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
    onnxruntime and the tokenizer release the GIL while they compute; the greenlet's turn
    (:func:`computing`) is given up meanwhile. Else, here and now."""
    if not _in_gevent_worker():
        return run(texts)
    from gevent import get_hub

    with _turn_given_up():
        return get_hub().threadpool.apply(_behind_the_loop, (run, texts))


#: The niceness of the threads models run in: the event loop's thread comes first for a core.
MODEL_NICENESS = 10
_niced = threading.local()


def _behind_the_loop(run, texts: list[str]) -> np.ndarray:
    """``run(texts)`` on a thread a step behind the event loop for the CPU: when both want a
    core, the loop gets it, so a model's long run delays no probe or refusal."""
    if not getattr(_niced, "done", False):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), MODEL_NICENESS)
        _niced.done = True
    return run(texts)


#: How long a step's end waits for the event loop: one pass, which polls for I/O.
YIELD_S = 0.001
_turns: dict[str, object] = {}  # "semaphore": the worker's gevent Semaphore, "holder": greenlet


def _in_gevent_worker() -> bool:
    from gevent import monkey

    return monkey.is_module_patched("threading")


@contextmanager
def computing() -> Iterator[None]:
    """Hold this worker's turn to compute for the block, waiting for it in order."""
    if not _in_gevent_worker():
        yield
        return
    from gevent import getcurrent
    from gevent.lock import Semaphore

    turn = _turns.setdefault("semaphore", Semaphore(1))
    turn.acquire()
    _turns["holder"] = getcurrent()
    try:
        yield
    finally:
        _turns.pop("holder", None)
        turn.release()


def give_way() -> None:
    """Between two steps of a long computation in a gevent worker: the event loop answers
    what arrived meanwhile (probes, refusals, new connections), and when other requests wait
    for the turn, the next one takes it before this one goes on."""
    if not _in_gevent_worker():
        return
    from gevent import sleep

    with _turn_given_up():
        # Not sleep(0): a greenlet resumed by a callback may run again before the loop polls
        # for I/O (it polls after every 50 callbacks); a timer lets it poll first.
        sleep(YIELD_S)


def _holds_turn() -> bool:
    from gevent import getcurrent

    return _turns.get("holder") is getcurrent()


@contextmanager
def _turn_given_up() -> Iterator[None]:
    """The current greenlet's turn, if it holds it, given up for the block and taken back
    (in order, after those already waiting) when it ends."""
    if "semaphore" not in _turns or not _holds_turn():
        yield
        return
    from gevent import getcurrent

    turn = _turns["semaphore"]
    _turns.pop("holder")
    turn.release()
    try:
        yield
    finally:
        turn.acquire()
        _turns["holder"] = getcurrent()
