"""The hottest public reads skip DRF's dispatch (articles/api/http.py DirectAnswers): what they
answer must be exactly what the DRF path answers, and everything else must still reach it."""

import datetime
import time

import pytest
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from articles.api.public import ArticleDetailView, ArticleListView
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


def both_paths(view_class, path, **kwargs):
    """The response of the direct path and of the DRF path for the same GET."""
    view = view_class.as_view()
    direct = view(RequestFactory().get(path), **kwargs)
    through_drf = view.__wrapped__(RequestFactory().get(path), **kwargs)
    if hasattr(through_drf, "render"):
        through_drf.render()
    return direct, through_drf


def assert_same_answer(direct, through_drf):
    assert direct.status_code == through_drf.status_code == 200
    assert direct.content == through_drf.content
    assert dict(direct.headers) == dict(through_drf.headers)


def test_a_document_answered_directly_is_the_drf_answer_byte_for_byte(live):
    assert_same_answer(
        *both_paths(ArticleDetailView, f"{API}/articles/calf-cramps/", slug="calf-cramps")
    )


def test_a_made_page_answered_directly_is_the_drf_answer_byte_for_byte(live):
    path = f"{API}/articles/?page=1"
    view = ArticleListView.as_view()
    assert view(RequestFactory().get(path)).status_code == 200  # makes and files the page
    assert_same_answer(*both_paths(ArticleListView, path))


def test_a_page_not_made_yet_is_made_by_the_drf_path(live, django_assert_num_queries):
    client = APIClient()
    with django_assert_num_queries(2):  # the state row once, then the page of cards
        first = client.get(f"{API}/articles/")
    with django_assert_num_queries(1):  # the state row: the page is filed under it
        second = client.get(f"{API}/articles/")
    assert first.content == second.content
    assert first.json()["results"][0]["slug"] == "calf-cramps"


@pytest.mark.parametrize("path", [f"{API}/articles/calf-cramps/", f"{API}/articles/"])
def test_direct_answers_are_throttled_like_the_rest(settings, live, path):
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
def test_what_is_not_a_plain_read_still_gets_the_drf_answer(live, method, path, status):
    response = getattr(APIClient(), method)(path)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"


def test_the_schema_still_describes_both_operations():
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


def test_an_overdue_review_shows_in_a_document_answered_directly(live):
    PublishedArticle.objects.update(next_review_due=local_today() - datetime.timedelta(days=1))
    assert APIClient().get(f"{API}/articles/calf-cramps/").json()["review_overdue"] is True


# Conditional requests for a document -----------------------------------------------------


def document(client=None, **headers):
    return (client or APIClient()).get(f"{API}/articles/calf-cramps/", headers=headers)


def test_a_held_document_is_a_304_read_without_the_document(live, django_assert_num_queries):
    etag = document()["ETag"]
    with django_assert_num_queries(1) as queries:
        response = document(**{"If-None-Match": etag})
    assert response.status_code == 304
    assert "document" not in queries.captured_queries[0]["sql"]
    assert response["ETag"] == etag
    assert response["Last-Modified"] and "s-maxage" in response["Cache-Control"]


def test_a_stale_etag_gets_the_document_in_two_queries(live, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = document(**{"If-None-Match": '"something-else"'})
    assert response.status_code == 200
    assert response.json()["slug"] == "calf-cramps"


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


def test_both_paths_answer_a_held_document_alike(live):
    path = f"{API}/articles/calf-cramps/"
    etag = document()["ETag"]
    view = ArticleDetailView.as_view()
    direct = view(RequestFactory().get(path, HTTP_IF_NONE_MATCH=etag), slug="calf-cramps")
    through_drf = view.__wrapped__(
        RequestFactory().get(path, HTTP_IF_NONE_MATCH=etag), slug="calf-cramps"
    )
    assert direct.status_code == through_drf.status_code == 304
    assert dict(direct.headers) == dict(through_drf.headers)


def test_from_the_shared_cache_a_held_document_costs_no_query(
    live, shared_cache, django_assert_num_queries
):
    etag = document()["ETag"]
    with django_assert_num_queries(0):
        assert document(**{"If-None-Match": etag}).status_code == 304
