"""Issue #18, point 4: each role is offered, and may open, only what it may do."""

import html

import pytest
from django.urls import reverse

from articles import workflow
from articles.models import Article, Review
from tests.factories import ArticleFactory, SectionFactory, edit

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


def test_the_403_page_carries_the_admins_header(client, writer, live):
    client.force_login(writer)
    html = client.get(move_url(live, "publish")).text
    assert '<a href="/admin/">Health CMS</a>' in html
    assert "<title>Not allowed | Health CMS</title>" in html
    assert "Django administration" not in html


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


def test_every_page_that_names_the_state_says_live_with_changes_in_draft(
    editor_client, writer, live
):
    """The unpublish page said "State: Draft." of a live article with an edit under way."""
    edit(live, writer, summary="Updated.")
    pages = [
        move_url(live, "unpublish"),
        reverse("admin:articles_article_change", args=[live.pk]),
    ]
    for page in pages:
        assert "State: <strong>Live · changes in draft</strong>" in editor_client.get(page).text


NOT_LIVE = 'article:knee-pain: the article "knee-pain" is not live yet'
NO_SUCH = 'article:nowhere: there is no article with the slug "nowhere".'


def test_link_warnings_tell_not_live_yet_from_no_such_article_in_all_three_places(
    client, writer, reviewer
):
    ArticleFactory(author=writer, slug="knee-pain", title="Knee pain")  # a draft, not live
    article = ArticleFactory(author=writer, slug="hip-pain", title="Hip pain")
    SectionFactory(article=article, body="See [knee](article:knee-pain) and [x](article:nowhere).")

    client.force_login(writer)
    change_form = client.get(reverse("admin:articles_article_change", args=[article.pk])).text
    checklist = client.get(move_url(article, "submit")).text
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    review = Review.objects.get(revision__article=article)
    client.force_login(reviewer)
    review_page = client.get(reverse("admin:articles_review_decide", args=[review.pk])).text

    for page in map(html.unescape, (change_form, checklist, review_page)):
        assert NOT_LIVE in page
        assert NO_SUCH in page
        assert 'there is no article with the slug "knee-pain"' not in page


def test_the_history_page_shows_moves_revisions_and_reviews_with_their_comments(
    client, writer, reviewer, live
):
    edited = edit(live, writer, summary="Updated for 2026.")
    edited = workflow.submit(
        article=edited, by=writer, reviewers=[reviewer.reviewer_profile], comment="New advice."
    )
    review = Review.objects.get(revision=edited.current_revision, decision="pending")
    workflow.request_changes(review=review, by=reviewer, comment="Cite the 2025 guideline.")

    client.force_login(writer)
    page = html.unescape(client.get(reverse("admin:articles_article_history", args=[live.pk])).text)
    history = page[page.index("Workflow history") : page.index("Saves in the admin")]
    assert "Submit: Draft → In review" in history and "New advice." in history
    assert "Revision 2 submitted (6 words changed)" in history  # a summary rewritten
    assert "Request changes: In review → Changes requested" in history
    assert "Review of revision 2: changes requested" in history
    assert "Cite the 2025 guideline." in history
    assert "Review of revision 1: approved" in history and "Accurate." in history
    assert "Publish: Approved → Published" in history
