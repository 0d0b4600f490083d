"""The admin home page: each role's panels, and the audit trail for editors."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, PublishedArticle, Review
from tests.factories import ArticleFactory, SectionFactory, edit

pytestmark = pytest.mark.django_db


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_writer_sees_their_own_articles_and_not_others(client, writer, other_writer):
    ArticleFactory(author=writer, title="Calf cramps")
    ArticleFactory(author=other_writer, title="Shin splints", slug="shin-splints")
    html = home(client, writer)
    assert "My articles" in html and "Calf cramps" in html
    assert "Shin splints" not in html
    assert "Waiting for my review" not in html and "Approved, ready to publish" not in html
    mine = client.get(reverse("admin:articles_article_changelist") + "?mine=yes")
    assert "Calf cramps" in mine.content.decode()


@pytest.fixture
def overdue_live(writer, publish):
    """A live article whose review date passed three days ago."""
    live = ArticleFactory(author=writer, title="Hip pain", slug="hip-pain")
    SectionFactory(article=live)
    publish(live)
    PublishedArticle.objects.filter(article=live).update(
        next_review_due=timezone.localdate() - datetime.timedelta(days=3)
    )
    return Article.objects.get(pk=live.pk)


def test_a_reviewer_sees_the_queue_oldest_first_with_overdue_re_reviews_flagged(
    client, writer, reviewer, overdue_live
):
    new = ArticleFactory(author=writer, title="Calf cramps")
    SectionFactory(article=new)
    workflow.submit(article=new, by=writer, reviewers=[reviewer.reviewer_profile])
    live = edit(overdue_live, writer, summary="Updated for re-review.")
    workflow.submit(article=live, by=writer, reviewers=[reviewer.reviewer_profile])
    Review.objects.filter(revision__article=new).update(
        assigned_at=timezone.now() - datetime.timedelta(days=2)
    )
    html = home(client, reviewer)
    panel = html[html.index("Waiting for my review") :]
    assert panel.index("Calf cramps") < panel.index("Hip pain")  # oldest first
    assert "re-review · OVERDUE" in panel


def test_an_editor_sees_what_to_publish_what_is_scheduled_and_the_audit_trail(
    client, writer, reviewer, editor
):
    ready = ArticleFactory(author=writer, title="Calf cramps")
    SectionFactory(article=ready)
    later = ArticleFactory(author=writer, title="Knee pain", slug="knee-pain")
    SectionFactory(article=later)
    for article in (ready, later):
        workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
        review = Review.objects.get(revision__article=article)
        workflow.approve(review=review, by=reviewer)
    workflow.publish(
        article=Article.objects.get(pk=later.pk),
        by=editor,
        at=timezone.now() + datetime.timedelta(days=1),
    )
    html = home(client, editor)
    approved_panel = html[html.index("Approved, ready to publish") : html.index("Scheduled")]
    assert "Calf cramps" in approved_panel and "Knee pain" not in approved_panel
    assert "goes live" in html[html.index("Scheduled") :]
    assert "Latest moves (audit trail)" in html
    moves = html[html.index("Latest moves (audit trail)") :]
    assert f"Approve by {reviewer.get_full_name()}" in moves and reviewer.get_full_name()
    assert "approve by" not in moves
    trail = client.get(reverse("admin:articles_transition_changelist")).content.decode()
    assert trail.count("Calf cramps") >= 2  # submitted and approved


def test_only_editors_open_the_audit_trail(client, writer):
    client.force_login(writer)
    assert client.get(reverse("admin:articles_transition_changelist")).status_code == 403


def test_the_review_list_flags_overdue_re_reviews_and_filters_to_mine(
    client, writer, reviewer, overdue_live
):
    live = edit(overdue_live, writer, summary="Updated.")
    workflow.submit(article=live, by=writer, reviewers=[reviewer.reviewer_profile])
    client.force_login(reviewer)
    html = client.get(reverse("admin:articles_review_changelist") + "?assigned=me").content
    assert "Re-review of a live article, overdue since" in html.decode()


def test_empty_panels_shrink_to_one_line(client, editor):
    html = home(client, editor)
    line = html[html.index("Nothing waiting in:") :]
    assert "Approved, ready to publish" in line and "Scheduled" in line
    assert '<div class="module dashboard-panel">' not in html


def test_an_editor_is_offered_re_certification_of_an_overdue_live_article(
    client, editor, overdue_live
):
    html = home(client, editor)
    panel = html[html.index("Live articles overdue for review") :]
    move = reverse("admin:articles_article_move", args=[overdue_live.pk, "recertify"])
    assert f'href="{move}">Send for re-certification' in panel
    assert client.get(move).status_code == 200
