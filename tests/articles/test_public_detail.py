"""A live article's document over HTTP: one query, conditional requests answered by Django's
machinery, and every other public answer (throttling, errors, schema) from DRF's one path."""

import datetime
import time

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from articles.models import PublishedArticle
from articles.models.published import local_today
from tests.factories import ArticleFactory, SectionFactory, edit

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def live(writer, publish):
    article = ArticleFactory(author=writer, slug="calf-cramps", title="Calf cramps")
    SectionFactory(article=article, heading="Causes", body="Dehydration.")
    return publish(article)


def document(client=None, **headers):
    return (client or APIClient()).get(f"{API}/articles/calf-cramps/", headers=headers)


def test_a_document_is_one_query_and_its_stored_text(live, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = document()
    stored = PublishedArticle.objects.get(slug="calf-cramps").document_json
    where_the_review_stands = b',"review_overdue":false,"review_status":"current","robots":null}'
    assert response.content == stored[:-1].encode() + where_the_review_stands
    assert response["Content-Type"] == "application/json"


def test_a_held_document_is_a_304_in_one_query(live, django_assert_num_queries):
    first = document()
    with django_assert_num_queries(1):
        response = document(**{"If-None-Match": first["ETag"]})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == first["ETag"]
    assert response["Last-Modified"] == first["Last-Modified"]
    assert "s-maxage" in response["Cache-Control"]


def test_a_stale_etag_gets_the_document_in_one_query(live, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = document(**{"If-None-Match": '"something-else"'})
    assert response.status_code == 200
    assert response.json()["slug"] == "calf-cramps"


def test_a_document_not_changed_since_a_date_is_a_304(live):
    modified = document()["Last-Modified"]
    assert document(**{"If-Modified-Since": modified}).status_code == 304


def test_the_etag_moves_when_the_document_is_rendered_again(live, writer, publish):
    etag = document()["ETag"]
    publish(edit(live.article, writer, title="Night cramps in the calf"))
    response = document(**{"If-None-Match": etag})
    assert response.status_code == 200
    assert response.json()["title"] == "Night cramps in the calf"
    assert response["ETag"] != etag


def test_the_etag_moves_when_the_review_falls_overdue(live):
    etag = document()["ETag"]
    PublishedArticle.objects.update(next_review_due=local_today() - datetime.timedelta(days=1))
    response = document(**{"If-None-Match": etag})
    assert response.status_code == 200
    assert response.json()["review_overdue"] is True
    assert response["ETag"] != etag


@pytest.mark.parametrize("path", [f"{API}/articles/calf-cramps/", f"{API}/articles/"])
def test_documents_and_lists_are_throttled_like_the_rest(settings, live, path):
    settings.API_ANON_RATE = "3/min"
    client = APIClient()
    statuses = [client.get(path).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "throttled" in client.get(path).json()["detail"].lower()


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", f"{API}/articles/calf-cramps/?page=2", 400),  # the detail takes no parameters
        ("get", f"{API}/articles/no-such-article/", 404),
        ("post", f"{API}/articles/calf-cramps/", 405),
        ("options", f"{API}/articles/calf-cramps/", 200),
        ("get", f"{API}/articles/?colour=red", 400),
    ],
)
def test_what_is_not_a_plain_read_gets_a_json_answer(live, method, path, status):
    response = getattr(APIClient(), method)(path)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_the_schema_describes_both_operations():
    schema = APIClient().get("/api/schema/?format=json").json()
    operations = {
        path: schema["paths"][path]["get"]["operationId"]
        for path in ("/api/v1/articles/", "/api/v1/articles/{slug}/")
    }
    assert operations == {
        "/api/v1/articles/": "articles_list",
        "/api/v1/articles/{slug}/": "articles_retrieve",
    }


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "America/Adak"])
def test_the_remembered_local_date_follows_the_zone_and_the_clock(settings, zone, monkeypatch):
    settings.TIME_ZONE = zone
    assert local_today() == timezone.localdate()
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr(time, "time", lambda: tomorrow.timestamp())
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    assert local_today() == timezone.localdate(tomorrow)
