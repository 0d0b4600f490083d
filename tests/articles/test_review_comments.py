"""Comments anchored to a part of a revision: the reviewer writes them, the writer answers
them, and nobody resubmits past an open one without saying why."""

import pytest
from django.urls import reverse

from articles import workflow
from articles.admin.audit import workflow_history
from articles.models import Article, ImmutableRowError, Review, ReviewComment, Transition
from tests.articles.test_editorial_api import client_for
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db
REVIEWS = "/api/v1/editorial/reviews/"


@pytest.fixture
def article(writer):
    article = ArticleFactory(author=writer, slug="knee-pain", title="Knee pain")
    SectionFactory(article=article, heading="Causes", body="Running too much.")
    SectionFactory(article=article, heading="Treatment", body="Rest and ice.")
    return article


@pytest.fixture
def review(article, writer, reviewer):
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    return Review.objects.get(revision__article=article)


def anchor_of(article, heading):
    return article.sections.get(heading=heading).anchor


def sent_back(review, reviewer, article):
    """Changes requested with one comment on the Causes section and one on the title."""
    workflow.request_changes(
        review=review,
        by=reviewer,
        comment="",
        comments=[
            ("section", anchor_of(article, "Causes"), "Name the usual cause first."),
            ("title", "", "Say whose knee: adults?"),
        ],
    )
    return list(review.comments.order_by("pk"))


# The workflow ------------------------------------------------------------------------------


def test_section_comments_replace_the_overall_comment(review, reviewer, article):
    section_comment, title_comment = sent_back(review, reviewer, article)
    assert Article.objects.get(pk=article.pk).state == Article.State.CHANGES_REQUESTED
    assert (section_comment.target, section_comment.section_anchor) == (
        "section",
        anchor_of(article, "Causes"),
    )
    assert title_comment.where == "title"


def test_requesting_changes_with_no_comment_at_all_is_refused(review, reviewer):
    with pytest.raises(workflow.InvalidInput, match="Say what needs to change"):
        workflow.request_changes(review=review, by=reviewer, comment=" ", comments=[])


def test_a_comment_names_a_section_the_revision_has(review, reviewer):
    with pytest.raises(workflow.InvalidInput, match="no section with the anchor “nowhere”"):
        workflow.add_comment(
            review=review, by=reviewer, target="section", section_anchor="nowhere", body="?"
        )
    with pytest.raises(workflow.InvalidInput, match="title, the summary, the intro or a section"):
        workflow.add_comment(review=review, by=reviewer, target="hero", body="Crop it.")
    with pytest.raises(workflow.InvalidInput, match="needs some text"):
        workflow.add_comment(review=review, by=reviewer, target="intro", body="  ")
    assert not ReviewComment.objects.exists()


def test_a_bad_comment_leaves_the_review_undecided(review, reviewer, article):
    with pytest.raises(workflow.InvalidInput):
        workflow.request_changes(
            review=review,
            by=reviewer,
            comment="See my notes.",
            comments=[("intro", "", "Fine."), ("section", "missing", "Shorter.")],
        )
    review.refresh_from_db()
    assert review.decision == Review.Decision.PENDING
    assert not ReviewComment.objects.exists()


def test_only_the_assigned_reviewer_comments_and_only_while_pending(
    review, reviewer, writer, second_reviewer, article
):
    for someone in (writer, second_reviewer):
        with pytest.raises(workflow.NotAllowed):
            workflow.add_comment(review=review, by=someone, target="intro", body="Hm.")
    workflow.approve(review=review, by=reviewer)
    with pytest.raises(workflow.InvalidTransition, match="already closed"):
        workflow.add_comment(review=review, by=reviewer, target="intro", body="Late.")


def test_only_the_writer_or_an_editor_resolves(
    review, reviewer, writer, other_writer, editor, article
):
    section_comment, title_comment = sent_back(review, reviewer, article)
    for someone in (reviewer, other_writer):
        with pytest.raises(workflow.NotAllowed):
            workflow.answer_comment(comment=section_comment, by=someone)
    workflow.answer_comment(comment=section_comment, by=writer, reply="Moved it up.")
    workflow.answer_comment(comment=title_comment, by=editor)
    section_comment.refresh_from_db()
    assert section_comment.is_resolved
    assert (section_comment.resolved_by, section_comment.reply) == (writer, "Moved it up.")
    with pytest.raises(workflow.InvalidTransition, match="already resolved"):
        workflow.answer_comment(comment=section_comment, by=writer, reply="Again.")


def test_a_comment_is_answered_only_after_changes_were_requested(review, reviewer, writer):
    comment = workflow.add_comment(review=review, by=reviewer, target="summary", body="Shorter.")
    with pytest.raises(workflow.InvalidTransition, match="pending"):
        workflow.answer_comment(comment=comment, by=writer)


def test_a_reply_alone_leaves_the_comment_open(review, reviewer, writer, article):
    section_comment, _ = sent_back(review, reviewer, article)
    workflow.answer_comment(comment=section_comment, by=writer, reply="Why?", resolve=False)
    section_comment.refresh_from_db()
    assert section_comment.reply == "Why?" and not section_comment.is_resolved
    with pytest.raises(workflow.InvalidInput, match="Write a reply, or mark"):
        workflow.answer_comment(comment=section_comment, by=writer, reply="", resolve=False)


def test_a_comment_is_never_reworded_and_a_resolution_is_final(review, reviewer, writer, article):
    section_comment, _ = sent_back(review, reviewer, article)
    section_comment.body = "Something else."
    with pytest.raises(ImmutableRowError):
        section_comment.save()
    section_comment = workflow.answer_comment(comment=section_comment, by=writer)
    section_comment.reply = "Changed my mind."
    with pytest.raises(ImmutableRowError):
        section_comment.save()


def test_resubmitting_with_open_comments_needs_a_reason(
    review, reviewer, writer, second_reviewer, article
):
    section_comment, _title_comment = sent_back(review, reviewer, article)
    workflow.answer_comment(comment=section_comment, by=writer, reply="Done.")
    with pytest.raises(workflow.InvalidInput, match="1 of the reviewer's comments is not resolved"):
        workflow.submit(article=article, by=writer, reviewers=[second_reviewer.reviewer_profile])
    assert Article.objects.get(pk=article.pk).state == Article.State.CHANGES_REQUESTED
    workflow.submit(
        article=article,
        by=writer,
        reviewers=[second_reviewer.reviewer_profile],
        unresolved_reason="The title is the one patients search for.",
    )
    move = Transition.objects.filter(action="submit").first()
    assert "1 unresolved comment because: The title is the one patients search for." in (
        move.comment
    )


def test_resubmitting_with_every_comment_resolved_needs_no_reason(
    review, reviewer, writer, article
):
    for comment in sent_back(review, reviewer, article):
        workflow.answer_comment(comment=comment, by=writer)
    article = workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    assert article.state == Article.State.IN_REVIEW


def test_comments_and_their_resolution_are_in_the_history(review, reviewer, writer, article):
    section_comment, _ = sent_back(review, reviewer, article)
    workflow.answer_comment(comment=section_comment, by=writer, reply="Moved it up.")
    lines = {(event.what, event.comment) for event in workflow_history(article)}
    assert ("Comment on section “Causes”", "Name the usual cause first.") in lines
    assert ("Comment on title", "Say whose knee: adults?") in lines
    assert ("Resolved the comment on section “Causes”", "Moved it up.") in lines


# The editorial API -------------------------------------------------------------------------


def test_the_api_takes_a_comment_to_resolution(review, reviewer, writer, article):
    reviewer_api = client_for(reviewer)
    response = reviewer_api.post(
        f"{REVIEWS}{review.pk}/comments/",
        {"target": "section", "section_anchor": anchor_of(article, "Treatment"), "body": "Dose?"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    comment_id = response.json()["id"]
    response = reviewer_api.post(f"{REVIEWS}{review.pk}/request-changes/", {}, format="json")
    assert response.json()["decision"] == "changes_requested"

    writer_api = client_for(writer)
    listed = writer_api.get(f"{REVIEWS}{review.pk}/comments/").json()
    assert [(c["target"], c["body"], c["resolved"]) for c in listed] == [
        ("section", "Dose?", False)
    ]
    response = writer_api.post(
        f"{REVIEWS}{review.pk}/comments/{comment_id}/resolve/",
        {"reply": "Added the dose."},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["resolved"] is True
    assert response.json()["resolved_by"] == writer.username
    assert response.json()["reply"] == "Added the dose."


def test_the_api_refuses_with_sentences(review, reviewer, writer, other_writer, editor, article):
    url = f"{REVIEWS}{review.pk}/comments/"
    response = client_for(writer).post(url, {"target": "intro", "body": "Mine."}, format="json")
    assert response.status_code == 403
    assert "assigned" in response.json()["detail"]
    response = client_for(reviewer).post(
        url, {"target": "section", "section_anchor": "x", "body": "?"}, format="json"
    )
    assert response.status_code == 400
    assert "no section with the anchor" in response.json()["detail"]
    response = client_for(reviewer).post(url, {"target": "hero", "body": "?"}, format="json")
    assert response.status_code == 400
    assert client_for(other_writer).get(url).status_code == 404

    comment = workflow.add_comment(review=review, by=reviewer, target="intro", body="Shorter.")
    resolve = f"{url}{comment.pk}/resolve/"
    response = client_for(writer).post(resolve, {}, format="json")
    assert response.status_code == 409  # not sent back yet
    workflow.request_changes(review=review, by=reviewer, comment="")
    assert client_for(reviewer).post(resolve, {}, format="json").status_code == 403
    assert client_for(writer).post(f"{url}999999/resolve/", {}, format="json").status_code == 404
    assert client_for(editor).post(resolve, {}, format="json").status_code == 200


def test_the_api_submit_needs_a_reason_while_comments_are_open(
    review, reviewer, writer, second_reviewer, article
):
    sent_back(review, reviewer, article)
    url = f"/api/v1/editorial/articles/{article.pk}/submit/"
    api = client_for(writer)
    response = api.post(url, {"reviewers": ["ada-poe"]}, format="json")
    assert response.status_code == 400
    assert "2 of the reviewer's comments are not resolved" in response.json()["detail"]
    response = api.post(
        url, {"reviewers": ["ada-poe"], "unresolved_reason": "Asked the editor."}, format="json"
    )
    assert response.status_code == 200


# Holes the attack on #18 found -------------------------------------------------------------


def test_undecided_comments_are_the_reviewers_own_until_the_decision(
    review, reviewer, writer, second_reviewer, article
):
    workflow.add_comment(review=review, by=reviewer, target="title", body="Draft note to self.")
    url = f"{REVIEWS}{review.pk}/comments/"
    assert [c["body"] for c in client_for(reviewer).get(url).json()] == ["Draft note to self."]
    assert client_for(writer).get(url).json() == []  # not before the decision
    assert "Draft note to self." not in str(workflow_history(Article.objects.get(pk=article.pk)))


def test_a_review_with_comments_cannot_be_approved_they_would_stay_open(review, reviewer, article):
    workflow.add_comment(review=review, by=reviewer, target="intro", body="The intro is wrong.")
    with pytest.raises(workflow.InvalidInput, match="request changes"):
        workflow.approve(review=review, by=reviewer)
    assert Review.objects.get(pk=review.pk).decision == Review.Decision.PENDING


def test_open_comments_also_stop_a_re_certification(
    live, writer, reviewer, second_reviewer, editor
):
    workflow.recertify(article=live, by=editor, reviewers=[reviewer.reviewer_profile])
    review = Review.objects.get(revision=live.live_revision, decision="pending")
    anchor = live.sections.first().anchor
    workflow.request_changes(
        review=review, by=reviewer, comment="", comments=[("section", anchor, "Out of date.")]
    )
    with pytest.raises(workflow.InvalidInput, match="not all resolved"):
        workflow.recertify(
            article=Article.objects.get(pk=live.pk),
            by=editor,
            reviewers=[second_reviewer.reviewer_profile],
        )


# Taking back an undecided comment ----------------------------------------------------------


def test_the_reviewer_takes_back_a_comment_and_can_then_approve(review, reviewer, article):
    comment = workflow.add_comment(review=review, by=reviewer, target="intro", body="Too long?")
    workflow.remove_comment(comment=comment, by=reviewer)
    assert not ReviewComment.objects.exists()
    move = Transition.objects.get(action="remove_comment")
    assert (move.by, move.revision, move.from_state, move.to_state) == (
        reviewer,
        review.revision,
        Article.State.IN_REVIEW,
        Article.State.IN_REVIEW,
    )
    # The part is named; the note itself, read by nobody else, is not kept.
    assert move.comment == "Took back their comment on the intro before deciding."
    history = {(event.what, event.comment) for event in workflow_history(article)}
    assert ("Remove comment", move.comment) in history
    workflow.approve(review=review, by=reviewer)
    assert Article.objects.get(pk=article.pk).state == Article.State.APPROVED


def test_only_its_author_takes_a_comment_back_and_only_before_the_decision(
    review, reviewer, writer, second_reviewer, editor, article
):
    comment = workflow.add_comment(review=review, by=reviewer, target="title", body="Adults?")
    for someone in (writer, second_reviewer, editor):
        with pytest.raises(workflow.NotAllowed, match="who wrote this comment"):
            workflow.remove_comment(comment=comment, by=someone)
    workflow.request_changes(review=review, by=reviewer, comment="")
    with pytest.raises(workflow.InvalidTransition, match=r"decided \(changes requested\)"):
        workflow.remove_comment(comment=comment, by=reviewer)
    assert ReviewComment.objects.filter(pk=comment.pk).exists()
    assert not Transition.objects.filter(action="remove_comment").exists()


def test_the_api_takes_a_comment_back_so_the_reviewer_can_approve(review, reviewer, article):
    api = client_for(reviewer)
    url = f"{REVIEWS}{review.pk}/comments/"
    comment_id = api.post(url, {"target": "summary", "body": "Hm."}, format="json").json()["id"]
    response = api.post(f"{REVIEWS}{review.pk}/approve/", {}, format="json")
    assert response.status_code == 400  # the dead end this endpoint gets the reviewer out of
    response = api.delete(f"{url}{comment_id}/")
    assert response.status_code == 204
    assert api.get(url).json() == []
    assert api.delete(f"{url}{comment_id}/").status_code == 404
    response = api.post(f"{REVIEWS}{review.pk}/approve/", {}, format="json")
    assert response.json()["decision"] == "approved"


def test_the_api_refuses_to_take_back_a_comment_with_sentences(
    review, reviewer, writer, editor, article
):
    comment = workflow.add_comment(review=review, by=reviewer, target="intro", body="Shorter.")
    url = f"{REVIEWS}{review.pk}/comments/{comment.pk}/"
    assert client_for(None).delete(url).status_code in (401, 403)
    # Before the decision, nobody else is told the note exists.
    for someone in (writer, editor):
        assert client_for(someone).delete(url).status_code == 404
    workflow.request_changes(review=review, by=reviewer, comment="")
    response = client_for(editor).delete(url)
    assert response.status_code == 403
    name = reviewer.get_full_name() or reviewer.get_username()
    expected = f"Only the reviewer who wrote this comment ({name}) can take it back."
    assert response.json()["detail"] == expected
    response = client_for(reviewer).delete(url)
    assert response.status_code == 409
    assert "its comments stay as they were sent" in response.json()["detail"]
    assert ReviewComment.objects.filter(pk=comment.pk).exists()


def test_the_notes_of_a_review_that_never_decided_stay_the_reviewers_own(
    review, reviewer, writer, second_reviewer, client, article
):
    # The writer withdraws the revision while the reviewer has notes: the review is
    # superseded, and its notes were never sent to anyone.
    workflow.add_comment(review=review, by=reviewer, target="title", body="Unsent note.")
    workflow.withdraw(article=article, by=writer)
    assert Review.objects.get(pk=review.pk).decision == Review.Decision.SUPERSEDED
    url = f"{REVIEWS}{review.pk}/comments/"
    assert client_for(writer).get(url).json() == []
    assert [c["body"] for c in client_for(reviewer).get(url).json()] == ["Unsent note."]
    article = Article.objects.get(pk=article.pk)
    assert "Unsent note." not in str(workflow_history(article))
    assert not workflow.open_comments(article).exists()

    workflow.submit(article=article, by=writer, reviewers=[second_reviewer.reviewer_profile])
    next_review = Review.objects.get(revision__article=article, decision="pending")
    client.force_login(second_reviewer)
    html = client.get(reverse("admin:articles_review_decide", args=[next_review.pk])).text
    assert "Unsent note." not in html


def test_the_api_names_a_commented_section_by_its_heading_too(review, reviewer):
    comment = workflow.add_comment(
        review=review, by=reviewer, target="section", section_anchor="causes", body="Sources?"
    )
    response = client_for(reviewer).get(f"{REVIEWS}{review.pk}/comments/")
    [listed] = [item for item in response.json() if item["id"] == comment.pk]
    assert (listed["section_anchor"], listed["section_heading"]) == ("causes", "Causes")
