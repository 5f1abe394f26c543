"""The cluster's client: connecting, a transport that turns "no node answered" into
:class:`ClusterUnavailable` (a 503 for the service), and waiting for answers from every shard.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

from opensearchpy import OpenSearch, Transport
from opensearchpy.exceptions import (
    ConnectionError as NoNodeAnswered,
)
from opensearchpy.exceptions import (
    TransportError,
)

from index.errors import IndexBusy
from index.stores.opensearch.settings import OpenSearchSettings

T = TypeVar("T")


class ClusterUnavailable(IndexBusy):
    """No node of the cluster answered, or it could not serve the request now (a 503)."""


class _Transport(Transport):
    """The client's transport, raising :class:`ClusterUnavailable` when no node can answer.

    The service maps it, as every :class:`IndexBusy`, to a 503 with ``Retry-After``.
    """

    def perform_request(self, *args, **kwargs):
        try:
            return super().perform_request(*args, **kwargs)
        except NoNodeAnswered as exc:  # every node was tried (timeouts are ConnectionErrors)
            raise ClusterUnavailable(f"No OpenSearch node answered: {exc.info}") from exc
        except TransportError as exc:
            if exc.status_code == 503:
                raise ClusterUnavailable(f"The OpenSearch cluster is unavailable: {exc}") from exc
            raise


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    rest = iter(items)
    while batch := list(islice(rest, size)):
        yield batch


#: Tries of a read or search whose answer is missing shards: a lost node's primaries are
#: promoted on their replicas within seconds, and until then an answer would silently lack them.
WHOLE_TRIES = 12


def _whole(fetch: Callable[[], T], missing: Callable[[T], str | None]) -> T:
    """``fetch()`` again until ``missing`` finds nothing wrong; then ClusterUnavailable."""
    delay = 0.05
    for _ in range(WHOLE_TRIES):
        answer = fetch()
        problem = missing(answer)
        if problem is None:
            return answer
        time.sleep(delay)  # waiting out a replica's promotion, bounded by WHOLE_TRIES
        delay = min(2 * delay, 1.0)
    raise ClusterUnavailable(problem)


def _partial(answers: list[dict]) -> str | None:
    """Why an msearch answer is not whole: a shard that did not answer, or a server error."""
    for answer in answers:
        if "error" in answer and answer.get("status", 500) >= 500:
            return f"A search failed: {answer['error']}"
        if answer.get("_shards", {}).get("failed"):
            return f"A search reached {answer['_shards']['successful']} of its shards only."
    return None


def connect(settings: OpenSearchSettings) -> OpenSearch:
    """A client of the cluster that tries the next node when one stops answering."""
    return OpenSearch(
        hosts=settings.hosts,
        http_auth=(settings.username, settings.password) if settings.username else None,
        timeout=settings.timeout,
        transport_class=_Transport,
        # A node that stops answering is marked dead and the request goes to the next one.
        max_retries=3,
        retry_on_timeout=True,
    )
