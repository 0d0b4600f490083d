"""The editorial API: the same workflow rules as the admin, over HTTP with tokens."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles import workflow
from articles.models import Article, PublishedArticle, Review, Transition
from tests.factories import ArticleFactory, SectionFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db
State = Article.State
ARTICLES = "/api/v1/editorial/articles/"
REVIEWS = "/api/v1/editorial/reviews/"


def client_for(user):
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def new_article_payload(**overrides):
    return {
        "title": "Shin splints",
        "slug": "shin-splints",
        "summary": "Pain along the shin bone after running.",
        "intro": "Common in new runners.",
        "tags": ["leg-pain"],
        "sections": [
            {"heading": "Why it happens", "body": "Too much, too soon."},
            {"heading": "What helps", "anchor": "relief", "body": "Rest and **ice**."},
        ],
        "related_topics": ["knee-pain", {"slug": "calf-cramps", "blurb": "Night cramps."}],
        "references": [{"label": "Shin splints", "url": "https://example.org/shin"}],
    } | overrides


@pytest.fixture
def targets(writer):
    TagFactory(name="Leg Pain", slug="leg-pain")
    ArticleFactory(slug="knee-pain", author=writer)
    ArticleFactory(slug="calf-cramps", author=writer)


@pytest.fixture
def article(writer):
    article = ArticleFactory(author=writer, slug="hamstring-strain", title="Hamstring strain")
    SectionFactory(article=article, heading="Rest", body="Rest the leg.")
    return article


def url(article, suffix=""):
    return f"{ARTICLES}{article.pk}/{suffix}"


def snapshot_of_state():
    return (
        list(Article.objects.values_list("pk", "state", "version").order_by("pk")),
        Transition.objects.count(),
        PublishedArticle.objects.count(),
    )


# Creating and reading ----------------------------------------------------------------------


def test_writer_creates_an_article_with_all_its_parts_in_one_request(writer, targets):
    response = client_for(writer).post(ARTICLES, new_article_payload(), format="json")
    assert response.status_code == 201, response.data
    body = response.json()
    assert body["state"] == "draft" and body["author"] == writer.username
    assert [s["anchor"] for s in body["sections"]] == ["why-it-happens", "relief"]
    assert body["tags"] == ["leg-pain"]
    assert body["related_topics"] == [
        {"slug": "knee-pain", "blurb": ""},
        {"slug": "calf-cramps", "blurb": "Night cramps."},
    ]
    assert body["references"][0]["url"] == "https://example.org/shin"
    assert body["moves"] == ["submit"]
    assert response["ETag"] == f'"article-{body["id"]}-v1"'
    # The first save is recorded, so the review page can say who wrote the article.
    edits = Article.objects.get(pk=body["id"]).edits.values_list("by", flat=True)
    assert list(edits) == [writer.pk]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"tags": ["no-such-tag"]}, "tags"),
        ({"related_topics": ["no-such-article"]}, "related_topics"),
        ({"related_topics": ["knee-pain", "knee-pain"]}, "related_topics"),
        ({"related_topics": [{"blurb": "no slug"}]}, "related_topics"),
        ({"summary": "x" * 301}, "summary"),
        ({"references": [{"label": "Bad", "url": "javascript:alert(1)"}]}, "references"),
        ({"sections": [{"heading": "A", "anchor": "a", "body": "x"}] * 2}, "sections"),
        ({"sections": [{"heading": "No body"}]}, "sections"),
        ({"slug": "knee-pain"}, "slug"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_answers_400_with_the_field_and_creates_nothing(
    writer, targets, overrides, field
):
    before = Article.objects.count()
    response = client_for(writer).post(ARTICLES, new_article_payload(**overrides), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]
    assert Article.objects.count() == before


def test_anonymous_and_non_staff_users_are_refused(targets):
    assert client_for(None).get(ARTICLES).status_code == 401
    outsider = UserFactory(is_staff=False)
    response = client_for(outsider).post(ARTICLES, new_article_payload(), format="json")
    assert response.status_code == 403
    assert "staff" in response.json()["detail"]


def test_a_reviewer_cannot_create_articles(reviewer, targets):
    response = client_for(reviewer).post(ARTICLES, new_article_payload(), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"


def test_list_filters_by_state_and_shows_writers_only_their_own(
    writer, other_writer, editor, article
):
    ArticleFactory(author=other_writer, slug="someone-elses")
    Article.objects.filter(slug="someone-elses").update(state=State.IN_REVIEW)
    assert [a["slug"] for a in client_for(writer).get(ARTICLES).json()["results"]] == [
        "hamstring-strain"
    ]
    everything = client_for(editor).get(ARTICLES).json()["results"]
    assert {a["slug"] for a in everything} == {"hamstring-strain", "someone-elses"}
    in_review = client_for(editor).get(ARTICLES, {"state": "in_review"}).json()["results"]
    assert [a["slug"] for a in in_review] == ["someone-elses"]
    assert client_for(editor).get(ARTICLES, {"state": "nonsense"}).status_code == 400


def test_list_queries_do_not_grow_with_the_number_of_articles(editor, writer):
    client = client_for(editor)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(ARTICLES).status_code == 200
        return len(queries)

    ArticleFactory(author=writer)
    few = count()
    others = ArticleFactory.create_batch(8, author=writer)
    for article in others:
        SectionFactory.create_batch(2, article=article)
        article.tags.add(TagFactory())
        article.related_topics.create(
            to_article=others[0] if article != others[0] else others[1], position=1
        )
    assert count() == few + 1  # the related topics' targets, loaded once for all rows


def test_detail_carries_an_etag(writer, article):
    response = client_for(writer).get(url(article))
    assert response.status_code == 200
    assert response["ETag"] == f'"article-{article.pk}-v1"'


# Editing with versions ---------------------------------------------------------------------


def test_the_browsable_api_shows_an_article_with_tags_and_related_topics(editor, writer, targets):
    # The browsable API fills its PATCH form from the write serializer, which once could not
    # read an article's tags and answered 500 on every article page.
    article = ArticleFactory(author=writer, slug="shin-splints-browsable")
    article.tags.add(TagFactory(name="Shins", slug="shins"))
    SectionFactory(article=article, heading="Rest", body="Rest the leg.")
    client = APIClient()
    client.force_login(editor)

    page = client.get(url(article), HTTP_ACCEPT="text/html")

    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert "&quot;shins&quot;" in page.content.decode()  # the PATCH form, filled in


def test_patch_with_the_current_etag_saves_and_moves_the_version_on(writer, article):
    client = client_for(writer)
    etag = client.get(url(article))["ETag"]
    response = client.patch(
        url(article),
        {"title": "Hamstring strain: first aid", "sections": [{"heading": "Ice", "body": "Cold."}]},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.data
    assert response.json()["title"] == "Hamstring strain: first aid"
    assert [s["anchor"] for s in response.json()["sections"]] == ["ice"]
    assert response["ETag"] != etag and response.json()["version"] == 2


def test_patch_based_on_a_stale_etag_answers_412_and_changes_nothing(writer, article):
    client = client_for(writer)
    etag = client.get(url(article))["ETag"]
    client.patch(url(article), {"title": "First edit"}, format="json", HTTP_IF_MATCH=etag)
    response = client.patch(
        url(article), {"title": "Second edit"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 412
    assert response.json()["code"] == "stale_version"
    assert Article.objects.get(pk=article.pk).title == "First edit"


def test_patch_based_on_a_stale_version_field_answers_409(writer, article):
    client = client_for(writer)
    client.patch(url(article), {"title": "First edit", "version": 1}, format="json")
    response = client.patch(url(article), {"title": "Second", "version": 1}, format="json")
    assert response.status_code == 409
    assert Article.objects.get(pk=article.pk).title == "First edit"


def test_patch_without_a_version_answers_428(writer, article):
    response = client_for(writer).patch(url(article), {"title": "Blind edit"}, format="json")
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]


def test_other_writers_cannot_see_or_change_the_article(other_writer, article):
    response = client_for(other_writer).patch(
        url(article), {"title": "Hijack", "version": 1}, format="json"
    )
    assert response.status_code == 404
    assert Article.objects.get(pk=article.pk).title == "Hamstring strain"


def test_an_editor_may_edit_any_article(editor, article):
    response = client_for(editor).patch(
        url(article), {"summary": "Better.", "version": 1}, format="json"
    )
    assert response.status_code == 200


# Workflow moves ----------------------------------------------------------------------------


def submit(client, article, reviewer_slug="jane-roe"):
    return client.post(url(article, "submit/"), {"reviewers": [reviewer_slug]}, format="json")


def test_submit_review_and_publish_through_the_api(writer, reviewer, editor, article):
    response = submit(client_for(writer), article)
    assert response.status_code == 200 and response.json()["state"] == "in_review"

    queue = client_for(reviewer).get(REVIEWS, {"assigned_to": "me", "decision": "pending"})
    [review] = queue.json()["results"]
    assert review["article"] == article.pk and review["revision"] == 1
    response = client_for(reviewer).post(
        f"{REVIEWS}{review['id']}/approve/", {"comment": "Sound advice."}, format="json"
    )
    assert response.status_code == 200 and response.json()["decision"] == "approved"

    response = client_for(editor).post(url(article, "publish/"), {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "published"
    live = PublishedArticle.objects.get(article=article)
    assert live.document["reviewer"]["slug"] == "jane-roe"


def test_editing_after_approval_through_the_api_returns_to_draft(writer, reviewer, article):
    submit(client_for(writer), article)
    workflow.approve(review=Review.objects.get(), by=reviewer)
    response = client_for(writer).patch(
        url(article), {"intro": "New.", "version": 1}, format="json"
    )
    assert response.json()["state"] == "draft"


def test_submit_with_an_unknown_reviewer_is_400(writer, reviewer, article):
    response = submit(client_for(writer), article, reviewer_slug="dr-nobody")
    assert response.status_code == 400
    assert "dr-nobody" in str(response.json()["errors"]["reviewers"])
    assert Article.objects.get(pk=article.pk).state == State.DRAFT


def test_submitting_to_yourself_is_400(writer, article):
    from tests.factories import ReviewerFactory

    ReviewerFactory(user=writer, slug="writer-profile")
    response = submit(client_for(writer), article, reviewer_slug="writer-profile")
    assert response.status_code == 400
    assert "cannot review it" in response.json()["detail"]


@pytest.mark.parametrize("who", ["writer", "editor", "other_reviewer"])
def test_only_the_assigned_reviewer_approves_and_nothing_changes_otherwise(
    writer, reviewer, editor, article, who
):
    submit(client_for(writer), article)
    review = Review.objects.get()
    users = {"writer": writer, "editor": editor}
    if who == "other_reviewer":
        from tests.factories import ReviewerFactory

        users[who] = UserFactory(group="Reviewers")
        ReviewerFactory(user=users[who])
    before = snapshot_of_state()
    response = client_for(users[who]).post(f"{REVIEWS}{review.pk}/approve/", {}, format="json")
    assert response.status_code in (403, 404)
    assert snapshot_of_state() == before


def test_approving_a_closed_review_is_409(writer, reviewer, article):
    submit(client_for(writer), article)
    review = Review.objects.get()
    client = client_for(reviewer)
    client.post(f"{REVIEWS}{review.pk}/approve/", {}, format="json")
    before = snapshot_of_state()
    response = client.post(f"{REVIEWS}{review.pk}/approve/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert snapshot_of_state() == before


def test_approving_a_revision_made_stale_by_an_edit_is_409(writer, reviewer, article):
    submit(client_for(writer), article)
    review = Review.objects.get()
    client_for(writer).patch(url(article), {"intro": "Changed.", "version": 1}, format="json")
    response = client_for(reviewer).post(f"{REVIEWS}{review.pk}/approve/", {}, format="json")
    assert response.status_code == 409


def test_request_changes_needs_a_comment(writer, reviewer, article):
    submit(client_for(writer), article)
    review = Review.objects.get()
    client = client_for(reviewer)
    response = client.post(f"{REVIEWS}{review.pk}/request-changes/", {}, format="json")
    assert response.status_code == 400
    response = client.post(
        f"{REVIEWS}{review.pk}/request-changes/", {"comment": "Add a source."}, format="json"
    )
    assert response.json()["decision"] == "changes_requested"
    assert Article.objects.get(pk=article.pk).state == State.CHANGES_REQUESTED


def approved(writer, reviewer, article):
    submit(client_for(writer), article)
    workflow.approve(review=Review.objects.get(), by=reviewer)


def test_writers_cannot_publish(writer, reviewer, article):
    approved(writer, reviewer, article)
    before = snapshot_of_state()
    response = client_for(writer).post(url(article, "publish/"), {}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only editors can publish articles."
    assert snapshot_of_state() == before


def test_publishing_an_unapproved_article_is_409(editor, article):
    before = snapshot_of_state()
    response = client_for(editor).post(url(article, "publish/"), {}, format="json")
    assert response.status_code == 409
    assert snapshot_of_state() == before


def test_publish_at_a_future_time_schedules(writer, reviewer, editor, article):
    approved(writer, reviewer, article)
    at = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    response = client_for(editor).post(url(article, "publish/"), {"publish_at": at}, format="json")
    assert response.json()["state"] == "scheduled"
    bad = client_for(editor).post(url(article, "publish/"), {"publish_at": "soon"}, format="json")
    assert bad.status_code == 400


def test_publish_at_a_time_already_passed_is_a_400_and_publishes_nothing(
    writer, reviewer, editor, article
):
    approved(writer, reviewer, article)
    before = snapshot_of_state()
    response = client_for(editor).post(
        url(article, "publish/"), {"publish_at": "2020-01-01T10:00:00Z"}, format="json"
    )
    assert response.status_code == 400
    assert "That time has passed" in response.json()["detail"]
    assert snapshot_of_state() == before


def test_unpublish_and_history(writer, reviewer, editor, article):
    approved(writer, reviewer, article)
    client = client_for(editor)
    client.post(url(article, "publish/"), {}, format="json")
    response = client.post(url(article, "unpublish/"), {"comment": "Outdated."}, format="json")
    assert response.json()["state"] == "archived"
    assert client.post(url(article, "unpublish/"), {}, format="json").status_code == 409
    history = client_for(writer).get(url(article, "history/")).json()
    assert [t["action"] for t in history["transitions"]] == [
        "unpublish",
        "publish",
        "approve",
        "submit",
    ]
    assert history["revisions"][0]["number"] == 1
    assert len(history["revisions"][0]["content_hash"]) == 64


def test_drf_create_token_gives_a_working_token(writer, article):
    out = io.StringIO()
    call_command("drf_create_token", writer.username, stdout=out)
    key = out.getvalue().split()[2]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(url(article)).status_code == 200


# Found by the schemathesis run (test_fuzz_api): both once answered wrongly.
def test_a_review_interval_out_of_range_is_a_400_not_a_database_error(writer):
    body = new_article_payload(tags=[], related_topics=[], review_interval_months=0)
    response = client_for(writer).post("/api/v1/editorial/articles/", body, format="json")
    assert response.status_code == 400
    assert "review_interval_months" in response.json()["errors"]
    assert not Article.objects.exists()


def test_an_empty_assigned_to_filter_is_refused_rather_than_ignored(reviewer):
    response = client_for(reviewer).get("/api/v1/editorial/reviews/?assigned_to=")
    assert response.status_code == 400
    assert "assigned_to=me" in str(response.json())


def test_an_upload_that_repeats_a_field_is_refused(writer, tiny_png):
    from django.test.client import encode_multipart

    body = encode_multipart("BOUNDARY", {"file": tiny_png, "alt": ["One.", "Two."]})
    response = client_for(writer).post(
        "/api/v1/editorial/images/", body, content_type="multipart/form-data; boundary=BOUNDARY"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["alt"] == ["Send this field once."]


def test_an_empty_page_number_is_refused_in_editorial_lists(writer):
    response = client_for(writer).get("/api/v1/editorial/articles/?page=")
    assert response.status_code == 400
    assert "page must be a whole number" in response.json()["detail"]
