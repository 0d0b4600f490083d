"""Public responses are never stale once a publishing call returns: documents are read from the
database each time, list pages are kept in each process's memory under the read model's
change stamp.

Run with the default cache on local memory and on Redis. Redis is required where
TEST_REDIS_URL is set (`.ci/run` sets it); elsewhere the Redis half is skipped with the reason.
"""

import pytest
from rest_framework.test import APIClient

from articles import public_cache, workflow
from articles.models import read_model_changed_at
from tests.factories import ArticleFactory, SectionFactory, edit

# Real commits: what readers see once a publishing transaction has committed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def detail(slug):
    return APIClient().get(f"/api/v1/articles/{slug}/")


def cards():
    return APIClient().get("/api/v1/articles/").json()["results"]


@pytest.fixture
def live(writer, publish, shared_cache):
    article = ArticleFactory(author=writer, slug="calf-cramps", title="Calf cramps")
    SectionFactory(article=article, heading="Causes", body="Dehydration.")
    publish(article)
    return article


def test_a_document_is_one_query_and_a_made_page_only_the_change_stamp(
    live, django_assert_num_queries
):
    first = detail("calf-cramps")
    with django_assert_num_queries(1):
        second = detail("calf-cramps")
    assert second.content == first.content
    cards()
    with django_assert_num_queries(1):  # the read-model state row, then the cached page
        assert [card["slug"] for card in cards()] == ["calf-cramps"]


def test_a_republished_document_is_served_as_soon_as_publish_returns(live, writer, publish):
    assert detail("calf-cramps").json()["title"] == "Calf cramps"
    assert cards()[0]["title"] == "Calf cramps"
    publish(edit(live, writer, title="Night cramps in the calf"))
    assert detail("calf-cramps").json()["title"] == "Night cramps in the calf"
    assert cards()[0]["title"] == "Night cramps in the calf"


def test_an_unpublished_article_is_gone_at_once(live, editor):
    assert detail("calf-cramps").status_code == 200
    cards()
    workflow.unpublish(article=live, by=editor)
    assert detail("calf-cramps").status_code == 404
    assert cards() == []


def test_a_retired_slug_redirects_at_once(live, writer, publish):
    assert detail("calf-cramps").status_code == 200
    publish(edit(live, writer, slug="leg-cramps"))
    response = detail("calf-cramps")
    assert response.status_code == 301
    assert response.headers["Location"] == "/api/v1/articles/leg-cramps/"


def test_a_reviewer_profile_change_reaches_cached_documents(live, reviewer):
    assert detail("calf-cramps").json()["reviewer"]["name"] == "Jane Roe"
    profile = reviewer.reviewer_profile
    profile.name = "Jane Roe-Smith"
    profile.save()  # re-renders the reviewer's live articles
    assert detail("calf-cramps").json()["reviewer"]["name"] == "Jane Roe-Smith"
    assert cards()[0]["reviewer"]["name"] == "Jane Roe-Smith"


def test_a_list_read_before_a_change_is_filed_under_the_old_stamp(live, writer, publish):
    assert [card["slug"] for card in cards()] == ["calf-cramps"]
    before = public_cache.page_key(read_model_changed_at(), "http://testserver/x")
    publish(ArticleFactory(author=writer, slug="heel-pain", title="Heel pain"))
    after = public_cache.page_key(read_model_changed_at(), "http://testserver/x")
    assert before != after
    assert {card["slug"] for card in cards()} == {"calf-cramps", "heel-pain"}


def test_pages_in_a_process_own_cache_follow_every_change(live, writer, editor, publish):
    """Each process files pages under the stamp it reads from the database, so a change made
    anywhere is seen at the next request."""
    assert [card["slug"] for card in cards()] == ["calf-cramps"]
    heel = publish(ArticleFactory(author=writer, slug="heel-pain", title="Heel pain"))
    assert [card["slug"] for card in cards()] == ["heel-pain", "calf-cramps"]
    workflow.unpublish(article=heel.article, by=editor)
    assert [card["slug"] for card in cards()] == ["calf-cramps"]


def test_the_page_cache_can_be_switched_off(live, settings, django_assert_num_queries):
    settings.API_PAGE_CACHE = False
    cards()
    with django_assert_num_queries(2):  # the state row, the page of cards
        cards()
