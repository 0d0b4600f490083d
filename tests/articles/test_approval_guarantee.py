"""The approval guarantee, point by point: no sentence reaches a reader unless a credentialed
reviewer who had no hand in it approved exactly that text, and what readers see changes only
when the workflow says so, before the move returns."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles import workflow
from articles.models import Article, ArticleRevision, PublishedArticle, Review, Transition
from tests.factories import (
    ArticleFactory,
    ReferenceFactory,
    RelatedTopicFactory,
    ReviewerFactory,
    SectionFactory,
    TagFactory,
    UserFactory,
    edit,
    stored_image,
)

pytestmark = pytest.mark.django_db
State = Article.State
ARTICLES = "/api/v1/editorial/articles/"
REVIEWS = "/api/v1/editorial/reviews/"
PUBLIC = "/api/v1/articles/"
# A task backend that never runs what is queued: anything readers need must not wait for it.
NEVER_RUN = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def client_for(user):
    client = APIClient()
    client.default_format = "json"  # the editorial API speaks JSON only
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def public(slug):
    return APIClient().get(f"{PUBLIC}{slug}/")


def pending_review(article, reviewer_user=None):
    reviews = Review.objects.filter(
        revision=Article.objects.get(pk=article.pk).current_revision, decision="pending"
    )
    if reviewer_user is not None:
        reviews = reviews.filter(reviewer__user=reviewer_user)
    return reviews.get()


# 1. The review page with a hero image ---------------------------------------------------------


def test_review_and_diff_pages_show_an_article_with_a_hero_image(client, writer, reviewer, live):
    image = stored_image(alt="A runner holding her hip", credit="Photo: Demo Studio")
    live = edit(live, writer, hero_image=image)
    workflow.submit(article=live, by=writer, reviewers=[reviewer.reviewer_profile])
    review = pending_review(live)
    client.force_login(reviewer)
    page = client.get(reverse("admin:articles_review_decide", args=[review.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'alt="A runner holding her hip"' in html
    assert "Photo: Demo Studio" in html
    client.force_login(writer)
    diff = client.get(reverse("admin:articles_article_diff", args=[live.pk]))
    assert diff.status_code == 200
    assert 'alt="A runner holding her hip"' in diff.content.decode()  # the image, after


def test_a_heavily_rewritten_section_is_compared_as_a_list_not_paired_line_by_line(
    client, writer, reviewer, live
):
    """Pairing every rewritten line with every other took 50 s for 400 lines: a writer could
    make their article impossible to review, and hold a server worker meanwhile."""
    before = "\n".join(f"Line {n}: rest the leg and <b>ice</b> it." for n in range(400))
    SectionFactory(article=live, heading="Long", body=before)
    live = edit(live, writer, intro="Changed.")
    workflow.submit(article=live, by=writer, reviewers=[reviewer.reviewer_profile])
    workflow.approve(review=pending_review(live), by=reviewer)
    workflow.publish(article=Article.objects.get(pk=live.pk), by=UserFactory(group="Editors"))
    section = Article.objects.get(pk=live.pk).sections.get(heading="Long")
    section.body = before.replace("leg", "knee").replace("ice", "heat")
    section.save()
    client.force_login(writer)
    html = client.get(reverse("admin:articles_article_diff", args=[live.pk])).content.decode()
    # Too many words to pair up in reasonable time: the block is shown removed and added whole.
    assert "<del>Line 0: rest the leg and &lt;b&gt;ice&lt;/b&gt; it." in html
    assert "<ins>Line 0: rest the knee and &lt;b&gt;heat&lt;/b&gt; it." in html
    assert "<b>heat</b>" not in html


# 2. Separation of duties ----------------------------------------------------------------------


def test_an_editor_reviewer_cannot_submit_their_own_edit_of_someone_elses_article_to_themselves(
    editor_reviewer, live
):
    api = client_for(editor_reviewer)
    version = api.get(f"{ARTICLES}{live.pk}/").data["version"]
    changed = api.patch(
        f"{ARTICLES}{live.pk}/", {"intro": "My own unreviewed claim.", "version": version}
    )
    assert changed.status_code == 200
    response = api.post(f"{ARTICLES}{live.pk}/submit/", {"reviewers": ["sam-both"]}, format="json")
    assert response.status_code == 400
    assert "changed this article since it was last approved" in response.data["detail"]
    assert Article.objects.get(pk=live.pk).state == State.DRAFT
    assert "My own unreviewed claim" not in public("hip-pain").content.decode()


def test_nobody_approves_a_revision_holding_a_change_they_made(
    client, writer, reviewer, editor_reviewer, live
):
    edit(live, editor_reviewer, intro="A change by the editor-reviewer.")
    workflow.submit(article=live, by=writer, reviewers=[reviewer.reviewer_profile])
    revision = Article.objects.get(pk=live.pk).current_revision
    # Assigned behind the submit check's back, as an older version of the product allowed.
    review = Review.objects.create(
        revision=revision, reviewer=editor_reviewer.reviewer_profile, assigned_by=writer
    )
    response = client_for(editor_reviewer).post(f"{REVIEWS}{review.pk}/approve/", {})
    assert response.status_code == 403
    assert "You changed this article" in response.data["detail"]
    assert Review.objects.get(pk=review.pk).decision == "pending"
    # The review page says so before they try, and offers no buttons.
    client.force_login(editor_reviewer)
    html = client.get(reverse("admin:articles_review_decide", args=[review.pk])).content.decode()
    assert "You changed this article since it was last approved" in html
    assert 'name="approve"' not in html


def test_changes_before_the_last_approval_do_not_bar_a_reviewer(
    writer, reviewer, editor, editor_reviewer, live, publish
):
    edit(live, editor_reviewer, intro="Reviewed by someone else.")
    publish(Article.objects.get(pk=live.pk))
    edit(Article.objects.get(pk=live.pk), writer, intro="The writer's newer change.")
    article = workflow.submit(
        article=Article.objects.get(pk=live.pk),
        by=writer,
        reviewers=[editor_reviewer.reviewer_profile],
    )
    workflow.approve(review=pending_review(article), by=editor_reviewer)
    assert Article.objects.get(pk=live.pk).state == State.APPROVED


def test_the_submit_form_offers_no_reviewer_who_changed_the_article(
    client, writer, editor_reviewer, live
):
    edit(live, editor_reviewer, intro="A change by the editor-reviewer.")
    client.force_login(writer)
    url = reverse("admin:articles_article_move", args=[live.pk, "submit"])
    assert "Sam Both" not in client.get(url).content.decode()


def test_saving_without_a_change_is_not_a_contribution(writer, editor_reviewer, live):
    edit(live, editor_reviewer)
    assert editor_reviewer.pk not in workflow.contributors(live)
    edit(live, editor_reviewer, summary="Now a real change.")
    assert editor_reviewer.pk in workflow.contributors(live)


# 3. The approval is re-checked at publish time -------------------------------------------------


@pytest.fixture
def approved_article(writer, reviewer):
    article = ArticleFactory(author=writer, slug="knee-pain")
    SectionFactory(article=article)
    article = workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    workflow.approve(review=pending_review(article), by=reviewer, comment="Fine.")
    return article


@pytest.mark.parametrize(
    "lapse, reason",
    [
        ({"is_active": False}, "no longer an active reviewer"),
        ({"user": None}, "no longer linked to a user account"),
    ],
)
def test_an_approval_whose_reviewer_lapsed_cannot_be_published(
    editor, reviewer, approved_article, lapse, reason
):
    profile = reviewer.reviewer_profile
    for name, value in lapse.items():
        setattr(profile, name, value)
    profile.save()
    response = client_for(editor).post(f"{ARTICLES}{approved_article.pk}/publish/", {})
    assert response.status_code == 409
    assert reason in response.data["detail"]
    assert not PublishedArticle.objects.filter(article=approved_article).exists()


def test_an_approval_is_not_transferred_to_whoever_the_profile_is_linked_to_next(
    editor, reviewer, approved_article
):
    profile = reviewer.reviewer_profile
    profile.user = UserFactory(username="someone-else", group="Reviewers")
    profile.save()
    response = client_for(editor).post(f"{ARTICLES}{approved_article.pk}/publish/", {})
    assert response.status_code == 409
    assert "different user account" in response.data["detail"]


def test_scheduled_publishing_rechecks_the_approval_and_records_why_it_did_not_publish(
    editor, reviewer, approved_article
):
    at = timezone.now() + datetime.timedelta(hours=1)
    workflow.publish(article=approved_article, by=editor, at=at)
    profile = reviewer.reviewer_profile
    profile.is_active = False
    profile.save()
    assert workflow.publish_due(now=at + datetime.timedelta(minutes=1)) == 0
    article = Article.objects.get(pk=approved_article.pk)
    assert article.state == State.APPROVED and article.publish_at is None
    failed = Transition.objects.filter(article=article).first()
    assert failed.action == "publish_failed"
    assert "no longer an active reviewer" in failed.comment
    assert not PublishedArticle.objects.filter(article=article).exists()


# 4. Moves reach every reader before the call returns -------------------------------------------


@pytest.fixture
def linked_pair(writer, publish):
    """`hip-pain` live, and `running` live naming it as a related topic and inline link."""
    target = ArticleFactory(author=writer, slug="hip-pain", title="Hip pain")
    SectionFactory(article=target, heading="Outside hip pain", anchor="outside-hip-pain")
    publish(target)
    source = ArticleFactory(author=writer, slug="running", title="Running")
    SectionFactory(
        article=source, body="See [hip pain](article:hip-pain#outside-hip-pain) for more."
    )
    RelatedTopicFactory(from_article=source, to_article=target)
    publish(source)
    document = public("running").json()
    assert [card["slug"] for card in document["related_topics"]] == ["hip-pain"]
    return target, source


def test_after_unpublish_returns_no_reader_sees_its_card_even_if_no_task_ever_runs(
    settings, editor, linked_pair
):
    settings.TASKS = NEVER_RUN
    target, _ = linked_pair
    response = client_for(editor).post(
        f"{ARTICLES}{target.pk}/unpublish/", {"comment": "Outdated."}
    )
    assert response.status_code == 200
    for _ in range(20):
        document = public("running").json()
        assert document["related_topics"] == []
        assert "/articles/hip-pain/" not in document["sections"][0]["html"]


def test_after_a_rename_is_published_cards_and_inline_links_follow_the_new_slug(
    settings, writer, reviewer, editor, linked_pair
):
    settings.TASKS = NEVER_RUN
    target, _ = linked_pair
    writer_api = client_for(writer)
    version = writer_api.get(f"{ARTICLES}{target.pk}/").data["version"]
    renamed = writer_api.patch(
        f"{ARTICLES}{target.pk}/", {"slug": "hip-pain-explained", "version": version}
    )
    assert renamed.status_code == 200
    writer_api.post(f"{ARTICLES}{target.pk}/submit/", {"reviewers": ["jane-roe"]}, format="json")
    review = pending_review(target)
    assert client_for(reviewer).post(f"{REVIEWS}{review.pk}/approve/", {}).status_code == 200
    assert client_for(editor).post(f"{ARTICLES}{target.pk}/publish/", {}).status_code == 200

    document = public("running").json()
    card = document["related_topics"][0]
    assert card["slug"] == "hip-pain-explained"
    assert card["url"].endswith("/articles/hip-pain-explained/")
    assert "/articles/hip-pain-explained/#outside-hip-pain" in document["sections"][0]["html"]
    old = public("hip-pain")
    assert old.status_code == 301
    assert old["Location"].endswith("/api/v1/articles/hip-pain-explained/")


def test_a_second_rename_still_reaches_articles_that_named_the_first_slug(
    writer, editor, linked_pair, publish
):
    target, _ = linked_pair
    for slug in ("hip-pain-2", "hip-pain-3"):
        publish(edit(Article.objects.get(pk=target.pk), writer, slug=slug))
    card = public("running").json()["related_topics"][0]
    assert card["slug"] == "hip-pain-3"


def test_a_link_by_a_retired_slug_is_not_reported_broken_to_the_writer(
    writer, linked_pair, publish
):
    target, source = linked_pair
    publish(edit(Article.objects.get(pk=target.pk), writer, slug="hip-pain-explained"))
    assert Article.objects.get(pk=source.pk).link_problems() == []
    html = Article.objects.get(pk=source.pk).render().sections[0].html
    assert "/articles/hip-pain-explained/#outside-hip-pain" in html


def test_renaming_a_related_article_changes_nothing_another_article_has_under_review(
    writer, reviewer, editor, second_reviewer, linked_pair, publish
):
    target, source = linked_pair
    source = workflow.submit(
        article=edit(Article.objects.get(pk=source.pk), writer, summary="Updated."),
        by=writer,
        reviewers=[reviewer.reviewer_profile],
    )
    publish(edit(Article.objects.get(pk=target.pk), writer, slug="hip-pain-explained"))
    # The revision in review still covers the working copy: it can be approved and published.
    workflow.approve(review=pending_review(source), by=reviewer)
    workflow.publish(article=Article.objects.get(pk=source.pk), by=editor)
    assert public("running").json()["related_topics"][0]["slug"] == "hip-pain-explained"
    # And a live article naming it can still be re-certified unchanged.
    assert recertify(writer, source).status_code == 200


def test_a_revision_naming_related_topics_by_slug_still_covers_its_working_copy(
    writer, reviewer, editor, linked_pair
):
    """Revisions recorded before related topics were named by article keep working."""
    _, source = linked_pair
    source = Article.objects.get(pk=source.pk)
    old_style = ArticleRevision.objects.create(
        article=source,
        number=99,
        snapshot=source.snapshot(related_by_slug=True),
        created_by=writer,
    )
    assert old_style.snapshot["related_topics"][0]["slug"] == "hip-pain"
    review = Review.objects.create(
        revision=old_style, reviewer=reviewer.reviewer_profile, assigned_by=writer
    )
    Article.objects.filter(pk=source.pk).update(state=State.IN_REVIEW, current_revision=old_style)
    assert edit(Article.objects.get(pk=source.pk), writer).state == State.IN_REVIEW
    workflow.approve(review=review, by=reviewer)
    workflow.publish(article=Article.objects.get(pk=source.pk), by=editor)
    document = public("running").json()
    assert document["revision"] == 99
    assert [card["slug"] for card in document["related_topics"]] == ["hip-pain"]


# 5. Images cannot change a reviewed document ---------------------------------------------------


def test_an_image_submitted_through_the_api_is_locked_and_the_live_document_keeps_it(
    client, writer, other_writer, editor, live, publish, tiny_png
):
    api = client_for(writer)
    upload = api.post(
        "/api/v1/editorial/images/",
        {"file": tiny_png, "alt": "A swollen hip", "focal_x": 0.2, "focal_y": 0.8},
        format="multipart",
    )
    assert upload.status_code == 201 and upload.data["locked_at"] is None
    image_id = upload.data["id"]
    version = api.get(f"{ARTICLES}{live.pk}/").data["version"]
    assert api.patch(f"{ARTICLES}{live.pk}/", {"hero_image": image_id, "version": version})
    publish(Article.objects.get(pk=live.pk))
    assert api.get(f"/api/v1/editorial/images/{image_id}/").data["locked_at"] is not None
    before = public("hip-pain").json()["hero_image"]

    # Neither another writer nor an editor changes it in place in the admin.
    change = reverse("admin:images_image_change", args=[image_id])
    for user in (other_writer, editor):
        client.force_login(user)
        client.post(change, {"alt": "Changed", "credit": "", "focal_x": 0.5, "focal_y": 0.5})
    article = Article.objects.get(pk=live.pk)
    assert article.state == State.PUBLISHED  # its content hash did not move
    assert public("hip-pain").json()["hero_image"] == before
    assert before["alt"] == "A swollen hip" and before["focal_point"] == {"x": 0.2, "y": 0.8}


# 6. Re-certification without an edit ------------------------------------------------------------


@pytest.fixture
def overdue(live):
    PublishedArticle.objects.filter(article=live).update(
        next_review_due=timezone.localdate() - datetime.timedelta(days=3)
    )
    return live


def recertify(user, article, reviewers=("ada-poe",)):
    return client_for(user).post(
        f"{ARTICLES}{article.pk}/recertify/", {"reviewers": list(reviewers)}, format="json"
    )


def test_recertifying_moves_the_review_dates_without_a_new_revision(
    writer, second_reviewer, overdue
):
    before = public("hip-pain").json()
    revisions = ArticleRevision.objects.filter(article=overdue).count()
    response = recertify(writer, overdue)
    assert response.status_code == 200
    assert response.data["state"] == State.IN_REVIEW
    review = pending_review(overdue)
    assert review.kind == Review.Kind.RECERTIFICATION
    assert public("hip-pain").json()["last_reviewed_at"] == before["last_reviewed_at"]

    approved = client_for(second_reviewer).post(f"{REVIEWS}{review.pk}/approve/", {})
    assert approved.status_code == 200
    after = public("hip-pain").json()
    assert after["revision"] == before["revision"]
    assert after["last_reviewed_at"] > before["last_reviewed_at"]
    assert after["next_review_due"] > timezone.localdate().isoformat()
    assert after["review_overdue"] is False
    assert after["reviewer"]["slug"] == "ada-poe"
    assert after["json_ld"]["lastReviewed"] == after["last_reviewed_at"][:10]
    assert ArticleRevision.objects.filter(article=overdue).count() == revisions
    article = Article.objects.get(pk=overdue.pk)
    assert article.state == State.PUBLISHED
    assert [t.action for t in Transition.objects.filter(article=article)[:2]] == [
        "recertified",
        "recertify",
    ]


def test_changes_requested_on_a_recertification_keep_the_live_version_up(
    writer, second_reviewer, overdue
):
    recertify(writer, overdue)
    review = pending_review(overdue)
    response = client_for(second_reviewer).post(
        f"{REVIEWS}{review.pk}/request-changes/", {"comment": "Guidance changed in 2026."}
    )
    assert response.status_code == 200
    article = Article.objects.get(pk=overdue.pk)
    assert article.state == State.CHANGES_REQUESTED
    assert article.live_revision_id is not None
    assert public("hip-pain").status_code == 200
    assert Transition.objects.filter(article=article).first().comment == (
        "Guidance changed in 2026."
    )


@pytest.mark.parametrize("who", ["other_writer", "reviewer"])
def test_only_the_author_and_editors_may_recertify(who, request, second_reviewer, overdue):
    response = recertify(request.getfixturevalue(who), overdue)
    assert response.status_code in (403, 404)
    assert Article.objects.get(pk=overdue.pk).state == State.PUBLISHED


def test_an_editor_may_recertify(editor, second_reviewer, overdue):
    assert recertify(editor, overdue).status_code == 200


def test_recertify_refuses_an_article_whose_working_copy_changed(writer, second_reviewer, overdue):
    edit(overdue, writer, intro="Not yet reviewed.")
    response = recertify(writer, overdue)
    assert response.status_code == 409
    assert "submit it for review instead" in response.data["detail"]


def test_recertify_refuses_an_article_that_is_not_live(writer, second_reviewer):
    draft = ArticleFactory(author=writer)
    response = recertify(writer, draft)
    assert response.status_code == 409


def test_recertify_refuses_bad_input_and_anonymous_callers(writer, second_reviewer, overdue):
    assert recertify(writer, overdue, reviewers=()).status_code == 400
    assert recertify(writer, overdue, reviewers=("nobody",)).status_code == 400
    anonymous = APIClient().post(f"{ARTICLES}{overdue.pk}/recertify/", {"reviewers": ["ada-poe"]})
    assert anonymous.status_code in (401, 403)


def test_the_admin_offers_recertification_on_the_overdue_list_and_runs_it(
    client, editor, second_reviewer, overdue
):
    client.force_login(editor)
    listing = client.get(reverse("admin:articles_article_changelist") + "?review_due=overdue")
    move = reverse("admin:articles_article_move", args=[overdue.pk, "recertify"])
    assert move in listing.content.decode()
    profile = second_reviewer.reviewer_profile
    response = client.post(move, {"reviewers": [profile.pk], "comment": "Due."})
    assert response.status_code == 302
    assert Article.objects.get(pk=overdue.pk).state == State.IN_REVIEW
    assert pending_review(overdue).kind == Review.Kind.RECERTIFICATION


# 7. The reviewer approves what readers will see -----------------------------------------------


def test_the_review_page_renders_the_whole_document_as_publishing_does(
    client, writer, reviewer, publish
):
    tag = TagFactory(name="Hip Pain", slug="hip-pain-tag")
    related = ArticleFactory(author=writer, slug="thigh-pain", title="Thigh pain")
    SectionFactory(article=related)
    publish(related)
    not_live = ArticleFactory(author=writer, slug="secret-draft", title="Secret draft")
    article = ArticleFactory(
        author=writer,
        slug="knee",
        disclaimer="Ask your doctor first.",
        hero_image=stored_image(alt="A bent knee"),
    )
    article.tags.add(tag)
    SectionFactory(
        article=article,
        body="See [the draft](article:secret-draft) and [thigh pain](article:thigh-pain).",
    )
    RelatedTopicFactory(from_article=article, to_article=related, blurb="When the thigh aches.")
    RelatedTopicFactory(from_article=article, to_article=not_live)
    ReferenceFactory(article=article, label="Knee pain overview")
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    client.force_login(reviewer)
    review = pending_review(article)
    html = client.get(reverse("admin:articles_review_decide", args=[review.pk])).content.decode()
    assert 'alt="A bent knee"' in html
    assert "Hip Pain" in html
    assert "When the thigh aches." in html  # the related card of a live article
    assert "Knee pain overview" in html
    assert "Ask your doctor first." in html
    assert "https://health.example/articles/thigh-pain/" in html
    # A link to an article that is not live reads as plain text, as readers will see it.
    assert "https://health.example/articles/secret-draft/" not in html
    assert "the draft" in html


# Found by attacking the above ---------------------------------------------------------------


def test_unpublishing_during_a_recertification_closes_it(writer, editor, second_reviewer, overdue):
    recertify(writer, overdue)
    review = pending_review(overdue)
    response = client_for(editor).post(f"{ARTICLES}{overdue.pk}/unpublish/", {"comment": "Old."})
    assert response.status_code == 200
    assert Article.objects.get(pk=overdue.pk).state == State.ARCHIVED
    assert Review.objects.get(pk=review.pk).decision == "superseded"
    approved = client_for(second_reviewer).post(f"{REVIEWS}{review.pk}/approve/", {})
    assert approved.status_code == 409


def test_a_scheduled_article_does_not_go_live_once_its_scheduler_cannot_publish(
    editor, approved_article
):
    at = timezone.now() + datetime.timedelta(hours=1)
    workflow.publish(article=approved_article, by=editor, at=at)
    editor.is_active = False
    editor.save()
    assert workflow.publish_due(now=at + datetime.timedelta(minutes=1)) == 0
    failed = Transition.objects.filter(article=approved_article).first()
    assert failed.action == "publish_failed"
    assert "can no longer publish" in failed.comment


def test_bad_revision_numbers_are_client_errors(client, writer, live):
    client.force_login(writer)
    diff = reverse("admin:articles_article_diff", args=[live.pk])
    for number in ("abc", "-1", "99999999999999999999"):
        assert client.get(f"{diff}?revision={number}").status_code == 404
    token = client_for(writer).post(
        f"{ARTICLES}{live.pk}/preview-token/", {"revision": 10**20}, format="json"
    )
    assert token.status_code == 400


def test_whoever_worded_a_new_hero_image_cannot_review_the_article_showing_it(
    client, writer, editor_reviewer, live
):
    """Alt text is read to readers who cannot see the image: it is part of the reviewed text."""
    image = stored_image(alt="A runner's hip", uploaded_by=writer)
    client.force_login(editor_reviewer)
    change = reverse("admin:images_image_change", args=[image.pk])
    data = {"alt": "Take 5,000 mg a day", "credit": "", "focal_x": "", "focal_y": ""}
    assert client.post(change, data).status_code == 302
    live = edit(live, writer, hero_image=image)
    response = client_for(writer).post(
        f"{ARTICLES}{live.pk}/submit/", {"reviewers": ["sam-both"]}, format="json"
    )
    assert response.status_code == 400
    assert "changed this article since it was last approved" in response.data["detail"]


def test_an_image_uploaded_by_a_reviewer_keeps_them_from_reviewing_it(writer, live):
    uploader = UserFactory(username="wr-rev", group="Writers")
    ReviewerFactory(user=uploader, slug="wr-rev")
    live = edit(live, writer, hero_image=stored_image(alt="Hip", uploaded_by=uploader))
    with pytest.raises(workflow.InvalidInput, match="changed this article"):
        workflow.submit(article=live, by=writer, reviewers=[uploader.reviewer_profile])


def test_a_lapsed_approval_does_not_clear_the_changes_made_before_it(
    writer, reviewer, editor_reviewer, second_reviewer, live
):
    live = edit(live, editor_reviewer, intro="Text by the editor-reviewer.")
    article = workflow.submit(article=live, by=writer, reviewers=[second_reviewer.reviewer_profile])
    workflow.approve(review=pending_review(article), by=second_reviewer)
    profile = second_reviewer.reviewer_profile
    profile.is_active = False
    profile.save()
    article = edit(Article.objects.get(pk=live.pk), writer, summary="A trivial change.")
    with pytest.raises(workflow.InvalidInput, match="changed this article"):
        workflow.submit(article=article, by=writer, reviewers=[editor_reviewer.reviewer_profile])


def test_a_reviewer_reading_an_article_is_not_offered_a_preview_of_unsaved_changes(
    client, writer, reviewer
):
    draft = ArticleFactory(author=writer)
    SectionFactory(article=draft)
    workflow.submit(article=draft, by=writer, reviewers=[reviewer.reviewer_profile])
    client.force_login(reviewer)
    html = client.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    assert "Preview unsaved changes" not in html  # it answered 403 for a read-only form
    assert "Changes since live" not in html  # nothing of it is live
    client.force_login(writer)
    html = client.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    assert "Preview unsaved changes" in html
