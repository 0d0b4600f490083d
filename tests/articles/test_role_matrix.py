"""Each workflow move by each role, through the editorial API: only allowed cells succeed."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import workflow
from articles.models import Article, PublishedArticle, Review, Transition
from tests.articles.test_editorial_api import client_for
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def prepare(stage, writer, reviewer, editor):
    """An article by `writer`, brought to the state the move starts from."""
    article = ArticleFactory(author=writer, slug="calf-cramps")
    SectionFactory(article=article)
    if stage == "draft":
        return article
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    if stage == "in_review":
        return article
    workflow.approve(review=Review.objects.get(), by=reviewer)
    if stage == "approved":
        return article
    workflow.publish(article=article, by=editor)
    return article


MOVES = {
    # move: (starting stage, URL, body)
    "submit": ("draft", "articles/{article}/submit/", {"reviewers": ["jane-roe"]}),
    "withdraw": ("in_review", "articles/{article}/withdraw/", {}),
    "approve": ("in_review", "reviews/{review}/approve/", {}),
    "request_changes": ("in_review", "reviews/{review}/request-changes/", {"comment": "Fix."}),
    "publish": ("approved", "articles/{article}/publish/", {}),
    "unpublish": ("published", "articles/{article}/unpublish/", {"comment": "Old."}),
}

# Who may do what. 404: the user cannot even see the article; 403: sees it, may not do it.
EXPECTED = {
    "submit": {"writer": 200, "other_writer": 404, "reviewer": 404, "editor": 200},
    "withdraw": {"writer": 200, "other_writer": 404, "reviewer": 403, "editor": 200},
    "approve": {"writer": 403, "other_writer": 404, "reviewer": 200, "editor": 403},
    "request_changes": {"writer": 403, "other_writer": 404, "reviewer": 200, "editor": 403},
    "publish": {"writer": 403, "other_writer": 404, "reviewer": 403, "editor": 200},
    "unpublish": {"writer": 403, "other_writer": 404, "reviewer": 403, "editor": 200},
}

CELLS = [(move, role) for move, roles in EXPECTED.items() for role in roles]


def database_state(article):
    return (
        Article.objects.filter(pk=article.pk).values_list("state", "version").get(),
        Transition.objects.count(),
        list(Review.objects.values_list("decision", flat=True)),
        PublishedArticle.objects.count(),
    )


@pytest.mark.parametrize(("move", "role"), CELLS)
def test_move_by_role(move, role, request, writer, reviewer, editor):
    stage, path, body = MOVES[move]
    article = prepare(stage, writer, reviewer, editor)
    review = Review.objects.filter(decision=Review.Decision.PENDING).first()
    url = "/api/v1/editorial/" + path.format(article=article.pk, review=review and review.pk)
    before = database_state(article)
    response = client_for(request.getfixturevalue(role)).post(url, body, format="json")
    assert response.status_code == EXPECTED[move][role], response.json()
    if response.status_code == 200:
        assert database_state(article) != before
    else:
        assert response.json()["detail"]
        assert database_state(article) == before


def test_publish_due_command_publishes_each_due_article_once(writer, reviewer, editor):
    article = prepare("approved", writer, reviewer, editor)
    workflow.publish(article=article, by=editor, at=timezone.now() + datetime.timedelta(seconds=1))
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now())
    out = io.StringIO()
    call_command("publish_due", "--dry-run", stdout=out)
    assert "Due: " in out.getvalue()
    assert not PublishedArticle.objects.exists()
    call_command("publish_due", stdout=out)
    call_command("publish_due", stdout=out)
    assert "Published 1 scheduled article(s)." in out.getvalue()
    assert "Published 0 scheduled article(s)." in out.getvalue()
    assert PublishedArticle.objects.filter(article=article).count() == 1
