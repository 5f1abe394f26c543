"""What the soak sends: the archive it runs on, its mix of requests, and the ledger of writes.

The archive is :mod:`lab.archive`'s; the corpus's later articles are the text that writes add
and replace with. The mix: 70% evidence reads (GET and POST, with and without filters), 10% drafts
of 5-40 of the archive's sentences, 10% article writes (new as JSON, new as NDJSON, replaced,
deleted), 10% probes and article reads. The :class:`Ledger` remembers what every acknowledged
write left, so that the end of the run can read each article back.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
from collections.abc import Iterator

import requests

from lab.archive import Archive
from lab.bench_measure import make_claims
from lab.data import read_articles
from lab.load import Call

#: The mix, by share of requests.
MIX = (
    ("evidence", 0.70),
    ("draft", 0.10),
    ("write", 0.10),
    ("read", 0.10),
)
DRAFT_SENTENCES = (5, 40)
#: Requests in one round of the mix in its exact proportions.
CYCLE = 20
#: Answers after which a write may or may not have happened (no answer at all is another): 503
#: (the worker was full, the index lock busy, the directory read-only), 507 (the disk full)
#: and every 4xx leave the article as it was.
UNKNOWN_OUTCOME = (500, 502, 504)
NDJSON_ARTICLES = 3


class Ledger:
    """The soak's own articles (``soak-N``): what each acknowledged write left, the ids a write
    is under way for, and the ids whose last write got no clear answer (left unchecked)."""

    def __init__(self, spare: Iterator[dict]) -> None:
        self.expected: dict[str, str | None] = {}  # None: deleted
        self.uncertain: set[str] = set()
        self._busy: set[str] = set()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._spare = spare

    def new(self) -> dict:
        """A new article (a fresh id, the corpus's next text), its id held until settled."""
        with self._lock:
            article = {**next(self._spare), "id": f"soak-{next(self._ids)}"}
            self._busy.add(article["id"])
        return article

    def existing(self, rng: random.Random) -> str | None:
        """A stored article of the soak's no write is under way for (held until settled)."""
        with self._lock:
            free = [i for i, t in self.expected.items() if t is not None and i not in self._busy]
            if not free:
                return None
            chosen = rng.choice(free)
            self._busy.add(chosen)
            return chosen

    def text(self) -> str:
        """The next text a replacement writes."""
        with self._lock:
            return next(self._spare)["text"]

    def settle(self, after: dict[str, str | None], response: requests.Response | None) -> None:
        """Record the answer to a write meant to leave each id's text (None: deleted)."""
        with self._lock:
            self._busy.difference_update(after)
            if response is not None and response.status_code < 300:
                self.expected.update(after)
                self.uncertain.difference_update(after)
            elif response is None or response.status_code in UNKNOWN_OUTCOME:
                self.uncertain.update(after)  # it may or may not have been written

    def check(self, url: str) -> dict:
        """Read every article the ledger knows back: its latest text, or 404 once deleted."""
        wrong, checked = [], 0
        with requests.Session() as session:
            for article_id, text in sorted(self.expected.items()):
                if article_id in self.uncertain:
                    continue
                checked += 1
                got = session.get(f"{url}/v1/articles/{article_id}", timeout=60)
                if text is None and got.status_code != 404:
                    wrong.append(f"{article_id}: deleted, answered {got.status_code}")
                elif text is not None and (got.status_code != 200 or got.json()["text"] != text):
                    wrong.append(f"{article_id}: not its latest text ({got.status_code})")
        return {
            "checked": checked,
            "deleted": sum(t is None for t in self.expected.values()),
            "unchecked_no_clear_answer": len(self.uncertain),
            "wrong": wrong,
        }


def spare_articles(archive: Archive) -> Iterator[dict]:
    """The corpus's articles after the archive's (or the archive's own, when it has none),
    over and over, each time with a new last sentence so that every write changes something."""
    kept = len(archive.corpus.articles)
    later = itertools.islice(read_articles(archive.path), kept, kept + 5000)
    source = [a for a in later] or archive.corpus.articles
    for round_ in itertools.count(1):
        for n, article in enumerate(source):
            yield {
                "text": f"{article.text}\n\nRevision {round_}.{n} of this report.",
                "title": article.title,
                "source": article.source,
                "published": article.published,
            }


class Mix:
    """The soak's requests, drawn at random in its proportions (thread-safe)."""

    def __init__(self, archive: Archive, ledger: Ledger, api_key: str, seed: int = 25) -> None:
        self.corpus = archive.corpus
        self.ledger = ledger
        self.auth = {"Authorization": f"Bearer {api_key}"}
        self.claims = [c.text for c in make_claims(self.corpus.sentences, 20_000, seed)]
        self.sources = sorted({a.source for a in self.corpus.articles if a.source})
        self.rng = random.Random(seed)
        self._lock = threading.Lock()
        self._round = [k for k, share in MIX for _ in range(round(share * CYCLE))]
        self.rng.shuffle(self._round)
        self._turn = itertools.count()

    def next(self) -> Call:
        """A request of a kind drawn at random in the mix's proportions."""
        with self._lock:
            kind = self.rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
            return getattr(self, f"_{kind}")()

    def in_turn(self) -> Call:
        """The next request of a fixed round of CYCLE requests in the mix's exact proportions
        (measuring capacity: a short run still sends its share of the heavy drafts)."""
        with self._lock:
            turn = next(self._turn)
            kind = self._round[turn % len(self._round)]
            if kind == "draft":  # their sizes in turn too: a quarter and three quarters in
                low, high = DRAFT_SENTENCES
                return self._draft(low + (high - low) * (1 + 2 * (turn // CYCLE % 2)) // 4)
            return getattr(self, f"_{kind}")()

    def _evidence(self) -> Call:
        query: dict = {"claim": self.rng.choice(self.claims)}
        shape = self.rng.random()
        if shape < 0.2 and self.sources:
            query["source"] = self.rng.choice(self.sources)
        elif shape < 0.4:
            year = self.rng.randint(2010, 2024)
            query |= {"published_from": f"{year}-01-01", "published_to": f"{year + 2}-12-31"}
        elif shape < 0.5:
            query |= {"stance": "all", "limit": 5}
        if self.rng.random() < 0.5:
            return Call("evidence GET", "GET", "/v1/evidence", {"params": query})
        if "source" in query:  # a JSON body names sources as a list
            query["source"] = [query["source"]]
        return Call("evidence POST", "POST", "/v1/evidence", {"json": query})

    def _draft(self, n: int | None = None) -> Call:
        n = n or self.rng.randint(*DRAFT_SENTENCES)
        text = " ".join(self.rng.sample(self.corpus.sentences, n))
        return Call("draft", "POST", "/v1/check", {"json": {"text": text}})

    def _write(self) -> Call:
        shape = self.rng.random()
        if shape >= 0.5 and (existing := self.ledger.existing(self.rng)) is not None:
            if shape < 0.75:
                text = self.ledger.text()
                return self._settled(
                    Call("write replace", "PUT", f"/v1/articles/{existing}", self._body(text)),
                    {existing: text},
                )
            return self._settled(
                Call("write delete", "DELETE", f"/v1/articles/{existing}", {}), {existing: None}
            )
        if shape < 0.25:
            articles = [self.ledger.new() for _ in range(NDJSON_ARTICLES)]
            body = "".join(json.dumps(a) + "\n" for a in articles)
            headers = {**self.auth, "Content-Type": "application/x-ndjson"}
            call = Call("write ndjson", "POST", "/v1/articles", {"data": body, "headers": headers})
            return self._settled(call, {a["id"]: a["text"] for a in articles})
        article = self.ledger.new()
        call = Call("write new", "POST", "/v1/articles", {"json": article, "headers": self.auth})
        return self._settled(call, {article["id"]: article["text"]})

    def _body(self, text: str) -> dict:
        return {"json": {"text": text}, "headers": self.auth}

    def _settled(self, call: Call, after: dict[str, str | None]) -> Call:
        call.kwargs.setdefault("headers", self.auth)
        call.answered = lambda response: self.ledger.settle(after, response)
        return call

    def _read(self) -> Call:
        shape = self.rng.random()
        if shape < 0.3:
            return Call("probe healthz", "GET", "/healthz")
        if shape < 0.5:
            return Call("probe readyz", "GET", "/readyz")
        if shape < 0.85:
            article = self.rng.choice(self.corpus.articles)
            return Call("article read", "GET", f"/v1/articles/{article.id}")
        params = {"limit": 20} | ({"source": self.rng.choice(self.sources)} if self.sources else {})
        return Call("article list", "GET", "/v1/articles", {"params": params})
