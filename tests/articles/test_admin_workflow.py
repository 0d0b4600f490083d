"""The workflow as writers, reviewers and editors drive it from the admin."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, PublishedArticle, Review
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db
State = Article.State


@pytest.fixture
def article(writer):
    article = ArticleFactory(author=writer, slug="calf-cramps", title="Calf cramps")
    SectionFactory(article=article, heading="What helps", body="Stretch the **calf**.")
    return article


def move_url(article, move):
    return reverse("admin:articles_article_move", args=[article.pk, move])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def as_user(client, user):
    client.force_login(user)
    return client


def state_of(article):
    return Article.objects.get(pk=article.pk).state


def test_the_author_sees_only_the_moves_the_workflow_allows_now(client, article, writer, reviewer):
    html = as_user(client, writer).get(change_url(article)).content.decode()
    assert move_url(article, "submit") in html
    assert move_url(article, "withdraw") not in html
    assert move_url(article, "publish") not in html
    submit(article, writer, reviewer)
    html = client.get(change_url(article)).content.decode()
    assert move_url(article, "withdraw") in html
    assert move_url(article, "submit") not in html
    assert move_url(article, "publish") not in html


def test_writer_submits_from_the_admin_with_a_reviewer(client, article, writer, reviewer):
    profile = reviewer.reviewer_profile
    response = as_user(client, writer).post(
        move_url(article, "submit"), {"reviewers": [profile.pk], "comment": "Please check."}
    )
    assert response.status_code == 302
    assert state_of(article) == State.IN_REVIEW
    assert Review.objects.get().reviewer == profile


def test_submit_form_does_not_offer_the_author_as_reviewer(client, article, writer, reviewer):
    from tests.factories import ReviewerFactory

    own = ReviewerFactory(user=writer, name="Nora Writer")
    html = as_user(client, writer).get(move_url(article, "submit")).content.decode()
    assert reviewer.reviewer_profile.name in html
    assert own.name not in html


def test_forbidden_move_is_shown_as_an_error_and_changes_nothing(client, article, writer, reviewer):
    submit(article, writer, reviewer)
    response = as_user(client, reviewer).post(move_url(article, "withdraw"), {})
    assert response.status_code == 200
    assert "Only the article&#x27;s author or an editor" in response.content.decode()
    assert state_of(article) == State.IN_REVIEW


def test_another_writers_draft_is_not_found_for_moves(client, article, other_writer):
    response = as_user(client, other_writer).post(move_url(article, "submit"), {})
    assert response.status_code == 404
    assert state_of(article) == State.DRAFT


def submit(article, writer, reviewer):
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    return Review.objects.get(revision__article=article, decision=Review.Decision.PENDING)


def decide_url(review):
    return reverse("admin:articles_review_decide", args=[review.pk])


def test_reviewer_queue_lists_assigned_reviews(client, article, writer, reviewer, other_writer):
    review = submit(article, writer, reviewer)
    response = as_user(client, reviewer).get(reverse("admin:articles_review_changelist"))
    assert list(response.context["cl"].result_list) == [review]
    response = as_user(client, other_writer).get(reverse("admin:articles_review_changelist"))
    assert list(response.context["cl"].result_list) == []


def test_reviewer_reads_the_rendered_revision_and_approves(client, article, writer, reviewer):
    review = submit(article, writer, reviewer)
    as_user(client, reviewer)
    html = client.get(decide_url(review)).content.decode()
    assert "Stretch the <strong>calf</strong>." in html
    assert "Approve this revision" in html
    response = client.post(decide_url(review), {"approve": "1", "comment": "Accurate."})
    assert response.status_code == 302
    assert state_of(article) == State.APPROVED


def test_requesting_changes_without_a_comment_is_a_form_error(client, article, writer, reviewer):
    review = submit(article, writer, reviewer)
    response = as_user(client, reviewer).post(
        decide_url(review), {"request_changes": "1", "comment": ""}
    )
    assert response.status_code == 200
    assert "a comment is required" in response.content.decode()
    assert state_of(article) == State.IN_REVIEW


def test_the_author_cannot_approve_from_the_review_page(client, article, writer, reviewer):
    review = submit(article, writer, reviewer)
    response = as_user(client, writer).post(decide_url(review), {"approve": "1"})
    assert response.status_code == 200
    assert state_of(article) == State.IN_REVIEW
    assert "Approve this revision" not in response.content.decode()


def approve(article, writer, reviewer):
    review = submit(article, writer, reviewer)
    workflow.approve(review=review, by=reviewer)


def test_editor_publishes_now(client, article, writer, reviewer, editor):
    approve(article, writer, reviewer)
    response = as_user(client, editor).post(move_url(article, "publish"), {})
    assert response.status_code == 302
    assert state_of(article) == State.PUBLISHED
    assert PublishedArticle.objects.filter(article=article).exists()


def test_editor_schedules_publication(client, article, writer, reviewer, editor):
    approve(article, writer, reviewer)
    at = timezone.localtime() + datetime.timedelta(days=2)
    response = as_user(client, editor).post(
        move_url(article, "publish"),
        {"publish_at_0": at.strftime("%Y-%m-%d"), "publish_at_1": at.strftime("%H:%M:%S")},
    )
    assert response.status_code == 302
    assert state_of(article) == State.SCHEDULED


def test_a_time_already_passed_is_a_form_error_not_publishing_now(
    client, article, writer, reviewer, editor
):
    approve(article, writer, reviewer)
    response = as_user(client, editor).post(
        move_url(article, "publish"), {"publish_at_0": "2020-01-01", "publish_at_1": "10:00"}
    )
    assert response.status_code == 200
    assert "That time has passed" in response.content.decode()
    assert state_of(article) == State.APPROVED


def test_writer_cannot_publish_from_the_admin(client, article, writer, reviewer):
    approve(article, writer, reviewer)
    response = as_user(client, writer).post(move_url(article, "publish"), {})
    assert response.status_code == 403
    assert "Only editors publish" in response.content.decode()
    assert state_of(article) == State.APPROVED


def test_editor_unpublishes_with_a_reason(client, article, writer, reviewer, editor):
    approve(article, writer, reviewer)
    workflow.publish(article=article, by=editor)
    response = as_user(client, editor).post(
        move_url(article, "unpublish"), {"comment": "Superseded by a new guide."}
    )
    assert response.status_code == 302
    assert state_of(article) == State.ARCHIVED
    assert not PublishedArticle.objects.exists()


def admin_form_data(article):
    section = article.sections.get()
    return {
        "based_on_version": str(Article.objects.get(pk=article.pk).version),
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "intro": "A new intro nobody has reviewed.",
        "review_interval_months": "12",
        "sections-TOTAL_FORMS": "1",
        "sections-INITIAL_FORMS": "1",
        "sections-0-id": section.pk,
        "sections-0-article": article.pk,
        "sections-0-order": "1",
        "sections-0-heading": section.heading,
        "sections-0-anchor": section.anchor,
        "sections-0-body": section.body,
        "related_topics-TOTAL_FORMS": "0",
        "related_topics-INITIAL_FORMS": "0",
        "references-TOTAL_FORMS": "0",
        "references-INITIAL_FORMS": "0",
    }


def test_editing_an_approved_article_in_the_admin_returns_it_to_draft(
    client, article, writer, reviewer
):
    approve(article, writer, reviewer)
    response = as_user(client, writer).post(
        change_url(article), admin_form_data(article), follow=True
    )
    assert state_of(article) == State.DRAFT
    assert any("needs a new review" in str(m) for m in response.context["messages"])


def test_another_writer_neither_sees_nor_changes_the_draft(client, article, other_writer):
    as_user(client, other_writer)
    listing = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert article.title not in listing
    # The admin answers a missing object by going back to the index with a message.
    assert client.get(change_url(article)).status_code == 302
    response = client.post(change_url(article), {**admin_form_data(article), "intro": "Mine."})
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).intro == article.intro
    preview_url = reverse("admin:articles_article_preview", args=[article.pk])
    assert client.get(preview_url).status_code == 404


def test_the_assigned_reviewer_sees_the_article_but_cannot_change_it(
    client, article, writer, reviewer
):
    submit(article, writer, reviewer)
    as_user(client, reviewer)
    assert client.get(change_url(article)).status_code == 200
    response = client.post(change_url(article), {**admin_form_data(article), "intro": "Mine."})
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).intro == article.intro


def test_writers_pick_any_live_article_as_a_related_topic(client, article, other_writer, publish):
    live = ArticleFactory(author=other_writer, title="Shin splints", slug="shin-splints")
    SectionFactory(article=live)
    publish(live)
    hidden = ArticleFactory(author=other_writer, title="Shin pain draft", slug="shin-pain")
    as_user(client, article.author)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "shin",
            "app_label": "articles",
            "model_name": "relatedtopic",
            "field_name": "to_article",
        },
    )
    titles = [result["text"] for result in response.json()["results"]]
    assert titles == [live.title]
    assert hidden.title not in titles


def test_diff_shows_the_working_copy_against_the_live_version(
    client, article, writer, reviewer, editor
):
    approve(article, writer, reviewer)
    workflow.publish(article=article, by=editor)
    section = article.sections.get()
    section.body = "Stretch the calf <script>alert(1)</script> gently."
    section.save()
    url = reverse("admin:articles_article_diff", args=[article.pk])
    html = as_user(client, writer).get(url).content.decode()
    assert "Working copy compared with the live version, revision 1" in html
    assert "<ins> &lt;script&gt;alert(1)&lt;/script&gt; gently</ins>" in html
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    assert as_user(client, writer).get(url + "?revision=1").status_code == 200


@pytest.mark.parametrize("number", ["\u00b2", "\u2460", "9" * 5000, "-1", "1.0"])
def test_diff_of_a_revision_number_that_is_not_one_is_a_404(client, article, writer, number):
    # "²" and "①" pass str.isdigit() and then fail int(), which once answered 500.
    url = reverse("admin:articles_article_diff", args=[article.pk])
    assert as_user(client, writer).get(url, {"revision": number}).status_code == 404


def test_change_page_shows_the_workflow_history(client, article, writer, reviewer):
    approve(article, writer, reviewer)
    html = as_user(client, writer).get(change_url(article)).content.decode()
    assert "draft → in_review" in html and "in_review → approved" in html


def test_overdue_filter_lists_articles_past_their_review_date(
    client, article, writer, reviewer, editor
):
    approve(article, writer, reviewer)
    workflow.publish(article=article, by=editor)
    url = reverse("admin:articles_article_changelist")
    as_user(client, editor)
    assert list(client.get(url + "?review_due=overdue").context["cl"].result_list) == []
    PublishedArticle.objects.update(next_review_due=timezone.localdate() - datetime.timedelta(1))
    response = client.get(url + "?review_due=overdue")
    assert list(response.context["cl"].result_list) == [Article.objects.get(pk=article.pk)]
    assert "Overdue since" in response.content.decode()


@pytest.mark.parametrize("role", ["writer", "reviewer", "editor"])
def test_every_admin_list_a_role_can_open_answers_200(client, role, request, article, publish):
    from django.contrib import admin

    publish(article)
    user = request.getfixturevalue(role)
    client.force_login(user)
    opened = 0
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(_request_for(user)):
            continue
        opts = model._meta
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert response.status_code == 200, opts.label
        opened += 1
    assert opened >= 4


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_articles_with_a_review_history_cannot_be_deleted_and_drafts_can(
    client, article, writer, reviewer, editor
):
    approve(article, writer, reviewer)
    workflow.publish(article=article, by=editor)
    client.force_login(editor)
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])
    response = client.post(delete_url, {"post": "yes"}, follow=True)  # live
    assert any("Unpublish it first" in str(m) for m in response.context["messages"])
    assert Article.objects.filter(pk=article.pk).exists()
    workflow.unpublish(article=article, by=editor, comment="Retired.")
    # Unpublished, it keeps its revisions and reviews: the record of what was approved stays.
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()
    draft = ArticleFactory(author=writer, slug="never-submitted")
    response = client.post(
        reverse("admin:articles_article_delete", args=[draft.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Article.objects.filter(pk=draft.pk).exists()


def test_an_admin_save_over_an_api_edit_made_meanwhile_is_refused(client, article, writer):
    from tests.articles.test_editorial_api import client_for

    stale_form = admin_form_data(article)  # the admin page, opened at version 1
    response = client_for(writer).patch(
        f"/api/v1/editorial/articles/{article.pk}/",
        {"intro": "Written through the API.", "version": 1},
        format="json",
    )
    assert response.status_code == 200
    response = as_user(client, writer).post(change_url(article), stale_form)
    assert response.status_code == 200  # the form again, with the reason
    assert "Someone saved this article after you opened it" in response.content.decode()
    assert Article.objects.get(pk=article.pk).intro == "Written through the API."


def test_an_api_edit_over_an_admin_save_made_meanwhile_is_refused(client, article, writer):
    from tests.articles.test_editorial_api import client_for

    api = client_for(writer)
    etag = api.get(f"/api/v1/editorial/articles/{article.pk}/").headers["ETag"]
    response = as_user(client, writer).post(change_url(article), admin_form_data(article))
    assert response.status_code == 302
    response = api.patch(
        f"/api/v1/editorial/articles/{article.pk}/",
        {"intro": "Written through the API."},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 412
    assert Article.objects.get(pk=article.pk).intro == "A new intro nobody has reviewed."


def test_reviews_cannot_be_deleted_or_changed_from_the_admin(
    client, article, writer, reviewer, editor
):
    review = submit(article, writer, reviewer)
    client.force_login(editor)
    delete_url = reverse("admin:articles_review_delete", args=[review.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert client.post(
        reverse("admin:articles_review_changelist"),
        {"action": "delete_selected", "_selected_action": [review.pk], "post": "yes"},
    ).status_code in (200, 302)
    assert Review.objects.filter(pk=review.pk).exists()


def live_preview_url(article):
    return reverse("admin:articles_article_live_preview", args=[article.pk])


def test_the_live_preview_renders_unsaved_changes_and_saves_nothing(client, article, writer):
    data = {
        **admin_form_data(article),
        "title": "Calf cramps at night",
        "sections-0-body": "**Stretch** first.",
    }
    before = Article.objects.filter(pk=article.pk).values("title", "version", "updated_at").get()
    client.force_login(writer)
    response = client.post(live_preview_url(article), data, HTTP_X_REQUESTED_WITH="fetch")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Calf cramps at night</h1>" in html and "<strong>Stretch</strong> first." in html
    assert 'class="toc"' in html and "<html" not in html  # a fragment for the page
    assert (
        Article.objects.filter(pk=article.pk).values("title", "version", "updated_at").get()
        == before
    )
    assert article.sections.get().body != "**Stretch** first."
    page = client.post(live_preview_url(article), data).content.decode()  # the no-JS button
    assert "Your unsaved changes" in page and "<html" in page


def test_the_live_preview_lists_the_form_errors(client, article, writer):
    client.force_login(writer)
    data = {**admin_form_data(article), "title": ""}
    html = client.post(live_preview_url(article), data, HTTP_X_REQUESTED_WITH="fetch").content
    assert "Fix these to see the preview" in html.decode()
    assert "title: This field is required." in html.decode()


def test_the_live_preview_of_a_new_article_saves_nothing(client, writer):
    client.force_login(writer)
    data = {
        "title": "Shin splints",
        "slug": "shin-splints",
        "summary": "Pain along the shin.",
        "intro": "Common in runners.",
        "review_interval_months": "12",
        "sections-TOTAL_FORMS": "1",
        "sections-INITIAL_FORMS": "0",
        "sections-0-heading": "What helps",
        "sections-0-body": "Rest.",
        "related_topics-TOTAL_FORMS": "0",
        "related_topics-INITIAL_FORMS": "0",
        "references-TOTAL_FORMS": "0",
        "references-INITIAL_FORMS": "0",
    }
    url = reverse("admin:articles_article_new_live_preview")
    html = client.post(url, data, HTTP_X_REQUESTED_WITH="fetch").content.decode()
    assert "<h1>Shin splints</h1>" in html and "What helps" in html
    assert not Article.objects.exists()


def test_another_writer_gets_no_live_preview_of_a_draft(client, article, other_writer):
    client.force_login(other_writer)
    response = client.post(live_preview_url(article), admin_form_data(article))
    assert response.status_code == 404


def test_a_resubmission_shows_what_changed_since_the_revision_sent_back(
    client, article, writer, reviewer
):
    review = submit(article, writer, reviewer)
    workflow.request_changes(review=review, by=reviewer, comment="Say how long to rest.")
    section = article.sections.get()
    section.body = "Rest for two days."
    section.save()
    workflow.record_edit(article=Article.objects.get(pk=article.pk), by=writer)
    second = submit(Article.objects.get(pk=article.pk), writer, reviewer)
    html = as_user(client, reviewer).get(decide_url(second)).content.decode()
    assert "Changes since revision 1" in html
    assert "Rest for two days." in html
    first_html = client.get(decide_url(review)).content.decode()
    assert "Changes since revision" not in first_html
