"""Paging the article list by number and by cursor, and the recorded total it pages through."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from articles import publishing, workflow
from articles.models import PublishedArticle, ReadModelState, read_model_state
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/articles/"


@pytest.fixture
def seven_live(writer, publish):
    """Seven live articles, two of them published at the same instant (a tie to break)."""
    for number in range(7):
        publish(ArticleFactory(author=writer, slug=f"article-{number}"))
    same_moment = timezone.now() - datetime.timedelta(days=1)
    PublishedArticle.objects.filter(slug__in=["article-2", "article-3"]).update(
        published_at=same_moment
    )
    return [card["slug"] for card in APIClient().get(LIST).json()["results"]]


def walk(first_url):
    client, url, slugs, pages = APIClient(), first_url, [], 0
    while url:
        body = client.get(url).json()
        assert "count" not in body
        slugs += [card["slug"] for card in body["results"]]
        url, pages = body["next"], pages + 1
    return slugs, pages


def test_a_cursor_walk_gives_every_article_once_in_list_order(seven_live):
    slugs, pages = walk(f"{LIST}?cursor=&page_size=2")
    assert slugs == seven_live
    assert pages == 4


def test_numbered_pages_give_every_article_once_in_the_same_order(seven_live):
    client = APIClient()
    pages = [client.get(LIST, {"page": n, "page_size": 2}).json() for n in (1, 2, 3, 4)]
    assert [page["count"] for page in pages] == [7, 7, 7, 7]
    assert [card["slug"] for page in pages for card in page["results"]] == seven_live


@pytest.mark.parametrize(
    "query",
    [{"cursor": "", "q": "x"}, {"cursor": "", "ordering": "title"}, {"cursor": "", "page": "2"}],
)
def test_a_cursor_does_not_mix_with_search_ordering_or_page_numbers(seven_live, query):
    response = APIClient().get(LIST, query)
    assert response.status_code == 400
    assert "cursor cannot be combined" in response.json()["detail"]


def test_a_forged_cursor_is_a_clear_400(seven_live):
    response = APIClient().get(LIST, {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_query"
    assert "start with an empty cursor" in response.json()["detail"]


def test_the_recorded_total_follows_publishing_and_unpublishing(writer, editor, publish):
    live = [publish(ArticleFactory(author=writer, slug=f"a-{n}")) for n in range(3)]
    assert read_model_state()[1] == 3
    publishing.rerender(PublishedArticle.objects.all())  # rewriting a live row adds nothing
    assert read_model_state()[1] == 3
    workflow.unpublish(article=live[0].article, by=editor)
    assert read_model_state()[1] == 2 == PublishedArticle.objects.count()
    assert APIClient().get(LIST).json()["count"] == 2


def test_the_change_stamp_lives_in_the_database_not_in_a_process(writer, publish):
    publish(ArticleFactory(author=writer, slug="a-1"))
    stamp = read_model_state()[0]
    cache.clear()  # another process, or a restarted cache, sees the same stamp
    assert read_model_state()[0] == stamp
    modified = APIClient().get(LIST).headers["Last-Modified"]
    assert modified == APIClient().get(LIST).headers["Last-Modified"]


def test_a_lost_state_row_is_rebuilt_from_the_live_rows(writer, publish):
    publish(ArticleFactory(author=writer, slug="a-1"))
    ReadModelState.objects.all().delete()
    assert read_model_state()[1] is None
    assert APIClient().get(LIST).json()["count"] == 1  # counted, not guessed
    publish(ArticleFactory(author=writer, slug="a-2"))
    assert read_model_state()[1] == 2


def test_a_page_past_the_end_is_a_clear_404(seven_live):
    response = APIClient().get(LIST, {"page": 99})
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Invalid page")


def test_the_unfiltered_list_and_a_filter_matching_everything_agree(seven_live):
    client = APIClient()
    plain = client.get(LIST, {"page_size": 3, "page": 2}).json()
    since = (timezone.now() - datetime.timedelta(days=30)).isoformat()
    filtered = client.get(LIST, {"page_size": 3, "page": 2, "updated_since": since}).json()
    assert plain["results"] == filtered["results"]
    assert plain["count"] == filtered["count"] == 7
