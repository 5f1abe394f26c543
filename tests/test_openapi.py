"""The committed contract is what the schemas generate, and it is valid OpenAPI."""

import yaml
from openapi_spec_validator import validate

from service.openapi import SPEC_FILE, spec_yaml


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
