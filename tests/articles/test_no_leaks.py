"""Nothing that is not live reaches a public response: not a title, a word, a tag count, a
related card, a feed entry or a sitemap URL."""

import pytest
from django.test import Client

from tests.articles.conftest import MARKER

pytestmark = pytest.mark.django_db


def public_responses(secrets):
    client = Client()
    paths = [
        "/api/v1/articles/?page_size=100",
        f"/api/v1/articles/?q={MARKER}",
        "/api/v1/articles/?q=title",
        "/api/v1/articles/?tag=leg-pain",
        "/api/v1/articles/calf-cramps/",
        "/api/v1/tags/",
        "/api/v1/tags/leg-pain/",
        "/api/v1/reviewers/",
        "/api/v1/reviewers/jane-roe/",
        "/sitemap.xml",
        "/feeds/articles/",
    ]
    for stage, article in secrets.items():
        paths += [
            f"/api/v1/articles/{article.slug}/",
            f"/api/v1/articles/?tag={MARKER}-tag-{stage}",
            f"/api/v1/tags/{MARKER}-tag-{stage}/",
        ]
    paths.append(f"/api/v1/tags/{MARKER}-tag-edit/")
    return {path: client.get(path) for path in paths}


def test_no_unpublished_content_appears_in_any_public_response(site):
    responses = public_responses(site)
    for path, response in responses.items():
        assert response.status_code in (200, 404), path
        assert MARKER not in response.content.decode().lower(), path
    for article in site.values():
        assert responses[f"/api/v1/articles/{article.slug}/"].status_code == 404


def test_live_content_is_the_approved_version(site):
    client = Client()
    document = client.get("/api/v1/articles/calf-cramps/").json()
    assert document["title"] == "Calf cramps"
    assert [s["heading"] for s in document["sections"]] == ["What helps"]
    assert [t["slug"] for t in document["tags"]] == ["leg-pain"]
    assert document["related_topics"] == []
    assert client.get("/api/v1/tags/leg-pain/").json()["article_count"] == 1
    assert client.get("/api/v1/articles/").json()["count"] == 1
