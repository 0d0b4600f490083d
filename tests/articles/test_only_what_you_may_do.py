"""Issue #18, point 4: each role is offered, and may open, only what it may do."""

import pytest
from django.urls import reverse

from articles import workflow
from articles.models import Article
from tests.factories import edit

pytestmark = pytest.mark.django_db


def move_url(article, move):
    return reverse("admin:articles_article_move", args=[article.pk, move])


@pytest.mark.parametrize("move", ["publish", "unpublish"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_writers_get_a_403_with_a_sentence_for_editors_moves(client, writer, live, move, method):
    client.force_login(writer)
    response = getattr(client, method)(move_url(live, move), {"comment": "Out of date."})
    assert response.status_code == 403
    assert "Only editors publish, schedule and unpublish articles." in response.text
    assert Article.objects.get(pk=live.pk).live_revision_id is not None


def test_reviewers_get_a_403_for_publishing(client, reviewer, live):
    client.force_login(reviewer)
    response = client.get(move_url(live, "unpublish"))
    assert response.status_code == 403


def test_editors_still_get_the_forms(editor_client, live):
    assert editor_client.get(move_url(live, "unpublish")).status_code == 200
    assert editor_client.get(move_url(live, "publish")).status_code == 200


def test_the_change_page_offers_writers_no_publish_or_unpublish_button(writer_client, live):
    html = writer_client.get(reverse("admin:articles_article_change", args=[live.pk])).text
    assert move_url(live, "unpublish") not in html
    assert move_url(live, "publish") not in html


def test_the_article_list_says_a_live_article_has_changes_in_draft(
    editor_client, writer, reviewer, live
):
    changelist = reverse("admin:articles_article_changelist")
    assert "Live · changes in draft" not in editor_client.get(changelist).text
    edited = edit(live, writer, summary="Updated.")
    assert "Live · changes in draft" in editor_client.get(changelist).text
    workflow.submit(article=edited, by=writer, reviewers=[reviewer.reviewer_profile])
    assert "Live · changes in review" in editor_client.get(changelist).text
