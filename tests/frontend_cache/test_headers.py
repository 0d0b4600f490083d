"""Which surrogate keys each public response carries, and which responses carry none."""

import pytest
from django.urls import reverse

from articles import preview, workflow
from tests.articles.test_editorial_api import client_for
from tests.factories import ArticleFactory, SectionFactory, TagFactory, edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged_live(writer, publish):
    """`knee-pain`, live, tagged `knees`, approved by Jane Roe."""
    article = ArticleFactory(author=writer, slug="knee-pain", title="Knee pain")
    SectionFactory(article=article)
    article.tags.add(TagFactory(name="Knees", slug="knees"))
    publish(article)
    return article


def keys_of(response):
    keys = response.headers["xkey"].split(" ")
    assert response.headers["Surrogate-Key"].split(" ") == keys
    assert response.headers["Cache-Tag"].split(",") == keys
    return set(keys)


@pytest.mark.parametrize(
    "path, keys",
    [
        ("/api/v1/articles/", {"articles"}),
        ("/api/v1/articles/?q=knee&page_size=5", {"articles"}),
        ("/api/v1/articles/?cursor=", {"articles"}),
        ("/api/v1/articles/knee-pain/", {"article:knee-pain"}),
        ("/api/v1/tags/", {"tags"}),
        ("/api/v1/tags/knees/", {"tags", "tag:knees"}),
        ("/api/v1/reviewers/", {"reviewers"}),
        ("/api/v1/reviewers/jane-roe/", {"reviewers", "reviewer:jane-roe"}),
        ("/sitemap.xml", {"sitemap"}),
        ("/feeds/articles/", {"feed"}),
    ],
)
def test_each_public_response_carries_its_keys_and_a_shared_max_age(
    client, tagged_live, path, keys
):
    response = client.get(path)
    assert response.status_code == 200
    assert keys_of(response) == keys
    assert "s-maxage=" in response.headers["Cache-Control"]


def test_a_304_and_a_head_carry_the_article_key(client, tagged_live):
    path = "/api/v1/articles/knee-pain/"
    etag = client.get(path).headers["ETag"]
    not_modified = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert keys_of(not_modified) == {"article:knee-pain"}
    assert keys_of(client.head(path)) == {"article:knee-pain"}


def test_a_retired_slugs_redirect_carries_the_old_slugs_key(client, writer, tagged_live, publish):
    publish(edit(tagged_live, writer, slug="sore-knees"))
    response = client.get("/api/v1/articles/knee-pain/")
    assert response.status_code == 301
    assert keys_of(response) == {"article:knee-pain"}
    assert "s-maxage=" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/articles/not-live-yet/",
        "/api/v1/tags/nothing/",
        "/api/v1/reviewers/nobody/",
        "/api/v1/articles/?page=99",
        "/api/v1/articles/?colour=red",
    ],
)
def test_errors_carry_no_keys_and_no_cache_may_keep_them(client, tagged_live, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert "xkey" not in response.headers and "Cache-Tag" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_a_404_is_not_kept_once_the_article_is_published(client, writer, publish):
    """What the no-store is for: the same URL, read again after publishing."""
    article = ArticleFactory(author=writer, slug="soon-live")
    SectionFactory(article=article)
    assert client.get("/api/v1/articles/soon-live/").headers["Cache-Control"] == "no-store"
    publish(article)
    assert client.get("/api/v1/articles/soon-live/").status_code == 200


def test_preview_and_editorial_responses_carry_no_keys(client, tagged_live, editor):
    token = preview.issue_token(article=tagged_live)
    previewed = client.get(reverse("api:preview", args=[token]))
    assert previewed.status_code == 200
    assert previewed.headers["Cache-Control"] == "private, no-store"
    editorial = client_for(editor).get(f"/api/v1/editorial/articles/{tagged_live.pk}/")
    assert editorial.status_code == 200
    for response in (previewed, editorial):
        assert "xkey" not in response.headers and "Surrogate-Key" not in response.headers


def test_unpublished_articles_leave_no_labelled_page(client, tagged_live, editor):
    workflow.unpublish(article=tagged_live, by=editor)
    response = client.get("/api/v1/articles/knee-pain/")
    assert response.status_code == 404 and "xkey" not in response.headers
