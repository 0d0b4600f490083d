"""Comments on parts of a revision in the admin: the reviewer writes them on the review page,
the writer answers them in the article's form, and the submit form asks why if some are open."""

import re

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


def between(html, start, end):
    """The part of `html` from the first `start` to the next `end` after it."""
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


def test_each_part_has_its_comment_box_beside_it_in_the_document(client, review, reviewer):
    client.force_login(reviewer)
    html = client.get(decide_url(review)).content.decode()
    document = between(html, 'id="as-readers-see-it"', 'id="what-changed"')
    assert 'name="on_title"' in between(document, "<h1>", 'class="summary"')
    assert 'name="on_summary"' in between(document, 'class="summary"', 'class="byline"')
    assert 'name="on_section_1"' in between(document, 'id="causes"', "</section>")
    assert document.count("<summary>Comment on this section</summary>") == 1
    for name in ("on_title", "on_summary", "on_intro", "on_section_1"):
        # Outside the <form> element, they submit with it by naming it.
        assert re.search(f'<textarea name="{name}"[^>]* form="decision"', document)
    decision_form = between(html, '<form method="post" class="review-decision"', "</form>")
    assert 'name="on_' not in decision_form


def test_a_box_with_an_error_or_text_is_open_after_a_failed_decision(client, review, reviewer):
    client.force_login(reviewer)
    data = {"on_title": "Say whose knee.", "on_section_1": "x" * 5001, "request_changes": "1"}
    html = client.post(decide_url(review), data).content.decode()
    section_box = between(html, 'id="causes"', "</section>")
    assert '<details class="part-comment" open>' in section_box
    assert "Ensure this value has at most 5000 characters" in section_box
    title_box = between(html, "<h1>", 'class="summary"')
    assert '<details class="part-comment" open>' in title_box
    assert "Say whose knee.</textarea>" in title_box
    # The boxes left empty stay folded; the top of the page leads to the box to correct.
    assert '<details class="part-comment">' in between(html, 'class="summary"', "<h2")
    assert 'href="#id_on_section_1">see what to correct beside the part' in html
    assert not ReviewComment.objects.exists()


def test_only_the_deciding_reviewer_gets_boxes_and_not_on_other_pages(
    client, review, reviewer, writer, editor, article
):
    for someone in (writer, editor):
        client.force_login(someone)
        assert "part-comment" not in client.get(decide_url(review)).content.decode()
    client.force_login(writer)
    preview = reverse("admin:articles_article_preview", args=[article.pk])
    html = client.get(preview).content.decode()
    assert "Knee pain" in html and "part-comment" not in html


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
    assert f"Resolved by {writer.get_full_name()} on" in html and writer.get_full_name()
    assert "“Shortened.”" in html
    assert "without a reply" in html


def test_the_reviewer_sees_their_comment_beside_its_part_and_takes_it_back_to_approve(
    client, review, reviewer, article
):
    comment = workflow.add_comment(
        review=review, by=reviewer, target="section", section_anchor="causes", body="Which?"
    )
    client.force_login(reviewer)
    html = client.get(decide_url(review)).content.decode()
    section_box = between(html, 'id="causes"', "</section>")
    assert '<details class="part-comment" open>' in section_box
    assert "<blockquote>Which?</blockquote>" in section_box
    assert f'name="take_back" value="{comment.pk}"' in section_box

    response = client.post(decide_url(review), {"take_back": [comment.pk], "approve": "1"})
    assert response.status_code == 302
    assert not ReviewComment.objects.exists()
    assert Transition.objects.filter(action="remove_comment", by=reviewer).count() == 1
    assert Article.objects.get(pk=article.pk).state == Article.State.APPROVED


def test_comments_not_taken_back_go_to_the_writer(client, review, reviewer):
    _kept, dropped = (
        workflow.add_comment(review=review, by=reviewer, target=target, body=body)
        for target, body in [("title", "Keep."), ("intro", "Drop.")]
    )
    client.force_login(reviewer)
    response = client.post(decide_url(review), {"take_back": [dropped.pk], "request_changes": "1"})
    assert response.status_code == 302
    assert list(ReviewComment.objects.values_list("body", flat=True)) == ["Keep."]
    assert Review.objects.get(pk=review.pk).decision == Review.Decision.CHANGES_REQUESTED


def test_a_decision_refused_takes_nothing_back(client, review, reviewer):
    comment = workflow.add_comment(review=review, by=reviewer, target="title", body="Keep.")
    other = workflow.add_comment(review=review, by=reviewer, target="intro", body="Also.")
    client.force_login(reviewer)
    # One comment stays, so the approval is refused, and the other is not taken back either.
    response = client.post(decide_url(review), {"take_back": [comment.pk], "approve": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "or take them back first" in html
    assert f'value="{comment.pk}" checked' in html  # still ticked, to try again
    assert set(ReviewComment.objects.values_list("pk", flat=True)) == {comment.pk, other.pk}
    assert not Transition.objects.filter(action="remove_comment").exists()


def test_only_comments_on_this_review_can_be_ticked(client, review, reviewer):
    response = send_back_from_the_page(client, reviewer, review)
    sent = ReviewComment.objects.first()
    article = Article.objects.get(pk=review.revision.article_id)
    for comment in workflow.open_comments(article):
        workflow.answer_comment(comment=comment, by=article.author)
    workflow.submit(article=article, by=article.author, reviewers=[reviewer.reviewer_profile])
    next_review = Review.objects.get(revision__article=article, decision="pending")
    response = client.post(decide_url(next_review), {"take_back": [sent.pk], "approve": "1"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert ReviewComment.objects.filter(pk=sent.pk).exists()
