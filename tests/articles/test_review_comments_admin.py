"""Comments on parts of a revision in the admin: the reviewer writes them on the review page,
the writer answers them in the article's form, and the submit form asks why if some are open."""

import pytest
from django.urls import reverse

from articles import workflow
from articles.models import Article, Review, ReviewComment, Transition
from tests.articles.test_admin_workflow import admin_form_data
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(writer):
    article = ArticleFactory(author=writer, slug="knee-pain", title="Knee pain")
    SectionFactory(article=article, heading="Causes", body="Running too much.")
    return article


@pytest.fixture
def review(article, writer, reviewer):
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    return Review.objects.get(revision__article=article)


def decide_url(review):
    return reverse("admin:articles_review_decide", args=[review.pk])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def send_back_from_the_page(client, reviewer, review):
    client.force_login(reviewer)
    return client.post(
        decide_url(review),
        {
            "comment": "",
            "on_section_1": "Say which sports <b>first</b>.",
            "on_summary": "Too long.",
            "request_changes": "1",
        },
    )


def test_the_review_page_offers_a_box_per_part(client, review, reviewer):
    client.force_login(reviewer)
    html = client.get(decide_url(review)).content.decode()
    for label in ("Title:", "Summary:", "Intro:", "Section “Causes”:"):
        assert label in html
    assert 'name="on_section_1"' in html


def test_the_reviewer_sends_comments_on_parts_back(client, review, reviewer, article):
    response = send_back_from_the_page(client, reviewer, review)
    assert response.status_code == 302
    comments = {(c.target, c.section_anchor, c.body) for c in ReviewComment.objects.all()}
    assert comments == {
        ("section", "causes", "Say which sports <b>first</b>."),
        ("summary", "", "Too long."),
    }
    assert Article.objects.get(pk=article.pk).state == Article.State.CHANGES_REQUESTED


def test_approving_with_comments_on_parts_is_a_form_error(client, review, reviewer):
    client.force_login(reviewer)
    response = client.post(decide_url(review), {"on_title": "Hm.", "approve": "1"})
    assert response.status_code == 200
    assert "go back to the writer with a request for changes" in response.content.decode()
    review.refresh_from_db()
    assert review.decision == Review.Decision.PENDING
    assert not ReviewComment.objects.exists()


def test_the_writer_sees_each_comment_beside_its_part_and_resolves_it(
    client, review, reviewer, writer, article
):
    send_back_from_the_page(client, reviewer, review)
    section_comment = ReviewComment.objects.get(target="section")
    summary_comment = ReviewComment.objects.get(target="summary")
    client.force_login(writer)
    html = client.get(change_url(article)).content.decode()
    # Escaped, in the help of the section's body and of the summary, and in the answers' box.
    assert html.count("Say which sports &lt;b&gt;first&lt;/b&gt;.") == 2
    assert html.count("Too long.") == 2
    assert f'name="answer_{section_comment.pk}_resolved"' in html

    data = {
        **admin_form_data(article),
        f"answer_{section_comment.pk}_resolved": "on",
        f"answer_{section_comment.pk}_reply": "Named running and football.",
        f"answer_{summary_comment.pk}_reply": "It is as short as it gets.",
    }
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    section_comment.refresh_from_db()
    summary_comment.refresh_from_db()
    assert section_comment.is_resolved and section_comment.reply == "Named running and football."
    assert not summary_comment.is_resolved
    assert summary_comment.reply == "It is as short as it gets."
    # Only the open one is left to answer.
    html = client.get(change_url(article)).content.decode()
    assert f'name="answer_{section_comment.pk}_resolved"' not in html
    assert f'name="answer_{summary_comment.pk}_resolved"' in html


def test_the_submit_form_asks_why_while_comments_are_open(
    client, review, reviewer, writer, second_reviewer, article
):
    send_back_from_the_page(client, reviewer, review)
    client.force_login(writer)
    url = reverse("admin:articles_article_move", args=[article.pk, "submit"])
    profile = second_reviewer.reviewer_profile.pk
    html = client.get(url).content.decode()
    assert "2 of the reviewer&#x27;s comments are not resolved" in html
    response = client.post(url, {"reviewers": [profile]})
    assert response.status_code == 200
    assert "Resolve them, or say why you submit anyway" in response.content.decode()
    assert Article.objects.get(pk=article.pk).state == Article.State.CHANGES_REQUESTED
    response = client.post(url, {"reviewers": [profile], "unresolved_reason": "Checked by phone."})
    assert response.status_code == 302
    assert "because: Checked by phone." in Transition.objects.filter(action="submit")[0].comment


def test_the_next_review_shows_how_each_comment_was_answered(
    client, review, reviewer, writer, article
):
    send_back_from_the_page(client, reviewer, review)
    for comment in ReviewComment.objects.order_by("pk"):
        reply = "Shortened." if comment.target == "summary" else ""
        workflow.answer_comment(comment=comment, by=writer, reply=reply)
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    client.force_login(reviewer)
    next_review = Review.objects.get(revision__article=article, decision="pending")
    html = client.get(decide_url(next_review)).content.decode()
    assert "Earlier comments on parts of this article" in html
    assert "On the summary</strong>, revision 1" in html
    assert "Resolved by writer-1" in html
    assert "“Shortened.”" in html
    assert "without a reply" in html
