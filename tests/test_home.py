"""The server's own home page: where the admin, the API docs and the health check are."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_home_page_links_the_admin_the_api_docs_and_the_health_check():
    response = Client().get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for link in [
        'href="/admin/"',
        'href="/api/docs/"',
        'href="/api/v1/articles/"',
        'href="/healthz"',
    ]:
        assert link in html
    assert "Health CMS" in html and "Django administration" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_every_link_on_the_home_page_answers():
    client = Client()
    for path in ["/admin/", "/api/docs/", "/api/v1/articles/", "/healthz"]:
        assert client.get(path, follow=True).status_code == 200, path
