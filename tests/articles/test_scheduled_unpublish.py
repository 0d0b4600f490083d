"""Issue #21, point 7: an editor sets an expiry on a live article, and it is taken down then,
through the workflow, with a transition and the webhooks, as scheduled publishing does."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.dashboard import panels_for
from articles.models import Article, PublishedArticle, Transition, WebhookDelivery
from articles.models import WebhookEndpoint as Endpoint
from tests.factories import api_client

pytestmark = pytest.mark.django_db


def expire(user, article, at, comment=""):
    return api_client(user).post(
        f"/api/v1/editorial/articles/{article.pk}/schedule-unpublish/",
        {"unpublish_at": at and at.isoformat(), "comment": comment},
        format="json",
    )


def in_hours(hours):
    return timezone.now() + datetime.timedelta(hours=hours)


def test_an_editor_sets_an_expiry_through_the_api_and_it_is_recorded(editor, live):
    article = live
    assert (
        "schedule_unpublish"
        in api_client(editor).get(f"/api/v1/editorial/articles/{article.pk}/").json()["moves"]
    )
    at = in_hours(48)
    response = expire(editor, article, at, comment="The guideline it follows is being replaced.")
    assert response.status_code == 200, response.json()
    assert datetime.datetime.fromisoformat(response.json()["unpublish_at"]) == at
    assert response.json()["state"] == "published"
    move = Transition.objects.filter(article=article).latest("pk")
    assert move.action == "schedule_unpublish" and move.by == editor
    assert move.comment == (
        f"To be taken down at {at.isoformat()}. The guideline it follows is being replaced."
    )
    assert PublishedArticle.objects.filter(article=article).exists()


def test_only_editors_set_an_expiry_and_only_in_the_future_on_a_live_article(writer, editor, live):
    article = live
    assert expire(writer, article, in_hours(5)).status_code == 403
    far = expire(editor, article, in_hours(11 * 366 * 24))
    assert far.status_code == 400 and "within the next ten years" in far.json()["detail"]
    past = expire(editor, article, in_hours(-1))
    assert past.status_code == 400 and "That time has passed" in past.json()["detail"]
    assert expire(editor, article, None).status_code == 409  # nothing to cancel
    workflow.unpublish(article=article, by=editor, comment="Out of date.")
    assert expire(editor, article, in_hours(5)).status_code == 409
    assert Article.objects.get(pk=article.pk).unpublish_at is None


def test_the_article_is_taken_down_at_its_expiry_with_the_webhook(
    editor, live, client, django_capture_on_commit_callbacks
):
    article = live
    Endpoint.objects.create(url="https://hooks.example/cms", events=["article.unpublished"])
    expire(editor, article, in_hours(1))
    assert workflow.unpublish_due() == 0
    assert client.get("/api/v1/articles/hip-pain/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        assert workflow.unpublish_due(now=in_hours(2)) == 1
    assert workflow.unpublish_due(now=in_hours(3)) == 0  # once only
    article.refresh_from_db()
    assert article.state == Article.State.ARCHIVED and article.live_revision is None
    assert article.unpublish_at is None and article.unpublish_scheduled_by is None
    move = Transition.objects.filter(article=article).latest("pk")
    assert (move.action, move.by, move.from_state) == ("unpublish_due", editor, "published")
    assert move.comment.startswith("Taken down at its expiry")
    [delivery] = WebhookDelivery.objects.all()
    body = json.loads(delivery.body)
    assert body["event"] == "article.unpublished" and body["article"]["slug"] == "hip-pain"
    assert client.get("/api/v1/articles/hip-pain/").status_code == 404


def test_cancelling_or_unpublishing_by_hand_clears_the_expiry(editor, live):
    article = live
    expire(editor, article, in_hours(1))
    response = expire(editor, article, None)
    assert response.status_code == 200 and response.json()["unpublish_at"] is None
    assert Transition.objects.filter(article=article).latest("pk").action == "cancel_unpublish"
    assert workflow.unpublish_due(now=in_hours(2)) == 0

    expire(editor, article, in_hours(1))
    workflow.unpublish(article=Article.objects.get(pk=article.pk), by=editor, comment="Now.")
    assert Article.objects.get(pk=article.pk).unpublish_at is None


def test_an_expiry_outlives_the_editor_role_of_whoever_set_it(editor, live):
    """Taking content down is the safe side: the expiry holds."""
    expire(editor, live, in_hours(1))
    editor.groups.clear()
    assert workflow.unpublish_due(now=in_hours(2)) == 1
    assert not PublishedArticle.objects.exists()


def test_the_publish_due_command_takes_down_expired_articles(editor, live):
    expire(editor, live, in_hours(1))
    Article.objects.filter(pk=live.pk).update(unpublish_at=in_hours(-1))
    out = io.StringIO()
    call_command("publish_due", "--dry-run", stdout=out)
    assert "Expired: Hip pain" in out.getvalue()
    assert PublishedArticle.objects.exists()
    call_command("publish_due", stdout=out)
    assert "Took down 1 expired article(s)." in out.getvalue()
    assert not PublishedArticle.objects.exists()


def test_an_editor_sets_and_cancels_an_expiry_in_the_admin(client, editor, writer, live):
    article = live
    url = reverse("admin:articles_article_move", args=[article.pk, "schedule_unpublish"])
    client.force_login(writer)
    assert client.get(url).status_code == 403
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "Set an expiry" in page.content.decode()
    when = timezone.localtime(in_hours(30)).replace(second=0, microsecond=0)
    response = client.post(
        url,
        {"unpublish_at_0": f"{when:%Y-%m-%d}", "unpublish_at_1": f"{when:%H:%M}",
         "comment": "Seasonal advice."},
        follow=True,
    )  # fmt: skip
    assert f"readers stop seeing the article at {when:%Y-%m-%d %H:%M}" in response.content.decode()
    assert Article.objects.get(pk=article.pk).unpublish_at == when
    [panel] = [p for p in panels_for(editor) if p.title == "Live articles with an expiry"]
    assert [row["title"] for row in panel.rows] == ["Hip pain"]

    past = client.post(url, {"unpublish_at_0": "2020-01-01", "unpublish_at_1": "10:00"})
    assert "That time has passed" in past.content.decode()
    cancelled = client.post(url, {"unpublish_at_0": "", "unpublish_at_1": ""}, follow=True)
    assert "Expiry cancelled" in cancelled.content.decode()
    assert Article.objects.get(pk=article.pk).unpublish_at is None
