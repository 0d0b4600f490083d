"""Public endpoints cost a fixed number of queries, however rich the articles are."""

import pytest
from rest_framework.test import APIClient

from tests.factories import ArticleFactory, RelatedTopicFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def rich_article(writer, slug, targets=()):
    article = ArticleFactory(author=writer, slug=slug)
    SectionFactory.create_batch(6, article=article)
    article.tags.add(TagFactory(slug="shared", name="Shared"), *TagFactory.create_batch(3))
    for target in targets:
        RelatedTopicFactory(from_article=article, to_article=target)
    return article


@pytest.fixture
def plain_site(writer, publish):
    article = ArticleFactory(author=writer, slug="plain")
    article.tags.add(TagFactory(slug="shared", name="Shared"))
    publish(article)


@pytest.fixture
def rich_site(writer, publish):
    targets = [rich_article(writer, f"target-{n}") for n in range(6)]
    for target in targets:
        publish(target)
    for n in range(12):
        publish(rich_article(writer, f"rich-{n}", targets))


@pytest.mark.parametrize("site", ["plain_site", "rich_site"])
@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("/api/v1/articles/", 2),  # read-model state (stamp and total), page of cards
        ("/api/v1/articles/?page=1&page_size=5", 2),
        ("/api/v1/articles/?cursor=", 2),  # state, page
        ("/api/v1/articles/?tag=shared&ordering=title", 3),  # state, count, page
        ("/api/v1/articles/?q=article", 3),
        ("/api/v1/tags/", 4),  # count, page, the page's codes, state (Last-Modified)
        ("/api/v1/reviewers/", 4),  # count, page, the page's credentials, state
        ("/api/v1/reviewers/jane-roe/", 4),  # reviewer, credentials, cards, state
    ],
)
def test_list_queries_are_constant(site, path, queries, request, django_assert_num_queries):
    request.getfixturevalue(site)
    client = APIClient()
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize(("site", "slug"), [("plain_site", "plain"), ("rich_site", "rich-3")])
def test_detail_is_one_query(site, slug, request, django_assert_num_queries):
    request.getfixturevalue(site)
    client = APIClient()
    with django_assert_num_queries(1):
        response = client.get(f"/api/v1/articles/{slug}/")
    assert response.status_code == 200
