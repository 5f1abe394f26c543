"""The answer cache: a repeated claim is answered from it until any write changes the index."""

from index.evidence import EvidenceQuery
from index.stores.whoosh.store import Store
from service.answers import AnswerCache

from .conftest import AUTH

CLAIM = "the heron nested on the old mill roof"
SECRET = b"test cursors"


def ids(response) -> list[str]:
    assert response.status_code == 200
    return [e["article"]["id"] for e in response.get_json()["evidence"]]


def test_an_answer_after_a_write_reflects_the_write(client):
    assert ids(client.get("/v1/evidence", query_string={"claim": CLAIM})) == []
    text = "A heron nested on the old mill roof this spring."
    assert (
        client.post("/v1/articles", json={"id": "h1", "text": text}, headers=AUTH).status_code
        == 201
    )
    assert ids(client.get("/v1/evidence", query_string={"claim": CLAIM})) == ["h1"]
    assert client.delete("/v1/articles/h1", headers=AUTH).status_code == 204
    assert ids(client.get("/v1/evidence", query_string={"claim": CLAIM})) == []


def test_a_repeated_claim_is_served_from_the_cache_until_a_commit(seeded: Store):
    cache = AnswerCache(4, SECRET)
    query = EvidenceQuery("Peskov said the annexed regions are non-negotiable")
    first = cache.answer(seeded, query)
    assert cache.answer(seeded, query).evidence is first.evidence  # the same answer object
    assert cache.answer(seeded, EvidenceQuery(query.claim, limit=3)).evidence is not first.evidence
    seeded.add_many([])  # no commit: still cached
    assert cache.answer(seeded, query).evidence is first.evidence
    other = Store(seeded.path)  # another process's write starts a new generation
    other.delete(first.evidence[0].article.id)
    other.close()
    after = cache.answer(seeded, query)
    assert after.evidence is not first.evidence
    assert first.evidence[0].article.id not in [e.article.id for e in after.evidence]


def test_a_cache_of_size_zero_keeps_nothing(seeded: Store):
    cache = AnswerCache(0, SECRET)
    query = EvidenceQuery("Peskov said the annexed regions are non-negotiable")
    assert cache.answer(seeded, query).evidence is not cache.answer(seeded, query).evidence
