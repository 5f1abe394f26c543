"""Load on a running service, timed request by request.

Closed loop (:func:`closed_loop`): n clients, each sending its next request when the last is
answered, which finds how much the service does at once. Open loop (:func:`open_loop`):
requests sent on a schedule whether or not earlier ones finished, as many independent clients
arrive; a request's latency counts from when it was due, so a client that falls behind is seen,
never hidden, and sends that start late or cannot start at all are counted.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import requests

#: A send that starts this long after it was due counts as late.
LATE_S = 0.05


@dataclass
class Call:
    """One request to send, and what to do with its answer (None: no answer came)."""

    op: str
    method: str
    path: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    answered: Callable[[requests.Response | None], None] | None = None


@dataclass(frozen=True)
class Done:
    """One request as it went: seconds since the run began."""

    op: str
    due: float
    sent: float
    finished: float
    status: int | None
    #: "connection", "timeout" or another failure's name; None when an answer came.
    error: str | None = None
    #: A 503 carried Retry-After and a problem+json body.
    refusal_well_formed: bool = False

    @property
    def latency(self) -> float:
        """From when it was due to its answer (open loop), or from its send (closed loop)."""
        return self.finished - self.due


@dataclass
class Run:
    """What a loop sent, and the sends it started late or never."""

    done: list[Done]
    late: int = 0
    dropped: int = 0


class Client:
    """Sends calls to ``url`` over one keep-alive session per thread, timing each."""

    def __init__(self, url: str, origin: float, timeout: float) -> None:
        self.url, self.origin, self.timeout = url, origin, timeout
        self._local = threading.local()

    def now(self) -> float:
        return time.monotonic() - self.origin

    def send(self, call: Call, due: float | None = None) -> Done:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        sent = self.now()
        response, error = None, None
        try:
            response = session.request(
                call.method, self.url + call.path, timeout=self.timeout, **call.kwargs
            )
        except requests.Timeout:
            error = "timeout"
        except requests.ConnectionError:
            error = "connection"
        finished = self.now()
        if call.answered is not None:
            call.answered(response)
        return Done(
            call.op,
            sent if due is None else due,
            sent,
            finished,
            response.status_code if response is not None else None,
            error,
            response is not None and well_formed_refusal(response),
        )


def pct(values: list[float], p: float) -> float | None:
    """The p-th percentile (nearest rank), None of nothing."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def well_formed_refusal(response: requests.Response) -> bool:
    """A 503 with a Retry-After in seconds and a problem+json body."""
    return (
        response.status_code == 503
        and response.headers.get("Retry-After", "").isdigit()
        and response.headers.get("Content-Type") == "application/problem+json"
    )


def closed_loop(
    client: Client, make: Callable[[], Call], clients: int, seconds: float, at_least: int = 0
) -> Run:
    """``clients`` threads sending back to back for ``seconds``, and until ``at_least``
    requests have been sent."""
    end = client.now() + seconds
    done: list[Done] = []
    numbers = itertools.count(1)

    def loop() -> None:
        while next(numbers) <= at_least or client.now() < end:
            done.append(client.send(make()))

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Run(done)


def open_loop(
    client: Client,
    make: Callable[[], Call],
    rate: float,
    seconds: float,
    max_clients: int = 64,
    at: Callable[[float], None] | None = None,
) -> Run:
    """A request every ``1 / rate`` seconds for ``seconds``, each on one of ``max_clients``
    threads; a send due while every thread is busy waits (late), and one due while as many
    wait as there are threads is not sent (dropped). ``at(now)`` is called at each tick."""
    run = Run([])
    waiting = threading.Semaphore(max_clients)  # sends due but not yet started
    lock = threading.Lock()

    def task(due: float) -> None:
        waiting.release()
        done = client.send(make(), due)
        with lock:
            run.done.append(done)
            run.late += done.sent - due > LATE_S

    start = client.now()
    with ThreadPoolExecutor(max_clients) as pool:
        n = 0
        while (due := start + n / rate) < start + seconds:
            n += 1
            pause = due - client.now()
            if pause > 0:
                time.sleep(pause)  # the schedule itself: the next request is due then
            if at is not None:
                at(client.now())
            if waiting.acquire(blocking=False):
                pool.submit(task, due)
            else:
                run.dropped += 1
    return run
