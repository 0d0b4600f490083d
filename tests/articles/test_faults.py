"""A failure in the middle of publishing leaves readers on the previous live version and the
database as it was: the failure is injected at each step of a publish, through the API.

(Webhook receivers that time out or answer 500 are covered in test_webhooks: they are delivered
after the commit, by the task queue, and never hold publishing up.)
"""

import pytest
from django.test import Client

from articles import workflow
from articles.models import (
    Article,
    PublishedArticle,
    PublishedArticleTag,
    PublishedLink,
    ReadModelState,
    Review,
    Transition,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests.articles.test_editorial_api import client_for
from tests.factories import ArticleFactory, SectionFactory, TagFactory, edit

# Real commits: the cache is written when a transaction commits, never before.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class InjectedFault(Exception):
    pass


def fail(*args, **kwargs):
    raise InjectedFault("injected for the test")


# Where the failure strikes, from the first step of a publish to the last.
FAULTS = {
    "rendering the document": ("articles.publishing.build_document", None),
    "writing the tag rows": (PublishedArticleTag.objects, "bulk_create"),
    "writing the link rows": (PublishedLink.objects, "bulk_create"),
    "stamping the change": ("articles.publishing.mark_read_model_changed", None),
    "queueing the webhook": ("articles.workflow.webhooks.announce", None),
    "recording the transition": (Transition.objects, "create"),
}


@pytest.fixture
def approved_edit(writer, reviewer, publish, shared_cache):
    """A live article (v1, read once so it is cached) with an approved edit waiting (v2)."""
    WebhookEndpoint.objects.create(url="https://hooks.example/cms", secret="s3cret")
    article = ArticleFactory(author=writer, slug="calf-cramps", title="Calf cramps v1")
    SectionFactory(article=article, body="[Shin](article:shin-splints) first words.")
    article.tags.add(TagFactory(name="Leg Pain", slug="leg-pain"))
    publish(article)
    assert Client().get("/api/v1/articles/calf-cramps/").status_code == 200
    article = edit(Article.objects.get(pk=article.pk), writer, title="Calf cramps v2")
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    article = Article.objects.get(pk=article.pk)
    review = Review.objects.get(revision=article.current_revision, decision="pending")
    workflow.approve(review=review, by=reviewer)
    return Article.objects.get(pk=article.pk)


def database_state(article):
    live = PublishedArticle.objects.get(article=article)
    return {
        "article": Article.objects.filter(pk=article.pk)
        .values("state", "version", "live_revision_id")
        .get(),
        "live": (live.revision_id, live.title, live.document),
        "tags": list(PublishedArticleTag.objects.values_list("published_article_id", "tag_id")),
        "links": list(PublishedLink.objects.values_list("source_id", "target_slug")),
        "stamp": list(ReadModelState.objects.values_list("changed_at", "live_count")),
        "transitions": Transition.objects.count(),
        "webhooks": WebhookDelivery.objects.count(),
    }


def public_bytes():
    return [
        Client().get(path).content
        for path in ("/api/v1/articles/calf-cramps/", "/api/v1/articles/", "/feeds/articles/")
    ]


@pytest.mark.parametrize("fault", FAULTS)
def test_a_failure_while_publishing_leaves_the_previous_version_live(
    fault, approved_edit, editor, monkeypatch
):
    target, attribute = FAULTS[fault]
    if attribute is None:
        monkeypatch.setattr(target, fail)
    else:
        monkeypatch.setattr(target, attribute, fail)
    before, served = database_state(approved_edit), public_bytes()
    assert b"Calf cramps v1" in served[0]

    api = client_for(editor)
    api.raise_request_exception = False
    response = api.post(
        f"/api/v1/editorial/articles/{approved_edit.pk}/publish/", {}, format="json"
    )

    assert response.status_code == 500
    assert database_state(approved_edit) == before
    assert public_bytes() == served
    # Once the fault is gone, the same publish goes through.
    monkeypatch.undo()
    response = client_for(editor).post(f"/api/v1/editorial/articles/{approved_edit.pk}/publish/")
    assert response.status_code == 200
    assert Client().get("/api/v1/articles/calf-cramps/").json()["title"] == "Calf cramps v2"
