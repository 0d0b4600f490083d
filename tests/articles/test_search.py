"""Search over live articles reads the database's full-text index (articles/search_index.py)."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from articles import workflow
from articles.api.public_filters import PublishedArticleFilter
from articles.models import PublishedArticle
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def found(query):
    response = APIClient().get("/api/v1/articles/", {"q": query})
    assert response.status_code == 200, response.content
    return [card["slug"] for card in response.json()["results"]]


def live_article(writer, publish, slug, title, body):
    article = ArticleFactory(author=writer, slug=slug, title=title, summary=f"About {title}.")
    SectionFactory(article=article, heading="What it is", body=body)
    return publish(article)


def test_words_are_stemmed_and_every_word_must_match(writer, publish):
    live_article(writer, publish, "calf-cramps", "Calf cramps", "They often strike at night.")
    live_article(writer, publish, "knee-care", "Knee care", "Stretching helps knees.")
    assert found("cramp") == ["calf-cramps"]
    assert found("stretch") == ["knee-care"]
    assert found("cramps night") == ["calf-cramps"]
    assert found("cramps knees") == []


def test_title_outranks_summary_outranks_body(writer, publish):
    live_article(writer, publish, "in-body", "Leg pain", "Shin splints hurt runners.")
    live_article(writer, publish, "in-title", "Shin splints", "Runners get them.")
    article = ArticleFactory(author=writer, slug="in-summary", title="Running injuries")
    article.summary = "Shin splints and other overuse injuries."
    article.save()
    SectionFactory(article=article, heading="Overview", body="Rest helps.")
    publish(article)
    assert found("shin splints") == ["in-title", "in-summary", "in-body"]


@pytest.mark.parametrize(
    "query", ['"', "cramps AND", "NEAR(a b)", "title:cramps", "*", "(", "-cramps", "'; drop"]
)
def test_query_syntax_typed_by_a_reader_is_just_words(writer, publish, query):
    live_article(writer, publish, "calf-cramps", "Calf cramps", "At night.")
    found(query)  # a 200, whatever the engine makes of it


def test_the_index_follows_the_read_model(writer, editor, publish):
    live = live_article(writer, publish, "calf-cramps", "Calf cramps", "At night.")
    PublishedArticle.objects.filter(pk=live.pk).update(title="Heel spurs")  # as a re-render does
    assert found("heel") == ["calf-cramps"]
    assert found("cramps") == ["calf-cramps"]  # still in the summary
    workflow.unpublish(article=live.article, by=editor)
    assert found("heel") == []


def test_search_uses_the_full_text_index(writer, publish):
    live_article(writer, publish, "calf-cramps", "Calf cramps", "At night.")
    rows = PublishedArticleFilter({"q": "cramps"}, queryset=PublishedArticle.objects.for_cards())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned
        assert "published_search_vector" in rows.qs.explain()
    else:
        plan = rows.qs.explain()
        assert "VIRTUAL TABLE INDEX" in plan
        assert "SCAN articles_publishedarticle" not in plan


def test_no_statistics_can_steer_search_off_its_index():
    """PostgreSQL keeps none for search_vector (articles/search_index.py); SQLite's FTS5 table is a
    virtual table, read through its own index whatever the statistics say."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT attstattarget FROM pg_attribute WHERE attname = 'search_vector' "
                "AND attrelid = 'articles_publishedarticle'::regclass"
            )
            assert cursor.fetchone()[0] == 0
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_published_search'")
            assert "USING fts5" in cursor.fetchone()[0]
