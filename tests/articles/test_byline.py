"""A byline and an original first-published date, for articles migrated from elsewhere: editors
set them in the admin and the editorial API, a review covers them, readers see them."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.importing import import_file
from articles.models import Article, PublishedArticle, Review, content_hash
from tests.articles.test_admin import change_data
from tests.articles.test_editorial_api import client_for
from tests.articles.test_import import good_line, write
from tests.factories import ArticleFactory, SectionFactory, edit

pytestmark = pytest.mark.django_db
ORIGINAL = datetime.datetime(2016, 3, 14, 9, 30, tzinfo=datetime.UTC)
BYLINE = "Dr. Maria Lopez, MD"


@pytest.fixture
def article(writer):
    article = ArticleFactory(author=writer, slug="shin-splints", title="Shin splints")
    SectionFactory(article=article, heading="Rest", body="Rest the leg.")
    return article


def api_url(article):
    return f"/api/v1/editorial/articles/{article.pk}/"


def patch(user, article, **fields):
    client = client_for(user)
    version = Article.objects.values_list("version", flat=True).get(pk=article.pk)
    return client.patch(api_url(article), {**fields, "version": version}, format="json")


def approve(article, reviewer):
    """Submit the working copy to `reviewer` and approve it; return the approved revision."""
    article = Article.objects.get(pk=article.pk)
    article = workflow.submit(
        article=article, by=article.author, reviewers=[reviewer.reviewer_profile]
    )
    review = Review.objects.get(revision=article.current_revision)
    workflow.approve(review=review, by=reviewer, comment="Accurate.")
    return review.revision


# The editorial API -------------------------------------------------------------------------


def test_an_editor_sets_both_through_the_api_and_reads_them_back(editor, article):
    response = patch(editor, article, byline=BYLINE, first_published_at=ORIGINAL.isoformat())
    assert response.status_code == 200, response.json()
    assert response.json()["byline"] == BYLINE
    assert response.json()["first_published_at"] == "2016-03-14T09:30:00Z"
    article.refresh_from_db()
    assert (article.byline, article.first_published_at) == (BYLINE, ORIGINAL)
    shown = client_for(editor).get(api_url(article)).json()
    assert (shown["byline"], shown["first_published_at"]) == (BYLINE, "2016-03-14T09:30:00Z")


@pytest.mark.parametrize(
    "fields", [{"byline": BYLINE}, {"first_published_at": ORIGINAL.isoformat()}]
)
def test_a_writer_cannot_set_them_through_the_api(writer, article, fields):
    response = patch(writer, article, title="Shin splints, again", **fields)
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only editors can set the byline and the original publication date.",
        "code": "not_allowed",
    }
    article.refresh_from_db()
    assert (article.title, article.byline, article.first_published_at) == (
        "Shin splints",
        "",
        None,
    )


def test_a_writer_may_send_the_stored_values_back_unchanged(writer, article):
    Article.objects.filter(pk=article.pk).update(byline=BYLINE, first_published_at=ORIGINAL)
    response = patch(
        writer,
        article,
        title="Shin splints, again",
        byline=BYLINE,
        first_published_at="2016-03-14T09:30:00Z",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Shin splints, again"


def test_a_writer_cannot_create_an_article_with_them(writer):
    response = client_for(writer).post(
        "/api/v1/editorial/articles/",
        {"title": "Shin splints", "slug": "shin", "summary": "Shin pain.", "byline": BYLINE},
        format="json",
    )
    assert response.status_code == 403
    assert not Article.objects.filter(slug="shin").exists()


def test_a_date_in_the_future_is_refused_with_a_sentence(editor, article):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    response = patch(editor, article, first_published_at=tomorrow.isoformat())
    assert response.status_code == 400
    assert response.json()["errors"]["first_published_at"] == [
        "The original publication date cannot be in the future: give the date the article "
        "first appeared, or leave it blank."
    ]
    assert Article.objects.get(pk=article.pk).first_published_at is None


def test_a_byline_with_markup_is_refused(editor, article):
    response = patch(editor, article, byline='<img src=x onerror="alert(1)">Dr. Lopez')
    assert response.status_code == 400
    assert "plain text" in response.json()["errors"]["byline"][0]
    assert Article.objects.get(pk=article.pk).byline == ""


# The admin ---------------------------------------------------------------------------------


def test_an_editor_sets_both_in_the_admin(client, editor, article):
    client.force_login(editor)
    data = change_data(
        article, byline=BYLINE, first_published_at_0="2016-03-14", first_published_at_1="09:30:00"
    )
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.byline, article.first_published_at) == (BYLINE, ORIGINAL)
    # Saved like any edit: recorded, by the editor.
    assert article.edits.get().by == editor


def test_the_admin_refuses_a_future_date_and_markup_with_form_errors(client, editor, article):
    client.force_login(editor)
    next_year = str(timezone.now().year + 1)
    data = change_data(
        article,
        byline="<b>Dr. Lopez</b>",
        first_published_at_0=f"{next_year}-01-01",
        first_published_at_1="00:00:00",
    )
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "cannot be in the future" in errors["first_published_at"][0]
    assert "plain text" in errors["byline"][0]


def test_a_writer_sees_them_in_the_admin_but_cannot_change_them(writer_client, article):
    Article.objects.filter(pk=article.pk).update(byline=BYLINE)
    page = reverse("admin:articles_article_change", args=[article.pk])
    response = writer_client.get(page)
    form = response.context["adminform"].form
    assert "byline" not in form.fields and "first_published_at" not in form.fields
    assert BYLINE in response.content.decode()  # shown, read-only
    data = change_data(
        article,
        byline="Someone else",
        first_published_at_0="2010-01-01",
        first_published_at_1="0:00",
    )
    assert writer_client.post(page, data).status_code == 302
    article.refresh_from_db()
    assert (article.byline, article.first_published_at) == (BYLINE, None)


# The workflow ------------------------------------------------------------------------------


def test_the_approved_revision_records_them_and_a_later_change_needs_a_new_review(
    editor, reviewer, article
):
    article = edit(article, editor, byline=BYLINE, first_published_at=ORIGINAL)
    revision = approve(article, reviewer)
    assert revision.snapshot["byline"] == BYLINE
    assert revision.snapshot["first_published_at"] == "2016-03-14T09:30:00+00:00"
    assert Article.objects.get(pk=article.pk).state == Article.State.APPROVED

    article = edit(Article.objects.get(pk=article.pk), editor, byline="Dr. M. Lopez")
    assert article.state == Article.State.DRAFT
    with pytest.raises(workflow.InvalidTransition):
        workflow.publish(article=article, by=editor)

    article = edit(Article.objects.get(pk=article.pk), editor, byline=BYLINE)
    article = edit(article, editor, first_published_at=ORIGINAL - datetime.timedelta(days=1))
    assert content_hash(article.snapshot()) != revision.content_hash


def test_an_article_without_them_keeps_the_snapshot_it_had(article):
    """Revisions recorded before the fields existed still match an unchanged working copy."""
    snapshot = article.snapshot()
    assert "byline" not in snapshot and "first_published_at" not in snapshot


def test_a_snapshot_hashes_the_same_whatever_time_zone_the_date_was_given_in(editor, article):
    in_new_york = ORIGINAL.astimezone(datetime.timezone(datetime.timedelta(hours=-5)))
    article = edit(article, editor, first_published_at=in_new_york)
    assert content_hash(article.snapshot()) == content_hash(
        Article.objects.get(pk=article.pk).snapshot()
    )


# What readers get --------------------------------------------------------------------------


def test_the_public_document_and_json_ld_carry_the_byline_and_the_original_date(
    client, editor, reviewer, article
):
    article = edit(article, editor, byline=BYLINE, first_published_at=ORIGINAL)
    approve(article, reviewer)
    workflow.publish(article=Article.objects.get(pk=article.pk), by=editor)
    live = PublishedArticle.objects.get(article=article)
    assert live.published_at == ORIGINAL  # lists and feeds order it by its first appearance

    document = client.get("/api/v1/articles/shin-splints/").json()
    assert document["author"] == {"name": BYLINE}
    assert document["published_at"] == "2016-03-14T09:30:00+00:00"
    assert document["json_ld"]["author"] == {"@type": "Person", "name": BYLINE}
    assert document["json_ld"]["datePublished"] == "2016-03-14T09:30:00+00:00"
    assert document["updated_at"] > "2020"  # changed here, now
    card = client.get("/api/v1/articles/").json()["results"][0]
    assert card["published_at"] == "2016-03-14T09:30:00+00:00"


def test_without_them_the_document_names_the_account_and_the_first_publish_here(
    client, publish, writer, article
):
    writer.first_name, writer.last_name = "Wendy", "Writer"
    writer.save()
    before = timezone.now()
    publish(article)
    document = client.get("/api/v1/articles/shin-splints/").json()
    assert document["author"] == {"name": "Wendy Writer"}
    assert datetime.datetime.fromisoformat(document["published_at"]) >= before


def test_the_review_page_shows_them_and_what_changed(client, publish, editor, reviewer, article):
    publish(article)
    article = edit(Article.objects.get(pk=article.pk), editor, byline=BYLINE)
    article = edit(article, editor, first_published_at=ORIGINAL)
    article = workflow.submit(
        article=article, by=article.author, reviewers=[reviewer.reviewer_profile]
    )
    review = Review.objects.get(revision=article.current_revision)
    client.force_login(reviewer)
    html = client.get(reverse("admin:articles_review_decide", args=[review.pk])).content.decode()
    assert f"By {BYLINE}" in html  # the document as readers will see it
    assert "First published 2016-03-14" in html
    # What changed since the live version, word by word under each field's name.
    assert "<h4>Byline</h4>" in html and f"<ins>{BYLINE}</ins>" in html
    assert (
        "<h4>Originally published</h4>" in html and "<ins>2016-03-14T09:30:00+00:00</ins>" in html
    )


# Import ------------------------------------------------------------------------------------


def test_the_importer_takes_both(tmp_path, client):
    line = good_line("migrated", byline=BYLINE, first_published_at="2016-03-14T09:30:00Z")
    report = import_file(write(tmp_path / "a.jsonl", [line]), publish=True)
    assert report.errors == [] and report.published == 1
    article = Article.objects.get(slug="migrated")
    assert (article.byline, article.first_published_at) == (BYLINE, ORIGINAL)
    assert article.live_revision.snapshot["byline"] == BYLINE
    document = client.get("/api/v1/articles/migrated/").json()
    assert document["author"]["name"] == BYLINE
    assert document["published_at"] == "2016-03-14T09:30:00+00:00"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"byline": "<script>x</script>"}, "byline '<script>"),
        ({"byline": "x" * 201}, "byline is 201 characters long"),
        ({"first_published_at": "last spring"}, "first_published_at is not an ISO 8601"),
        ({"first_published_at": "2999-01-01T00:00:00Z"}, "cannot be in the future"),
    ],
)
def test_the_importer_refuses_a_bad_byline_or_date(tmp_path, changes, reason):
    path = write(tmp_path / "a.jsonl", [json.dumps(good_line("migrated", **changes))])
    report = import_file(path)
    assert len(report.errors) == 1 and reason in report.errors[0], report.errors
    assert not Article.objects.filter(slug="migrated").exists()
