"""Every move of the review workflow, allowed and forbidden, on the workflow module itself."""

import datetime

import pytest
from django.utils import timezone

from articles import workflow
from articles.documents import add_months
from articles.models import (
    Article,
    ArticleRevision,
    ImmutableRowError,
    PublishedArticle,
    Review,
    Transition,
    content_hash,
)
from tests.factories import (
    ArticleFactory,
    ReferenceFactory,
    RelatedTopicFactory,
    ReviewerFactory,
    SectionFactory,
    TagFactory,
    UserFactory,
    edit,
)

pytestmark = pytest.mark.django_db
State = Article.State


@pytest.fixture
def draft(writer):
    article = ArticleFactory(author=writer, slug="calf-cramps", title="Calf cramps")
    article.tags.add(TagFactory(name="Leg Pain", slug="leg-pain"))
    SectionFactory(article=article, heading="Why they happen", body="Tired **muscles**.")
    SectionFactory(article=article, heading="What helps", body="- Stretch\n- Drink water")
    ReferenceFactory(article=article)
    return article


@pytest.fixture
def profile(reviewer):
    return reviewer.reviewer_profile


def submitted(article, by, profile):
    return workflow.submit(article=article, by=by, reviewers=[profile])


def pending_review(article):
    return Review.objects.get(revision=Article.objects.get(pk=article.pk).current_revision)


def approved(article, writer, reviewer, profile):
    submitted(article, writer, profile)
    return workflow.approve(review=pending_review(article), by=reviewer, comment="Accurate.")


def published(article, writer, reviewer, editor, profile):
    approved(article, writer, reviewer, profile)
    return workflow.publish(article=article, by=editor)


def refreshed(article):
    return Article.objects.get(pk=article.pk)


# Submit ------------------------------------------------------------------------------------


def test_submit_freezes_the_working_copy_into_a_hashed_revision(draft, writer, profile):
    article = submitted(draft, writer, profile)
    revision = article.current_revision
    assert article.state == State.IN_REVIEW
    assert revision.number == 1
    assert revision.snapshot == draft.snapshot()
    assert revision.content_hash == content_hash(draft.snapshot())
    assert len(revision.content_hash) == 64
    headings = [section["heading"] for section in revision.snapshot["sections"]]
    assert headings == ["Why they happen", "What helps"]
    assert revision.snapshot["tags"] == ["leg-pain"]
    assert revision.snapshot["references"][0]["url"].startswith("https://")
    review = revision.reviews.get()
    assert (review.reviewer, review.decision) == (profile, Review.Decision.PENDING)


def test_submit_is_recorded_with_who_when_from_to_and_revision(draft, writer, profile):
    article = workflow.submit(article=draft, by=writer, reviewers=[profile], comment="Ready.")
    transition = Transition.objects.get(article=draft)
    assert (transition.from_state, transition.to_state) == (State.DRAFT, State.IN_REVIEW)
    assert (transition.by, transition.revision, transition.comment) == (
        writer,
        article.current_revision,
        "Ready.",
    )
    assert transition.at is not None


def test_an_editor_may_submit_someone_elses_article(draft, editor, profile):
    assert submitted(draft, editor, profile).state == State.IN_REVIEW


@pytest.mark.parametrize("who", ["other_writer", "reviewer"])
def test_only_the_author_or_an_editor_may_submit(draft, profile, who, request):
    with pytest.raises(workflow.NotAllowed, match="author or an editor"):
        submitted(draft, request.getfixturevalue(who), profile)
    assert refreshed(draft).state == State.DRAFT
    assert not ArticleRevision.objects.exists()


def test_submit_needs_a_reviewer(draft, writer):
    with pytest.raises(workflow.InvalidInput, match="at least one reviewer"):
        workflow.submit(article=draft, by=writer, reviewers=[])


def test_inactive_reviewers_and_reviewers_without_accounts_cannot_be_assigned(draft, writer):
    with pytest.raises(workflow.InvalidInput, match="not an active reviewer"):
        submitted(draft, writer, ReviewerFactory(user=UserFactory(), is_active=False))
    with pytest.raises(workflow.InvalidInput, match="no user account"):
        submitted(draft, writer, ReviewerFactory(user=None))
    assert refreshed(draft).state == State.DRAFT


def test_a_reviewer_whose_account_is_switched_off_is_neither_assigned_nor_offered(draft, writer):
    from articles.admin.forms import SubmitForm

    gone = ReviewerFactory(user=UserFactory(is_active=False))
    with pytest.raises(workflow.InvalidInput, match="switched off"):
        submitted(draft, writer, gone)
    assert gone not in SubmitForm(article=draft).fields["reviewers"].queryset


def test_a_reviewer_without_credentials_can_neither_be_assigned_nor_decide(
    draft, writer, reviewer, profile
):
    with pytest.raises(workflow.InvalidInput, match="no credentials"):
        submitted(draft, writer, ReviewerFactory(user=UserFactory(), credentials=""))
    article = submitted(draft, writer, profile)
    profile.credentials = " "
    profile.save()
    with pytest.raises(workflow.NotAllowed, match="no credentials"):
        workflow.approve(review=pending_review(article), by=reviewer)


def test_nobody_is_assigned_to_review_their_own_article(draft, writer):
    own_profile = ReviewerFactory(user=writer)
    with pytest.raises(workflow.InvalidInput, match="wrote this article"):
        submitted(draft, writer, own_profile)


def test_an_article_in_review_cannot_be_submitted_again(draft, writer, profile):
    submitted(draft, writer, profile)
    with pytest.raises(workflow.InvalidTransition, match="in review"):
        submitted(draft, writer, profile)
    assert ArticleRevision.objects.count() == 1


def test_withdraw_returns_the_article_to_draft_and_closes_its_reviews(draft, writer, profile):
    submitted(draft, writer, profile)
    assert workflow.withdraw(article=draft, by=writer).state == State.DRAFT
    assert pending_review(draft).decision == Review.Decision.SUPERSEDED


# Review ------------------------------------------------------------------------------------


def test_assigned_reviewer_approves_the_revision(draft, writer, reviewer, profile):
    article = approved(draft, writer, reviewer, profile)
    review = pending_review(draft)
    assert article.state == State.APPROVED
    assert review.decision == Review.Decision.APPROVED
    assert review.comment == "Accurate."
    assert review.decided_at is not None
    assert Transition.objects.filter(article=draft, action="approve", by=reviewer).exists()


@pytest.mark.parametrize("who", ["writer", "other_writer", "editor"])
def test_only_the_assigned_reviewer_may_review(draft, writer, profile, who, request):
    submitted(draft, writer, profile)
    with pytest.raises(workflow.NotAllowed, match="assigned"):
        workflow.approve(review=pending_review(draft), by=request.getfixturevalue(who))
    assert refreshed(draft).state == State.IN_REVIEW
    assert pending_review(draft).decision == Review.Decision.PENDING


def test_a_reviewer_not_assigned_to_the_revision_may_not_review(draft, writer, profile):
    other = UserFactory(group="Reviewers")
    ReviewerFactory(user=other)
    submitted(draft, writer, profile)
    with pytest.raises(workflow.NotAllowed):
        workflow.approve(review=pending_review(draft), by=other)


def test_an_inactive_reviewer_may_not_review(draft, writer, reviewer, profile):
    submitted(draft, writer, profile)
    profile.is_active = False
    profile.save()
    with pytest.raises(workflow.NotAllowed, match="inactive"):
        workflow.approve(review=pending_review(draft), by=reviewer)


def test_nobody_reviews_an_article_they_wrote(reviewer, profile, editor):
    own = ArticleFactory(author=reviewer)
    SectionFactory(article=own)
    revision = ArticleRevision.objects.create(
        article=own, number=1, snapshot=own.snapshot(), created_by=editor
    )
    Article.objects.filter(pk=own.pk).update(state=State.IN_REVIEW, current_revision=revision)
    review = Review.objects.create(revision=revision, reviewer=profile, assigned_by=editor)
    with pytest.raises(workflow.NotAllowed, match="wrote this article"):
        workflow.approve(review=review, by=reviewer)


def test_request_changes_needs_a_comment(draft, writer, reviewer, profile):
    submitted(draft, writer, profile)
    with pytest.raises(workflow.InvalidInput, match="comment is required"):
        workflow.request_changes(review=pending_review(draft), by=reviewer, comment="  ")
    article = workflow.request_changes(
        review=pending_review(draft), by=reviewer, comment="Cite a source for the cramps."
    )
    assert article.state == State.CHANGES_REQUESTED
    assert pending_review(draft).comment == "Cite a source for the cramps."


def test_a_decided_review_cannot_be_decided_again(draft, writer, reviewer, profile):
    approved(draft, writer, reviewer, profile)
    with pytest.raises(workflow.InvalidTransition, match="already closed"):
        workflow.request_changes(review=pending_review(draft), by=reviewer, comment="No.")
    assert refreshed(draft).state == State.APPROVED


def test_the_first_of_several_reviewers_to_decide_closes_the_others(draft, writer, reviewer):
    first = reviewer.reviewer_profile
    second_user = UserFactory(group="Reviewers")
    second = ReviewerFactory(user=second_user)
    workflow.submit(article=draft, by=writer, reviewers=[first, second])
    reviews = {r.reviewer: r for r in refreshed(draft).current_revision.reviews.all()}
    workflow.approve(review=reviews[first], by=reviewer)
    with pytest.raises(workflow.InvalidTransition, match="already closed"):
        workflow.request_changes(review=reviews[second], by=second_user, comment="Wait.")
    assert refreshed(draft).state == State.APPROVED


def test_resubmitting_after_changes_makes_a_new_revision_to_review(
    draft, writer, reviewer, profile
):
    submitted(draft, writer, profile)
    workflow.request_changes(review=pending_review(draft), by=reviewer, comment="Fix it.")
    edit(draft, writer, summary="A clearer summary.")
    article = submitted(draft, writer, profile)
    assert article.current_revision.number == 2
    assert article.current_revision.snapshot["summary"] == "A clearer summary."


# Edits -------------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["in_review", "approved", "changes_requested"])
def test_any_edit_after_submission_returns_the_article_to_draft(
    draft, writer, reviewer, profile, stage
):
    submitted(draft, writer, profile)
    if stage == "approved":
        workflow.approve(review=pending_review(draft), by=reviewer)
    if stage == "changes_requested":
        workflow.request_changes(review=pending_review(draft), by=reviewer, comment="Fix.")
    article = edit(draft, writer, title="Calf cramps at night")
    assert article.state == State.DRAFT
    assert Transition.objects.filter(article=draft, action="edit", from_state=stage).exists()


def test_an_edit_to_a_section_after_approval_voids_it(draft, writer, reviewer, profile):
    approved(draft, writer, reviewer, profile)
    section = draft.sections.first()
    section.body = "Changed advice."
    section.save()
    assert workflow.record_edit(article=draft, by=writer).state == State.DRAFT
    with pytest.raises(workflow.InvalidTransition, match="Only an approved article"):
        workflow.publish(article=draft, by=UserFactory(group="Editors"))


def test_saving_without_changes_keeps_the_approval(draft, writer, reviewer, profile):
    approved(draft, writer, reviewer, profile)
    assert edit(draft, writer).state == State.APPROVED


def test_approving_after_the_working_copy_changed_is_refused(draft, writer, reviewer, profile):
    submitted(draft, writer, profile)
    review = pending_review(draft)
    edit(draft, writer, intro="New intro.")
    with pytest.raises(workflow.InvalidTransition):
        workflow.approve(review=review, by=reviewer)
    assert refreshed(draft).state == State.DRAFT


def test_approval_is_refused_when_content_changed_without_record_edit(
    draft, writer, reviewer, profile
):
    submitted(draft, writer, profile)
    Article.objects.filter(pk=draft.pk).update(intro="Changed behind the workflow's back.")
    with pytest.raises(workflow.InvalidTransition, match="no longer matches"):
        workflow.approve(review=pending_review(draft), by=reviewer)


def test_only_the_author_or_an_editor_may_edit(draft, other_writer, editor):
    with pytest.raises(workflow.NotAllowed):
        workflow.begin_edit(article=draft, by=other_writer)
    assert workflow.begin_edit(article=draft, by=editor) == 2


def test_an_edit_based_on_an_old_version_is_refused(draft, writer):
    workflow.begin_edit(article=draft, by=writer, version=1)
    with pytest.raises(workflow.StaleVersion, match="Reload"):
        workflow.begin_edit(article=draft, by=writer, version=1)
    assert refreshed(draft).version == 2


# Publishing --------------------------------------------------------------------------------


def test_publishing_writes_the_approved_snapshot_with_its_reviewer(
    draft, writer, reviewer, editor, profile
):
    article = published(draft, writer, reviewer, editor, profile)
    live = PublishedArticle.objects.get(article=draft)
    approval = pending_review(draft)
    assert article.state == State.PUBLISHED
    assert live.revision == article.current_revision == article.live_revision
    assert live.approval == approval and live.reviewer == profile
    assert live.last_reviewed_at == approval.decided_at
    assert live.document["reviewer"]["byline"] == profile.byline
    assert live.document["last_reviewed_at"] == approval.decided_at.isoformat()
    assert [s["heading"] for s in live.document["sections"]] == ["Why they happen", "What helps"]
    assert "<strong>muscles</strong>" in live.document["sections"][0]["html"]
    assert [t["slug"] for t in live.document["tags"]] == ["leg-pain"]
    assert list(live.tags.values_list("slug", flat=True)) == ["leg-pain"]
    assert "Tired muscles" in live.search_text


@pytest.mark.parametrize("who", ["writer", "reviewer"])
def test_only_editors_publish(draft, writer, reviewer, profile, who, request):
    approved(draft, writer, reviewer, profile)
    with pytest.raises(workflow.NotAllowed, match="Only editors"):
        workflow.publish(article=draft, by=request.getfixturevalue(who))
    assert not PublishedArticle.objects.exists()
    assert refreshed(draft).state == State.APPROVED


@pytest.mark.parametrize("stage", ["draft", "in_review", "changes_requested"])
def test_only_an_approved_article_is_published(draft, writer, reviewer, editor, profile, stage):
    if stage != "draft":
        submitted(draft, writer, profile)
    if stage == "changes_requested":
        workflow.request_changes(review=pending_review(draft), by=reviewer, comment="Fix.")
    with pytest.raises(workflow.InvalidTransition, match="Only an approved article"):
        workflow.publish(article=draft, by=editor)
    assert not PublishedArticle.objects.exists()


def test_publishing_twice_is_refused(draft, writer, reviewer, editor, profile):
    published(draft, writer, reviewer, editor, profile)
    with pytest.raises(workflow.InvalidTransition):
        workflow.publish(article=draft, by=editor)


def test_editing_a_published_article_leaves_readers_with_the_approved_version(
    draft, writer, reviewer, editor, profile
):
    published(draft, writer, reviewer, editor, profile)
    before = PublishedArticle.objects.get(article=draft).document
    article = edit(draft, writer, title="Unreviewed new title")
    live = PublishedArticle.objects.get(article=draft)
    assert article.state == State.DRAFT
    assert live.document == before
    assert live.title == "Calf cramps"
    assert article.live_revision_id == live.revision_id


def test_a_new_approved_revision_replaces_the_live_one(draft, writer, reviewer, editor, profile):
    published(draft, writer, reviewer, editor, profile)
    first = PublishedArticle.objects.get(article=draft)
    edit(draft, writer, title="Calf cramps: what helps")
    published(draft, writer, reviewer, editor, profile)
    live = PublishedArticle.objects.get(article=draft)
    assert live.title == live.document["title"] == "Calf cramps: what helps"
    assert live.revision.number == 2
    assert live.published_at == first.published_at
    assert live.updated_at > first.updated_at


def test_scheduled_publishing_happens_when_due_and_once(draft, writer, reviewer, editor, profile):
    approved(draft, writer, reviewer, profile)
    at = timezone.now() + datetime.timedelta(hours=2)
    article = workflow.publish(article=draft, by=editor, at=at)
    assert (article.state, article.publish_at) == (State.SCHEDULED, at)
    assert workflow.publish_due() == 0
    assert not PublishedArticle.objects.exists()
    later = at + datetime.timedelta(minutes=1)
    assert workflow.publish_due(now=later) == 1
    assert workflow.publish_due(now=later) == 0
    assert refreshed(draft).state == State.PUBLISHED
    assert PublishedArticle.objects.filter(article=draft).count() == 1
    assert Transition.objects.get(article=draft, action="publish_due").by == editor


def test_an_edit_cancels_a_schedule(draft, writer, reviewer, editor, profile):
    approved(draft, writer, reviewer, profile)
    workflow.publish(article=draft, by=editor, at=timezone.now() + datetime.timedelta(hours=1))
    article = edit(draft, writer, summary="Changed.")
    assert (article.state, article.publish_at) == (State.DRAFT, None)
    assert workflow.publish_due(now=timezone.now() + datetime.timedelta(days=1)) == 0


def test_a_scheduled_article_can_be_published_now(draft, writer, reviewer, editor, profile):
    approved(draft, writer, reviewer, profile)
    workflow.publish(article=draft, by=editor, at=timezone.now() + datetime.timedelta(hours=1))
    assert workflow.publish(article=draft, by=editor).state == State.PUBLISHED


# Unpublishing and what depends on it -------------------------------------------------------


@pytest.fixture
def linked_pair(draft, writer, reviewer, editor, profile):
    """Two live articles: "guide" links to "calf-cramps" inline and as a related topic."""
    published(draft, writer, reviewer, editor, profile)
    guide = ArticleFactory(author=writer, slug="guide", title="Leg guide")
    SectionFactory(
        article=guide, heading="Cramps", body="See [cramps](article:calf-cramps#what-helps)."
    )
    RelatedTopicFactory(from_article=guide, to_article=draft, blurb="")
    published(guide, writer, reviewer, editor, profile)
    return draft, guide


def test_live_documents_resolve_links_and_cards_to_live_articles(linked_pair):
    _, guide = linked_pair
    document = PublishedArticle.objects.get(article=guide).document
    assert (
        'href="https://health.example/articles/calf-cramps/#what-helps"'
        in (document["sections"][0]["html"])
    )
    assert document["related_topics"] == [
        {
            "slug": "calf-cramps",
            "title": "Calf cramps",
            "summary": "A short summary of the article.",
            "url": "https://health.example/articles/calf-cramps/",
        }
    ]


def test_unpublishing_removes_the_article_and_rerenders_what_links_to_it(
    linked_pair, editor, django_capture_on_commit_callbacks
):
    cramps, guide = linked_pair
    with django_capture_on_commit_callbacks(execute=True):
        article = workflow.unpublish(article=cramps, by=editor, comment="Outdated advice.")
    assert article.state == State.ARCHIVED
    assert article.live_revision is None
    assert not PublishedArticle.objects.filter(article=cramps).exists()
    document = PublishedArticle.objects.get(article=guide).document
    assert document["related_topics"] == []
    assert "calf-cramps" not in document["sections"][0]["html"]
    assert "See cramps." in document["sections"][0]["html"]
    transition = Transition.objects.get(article=cramps, action="unpublish")
    assert (transition.to_state, transition.comment) == (State.ARCHIVED, "Outdated advice.")


def test_republishing_brings_the_links_back(linked_pair, writer, reviewer, editor, profile):
    cramps, guide = linked_pair
    workflow.unpublish(article=cramps, by=editor)
    published(cramps, writer, reviewer, editor, profile)
    assert len(PublishedArticle.objects.get(article=guide).document["related_topics"]) == 1


def test_only_editors_unpublish_and_only_live_articles(linked_pair, writer, editor, draft):
    with pytest.raises(workflow.NotAllowed):
        workflow.unpublish(article=draft, by=writer)
    workflow.unpublish(article=draft, by=editor)
    with pytest.raises(workflow.InvalidTransition, match="not live"):
        workflow.unpublish(article=draft, by=editor)


def test_links_to_unpublished_articles_are_dropped_from_live_documents(
    draft, writer, reviewer, editor, profile
):
    ArticleFactory(slug="knee-pain")  # exists, but is not live
    SectionFactory(article=draft, heading="Knees", body="Read [knee pain](article:knee-pain).")
    published(draft, writer, reviewer, editor, profile)
    html = PublishedArticle.objects.get(article=draft).document["sections"][2]["html"]
    assert html.strip() == "<p>Read knee pain.</p>"


# Review expiry -----------------------------------------------------------------------------


def test_next_review_is_due_one_interval_after_the_approval(
    draft, writer, reviewer, editor, profile
):
    draft.review_interval_months = 6
    draft.save()
    published(draft, writer, reviewer, editor, profile)
    live = PublishedArticle.objects.get(article=draft)
    assert live.next_review_due == add_months(live.last_reviewed_at.date(), 6)
    assert live.document["next_review_due"] == live.next_review_due.isoformat()
    assert not PublishedArticle.objects.review_overdue().exists()
    later = live.next_review_due + datetime.timedelta(days=1)
    assert list(PublishedArticle.objects.review_overdue(today=later)) == [live]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 11, 27), 12, datetime.date(2027, 11, 27)),
        (datetime.date(2026, 12, 15), 1, datetime.date(2027, 1, 15)),
        (datetime.date(2026, 3, 31), 18, datetime.date(2027, 9, 30)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


# The record cannot be rewritten ------------------------------------------------------------


def test_revisions_reviews_and_transitions_cannot_be_changed(draft, writer, reviewer, profile):
    approved(draft, writer, reviewer, profile)
    revision = refreshed(draft).current_revision
    revision.snapshot["title"] = "Forged"
    with pytest.raises(ImmutableRowError):
        revision.save()
    review = pending_review(draft)
    review.comment = "Forged"
    with pytest.raises(ImmutableRowError):
        review.save()
    transition = Transition.objects.filter(article=draft).first()
    with pytest.raises(ImmutableRowError):
        transition.save()


def test_one_scheduled_article_that_cannot_go_live_does_not_stop_the_others(
    writer, reviewer, editor, profile, caplog
):
    at = timezone.now() + datetime.timedelta(hours=1)
    articles = []
    for slug in ["first", "second"]:
        article = ArticleFactory(author=writer, slug=slug)
        SectionFactory(article=article)
        approved(article, writer, reviewer, profile)
        workflow.publish(article=article, by=editor, at=at)
        articles.append(article)
    # The first one's content changed behind the workflow's back: its approval no longer holds.
    Article.objects.filter(pk=articles[0].pk).update(intro="Unreviewed.")
    assert workflow.publish_due(now=at + datetime.timedelta(minutes=1)) == 1
    assert refreshed(articles[1]).state == State.PUBLISHED
    # Taken off the schedule, with the reason in its history, rather than retried forever.
    assert refreshed(articles[0]).state == State.APPROVED
    failed = Transition.objects.filter(article=articles[0]).first()
    assert failed.action == "publish_failed"
    assert "working copy changed" in failed.comment
    assert "was not published" in caplog.text


def test_publishing_under_a_slug_another_live_article_still_uses_is_refused(
    writer, reviewer, editor, profile
):
    first = ArticleFactory(author=writer, slug="knee-pain", title="Knee pain, first")
    SectionFactory(article=first)
    approved(first, writer, reviewer, profile)
    workflow.publish(article=first, by=editor)
    # The first article's working copy moves to a new slug; the old one is still live.
    edit(first, writer, slug="knee-pain-old")
    second = ArticleFactory(author=writer, slug="knee-pain", title="Knee pain, second")
    SectionFactory(article=second)
    approved(second, writer, reviewer, profile)
    with pytest.raises(workflow.InvalidTransition, match="Another live article"):
        workflow.publish(article=second, by=editor)
    assert PublishedArticle.objects.get(slug="knee-pain").article_id == first.pk


def test_a_slug_that_still_redirects_to_another_article_cannot_be_taken(
    writer, reviewer, editor, profile
):
    """Links and bookmarks to a renamed article's old slug must not start showing another."""
    first = ArticleFactory(author=writer, slug="knee-pain", title="Knee pain, first")
    SectionFactory(article=first)
    approved(first, writer, reviewer, profile)
    workflow.publish(article=first, by=editor)
    renamed = edit(Article.objects.get(pk=first.pk), writer, slug="knee-pain-explained")
    approved(renamed, writer, reviewer, profile)
    workflow.publish(article=Article.objects.get(pk=first.pk), by=editor)
    second = ArticleFactory(author=writer, slug="knee-pain", title="Knee pain, second")
    SectionFactory(article=second)
    approved(second, writer, reviewer, profile)
    with pytest.raises(workflow.InvalidTransition, match="still leads readers"):
        workflow.publish(article=second, by=editor)
    assert not PublishedArticle.objects.filter(article=second).exists()
    # The renamed article itself may take its old slug back.
    edit(Article.objects.get(pk=second.pk), writer, slug="knee-pain-second")
    back = edit(Article.objects.get(pk=first.pk), writer, slug="knee-pain")
    approved(back, writer, reviewer, profile)
    workflow.publish(article=Article.objects.get(pk=first.pk), by=editor)
    assert PublishedArticle.objects.get(article=first).slug == "knee-pain"
