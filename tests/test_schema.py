"""The OpenAPI schema is valid, describes every operation and field, and the docs are local."""

import re

import pytest
from django.test import Client
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema():
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")


def test_every_endpoint_is_in_the_schema(schema):
    paths = set(schema["paths"])
    assert {
        "/api/v1/articles/",
        "/api/v1/articles/{slug}/",
        "/api/v1/tags/",
        "/api/v1/tags/{slug}/",
        "/api/v1/reviewers/",
        "/api/v1/reviewers/{slug}/",
        "/api/v1/preview/{token}/",
        "/api/v1/editorial/articles/",
        "/api/v1/editorial/articles/{id}/",
        "/api/v1/editorial/articles/{id}/submit/",
        "/api/v1/editorial/articles/{id}/publish/",
        "/api/v1/editorial/articles/{id}/unpublish/",
        "/api/v1/editorial/articles/{id}/history/",
        "/api/v1/editorial/articles/{id}/preview-token/",
        "/api/v1/editorial/reviews/",
        "/api/v1/editorial/reviews/{id}/approve/",
        "/api/v1/editorial/reviews/{id}/request-changes/",
        "/api/v1/editorial/reviews/{id}/comments/",
        "/api/v1/editorial/reviews/{id}/comments/{comment_id}/resolve/",
        "/api/v1/editorial/reviews/{id}/comments/{comment_id}/",
    } <= paths


def test_a_reviewer_can_take_back_a_comment_in_the_schema(schema):
    operation = schema["paths"]["/api/v1/editorial/reviews/{id}/comments/{comment_id}/"]
    assert set(operation) - {"parameters"} == {"delete"}
    assert "204" in operation["delete"]["responses"]


def undescribed_fields(schema):
    missing = []
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            if not spec.get("description"):
                missing.append(f"{name}.{field}")
    return missing


def test_every_field_is_described(schema):
    assert undescribed_fields(schema) == []


def test_every_operation_is_described(schema):
    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if not (operation.get("description") or operation.get("summary"))
    ]
    assert missing == []


def test_docs_page_loads_its_assets_from_this_server():
    html = Client().get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    assert not [source for source in sources if source.startswith(("http://", "https://", "//"))]
    for source in sources:
        if source.startswith("/static/"):
            assert Client().get(source).status_code == 200, source


def test_schema_generation_has_no_warnings():
    import io

    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())
