"""The sitemap, the Atom feed, the health check, and responses matching the published schema."""

import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.db import DatabaseError
from django.test import Client
from openapi_schema_validator import OAS31Validator

from tests.factories import ArticleFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def live_and_draft(writer, publish):
    live = ArticleFactory(author=writer, slug="calf-cramps", title="Calf cramps")
    SectionFactory(article=live)
    live.tags.add(TagFactory(name="Leg Pain", slug="leg-pain"))
    publish(live)
    ArticleFactory(author=writer, slug="still-a-draft", title="Still a draft")


def test_sitemap_lists_live_articles_at_their_frontend_urls(live_and_draft):
    response = Client().get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    urls = [loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)]
    assert urls == ["https://health.example/articles/calf-cramps/"]
    assert root.find("s:url/s:lastmod", SITEMAP_NS).text


def test_atom_feed_parses_and_links_to_the_frontend(live_and_draft):
    response = Client().get("/feeds/articles/")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    [entry] = feed.entries
    assert entry.title == "Calf cramps"
    assert entry.link == "https://health.example/articles/calf-cramps/"
    assert [tag.term for tag in entry.tags] == ["Leg Pain"]
    assert feed.feed.link == "https://health.example/"


def test_health_check_reports_database_and_cache():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_check_answers_503_when_the_database_is_down(monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_health_check_answers_503_when_the_cache_is_down(monkeypatch):
    from django.core.cache import cache

    def broken_set(*args, **kwargs):
        raise ConnectionError("cache refused")

    monkeypatch.setattr(cache, "set", broken_set)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "unavailable"}


@pytest.mark.parametrize(
    ("path", "component"),
    [
        ("/api/v1/articles/calf-cramps/", "ArticleDocument"),
        ("/api/v1/articles/", "PaginatedCards"),
        ("/api/v1/tags/leg-pain/", "Tag"),
        ("/api/v1/reviewers/jane-roe/", "ReviewerDetail"),
    ],
)
def test_responses_match_the_published_schema(live_and_draft, path, component):
    client = Client()
    schema = client.get("/api/schema/", {"format": "json"}).json()
    validator = OAS31Validator(
        {"$ref": f"#/components/schemas/{component}", "components": schema["components"]}
    )
    errors = [error.message for error in validator.iter_errors(client.get(path).json())]
    assert errors == []


def test_the_benchmark_floor_view_is_not_routed_outside_a_benchmark(client):
    assert client.get("/bench/floor/").status_code == 404
