"""The committed contract is what the schemas generate, and it is valid OpenAPI."""

import pytest
import yaml
from flask import Blueprint
from openapi_spec_validator import validate

from service.api import operation
from service.openapi import SPEC_FILE, build_spec, spec_yaml
from service.schemas.operations import HealthSchema


def test_committed_openapi_is_current(app):
    assert SPEC_FILE.read_text() == spec_yaml(app), (
        "openapi.yaml is stale: run `make openapi` and commit it"
    )


def test_openapi_is_valid_and_served(client):
    response = client.get("/openapi.yaml")
    assert response.status_code == 200
    document = yaml.safe_load(response.get_data(as_text=True))
    validate(document)
    assert {"/v1/evidence", "/v1/articles", "/v1/articles/{article_id}"} <= set(document["paths"])
    assert document["paths"]["/v1/articles"]["post"]["security"] == [{"bearer": []}]


def test_the_contract_states_the_limits_the_service_enforces(client):
    document = yaml.safe_load(client.get("/openapi.yaml").get_data(as_text=True))
    post = document["paths"]["/v1/articles"]["post"]
    ndjson = post["requestBody"]["content"]["application/x-ndjson"]["schema"]["description"]
    assert "at most 1,000 per request" in ndjson and "413" in post["responses"]
    article = document["components"]["schemas"]["ArticleIn"]["properties"]
    assert article["title"]["maxLength"] == 1000 and article["url"]["maxLength"] == 2000
    assert "414" in document["paths"]["/v1/evidence"]["get"]["responses"]


def test_every_operation_is_grouped_under_a_described_tag(client):
    document = yaml.safe_load(client.get("/openapi.yaml").get_data(as_text=True))
    tagged = {
        (method, path): op["tags"]
        for path, item in document["paths"].items()
        for method, op in item.items()
    }
    assert all(len(tags) == 1 for tags in tagged.values()), tagged
    assert tagged["get", "/v1/evidence"] == tagged["post", "/v1/evidence"] == ["evidence"]
    assert tagged["delete", "/v1/articles/{article_id}"] == ["articles"]
    assert tagged["get", "/healthz"] == tagged["get", "/metrics"] == ["operations"]
    assert tagged["post", "/v1/check"] == ["drafts"]
    assert tagged["post", "/v1/citations/verify"] == ["citations"]
    described = [tag["name"] for tag in document["tags"] if tag["description"]]
    assert described == ["evidence", "drafts", "citations", "articles", "operations"]


def test_an_operation_outside_a_tagged_blueprint_is_refused(app):
    untagged = Blueprint("untagged", __name__)

    @untagged.get("/v1/untagged")
    @operation(response=HealthSchema)
    def untagged_view() -> dict:
        """Declared on a plain blueprint."""
        return {"status": "ok"}

    app.register_blueprint(untagged)
    with pytest.raises(TypeError, match="untagged.untagged_view"):
        build_spec(app)
