"""Issue #21, point 3: writers and reviewers record disclosures of interests; an approval records
those in effect and whether the reviewer declared a conflict for the article; readers see them
as they stood when it was approved."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import publishing, workflow
from articles.models import PublishedArticle, Review
from reviewers.models import Disclosure
from tests.factories import ArticleFactory, SectionFactory, UserFactory, api_client

pytestmark = pytest.mark.django_db

MINE = "/api/v1/editorial/my-disclosures/"


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def review(writer, reviewer):
    article = ArticleFactory(author=writer, slug="frozen-shoulder", title="Frozen shoulder")
    SectionFactory(article=article, heading="Stages", body="Freezing, frozen, thawing.")
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    return Review.objects.get(revision__article=article)


def test_disclosures_and_a_declared_conflict_reach_the_document_as_they_stood(
    writer, reviewer, editor, review, client
):
    assert api_client(reviewer).post(MINE, {"statement": "Consults for Acme Braces."},
                                     format="json").status_code == 201  # fmt: skip
    api_client(writer).post(MINE, {"statement": "No conflicts declared."}, format="json")
    Disclosure.objects.create(user=reviewer, statement="Ended long ago.", valid_from=days(-400),
                              valid_until=days(-1))  # fmt: skip

    response = api_client(reviewer).post(
        f"/api/v1/editorial/reviews/{review.pk}/approve/",
        {"conflict_declared": True, "conflict_note": "Acme makes a brace named here."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["reviewer_disclosure"] == "Consults for Acme Braces."
    assert response.json()["conflict_declared"] is True
    workflow.publish(article=review.revision.article, by=editor)

    document = client.get("/api/v1/articles/frozen-shoulder/").json()
    assert document["disclosures"] == {
        "reviewer": "Consults for Acme Braces.",
        "author": "No conflicts declared.",
        "conflict_declared": True,
        "conflict": "Acme makes a brace named here.",
    }
    assert document["json_ld"]["reviewedBy"]["description"] == (
        "Consults for Acme Braces. Declared a conflict of interest for this article: "
        "Acme makes a brace named here."
    )
    assert document["json_ld"]["author"]["description"] == "No conflicts declared."

    # A disclosure changed later changes no approval, even when the document is rendered again.
    Disclosure.objects.filter(user=reviewer).update(statement="Something else entirely.")
    publishing.rerender(PublishedArticle.objects.all())
    again = client.get("/api/v1/articles/frozen-shoulder/").json()
    assert again["disclosures"]["reviewer"] == "Consults for Acme Braces."


def test_a_conflict_needs_saying_what_it_is_and_a_note_needs_a_conflict(reviewer, review):
    api = api_client(reviewer)
    url = f"/api/v1/editorial/reviews/{review.pk}/approve/"
    bare = api.post(url, {"conflict_declared": True}, format="json")
    assert bare.status_code == 400 and "Say what the conflict of interest is" in str(bare.json())
    script = {"conflict_declared": True, "conflict_note": "<script>alert(1)</script>"}
    markup = api.post(url, script, format="json")
    assert markup.status_code == 400
    stray = api.post(url, {"conflict_note": "Shares in Acme."}, format="json")
    assert stray.status_code == 400 and "needs the conflict declared" in str(stray.json())
    assert Review.objects.get(pk=review.pk).decision == Review.Decision.PENDING


def test_no_disclosure_on_record_is_printed_as_empty_not_invented(live, client):
    document = client.get("/api/v1/articles/hip-pain/").json()
    assert document["disclosures"] == {
        "reviewer": "", "author": "", "conflict_declared": False, "conflict": ""
    }  # fmt: skip
    assert "description" not in document["json_ld"]["reviewedBy"]


def test_a_disclosure_cannot_end_before_it_starts_nor_be_someone_elses(writer, reviewer):
    api = api_client(writer)
    bad = api.post(MINE, {"statement": "x", "valid_from": "2026-05-01",
                          "valid_until": "2026-04-01"}, format="json")  # fmt: skip
    assert bad.status_code == 400 and "cannot end before it starts" in str(bad.json())
    ended = api.post(MINE, {"statement": "x", "valid_until": "2020-01-01"}, format="json")
    assert ended.status_code == 400, "a new one starts today unless it says otherwise"
    theirs = Disclosure.objects.create(user=reviewer, statement="Theirs.")
    assert api.patch(f"{MINE}{theirs.pk}/", {"statement": "Mine now."},
                     format="json").status_code == 404  # fmt: skip
    assert api.post(MINE, {"statement": "<script>x</script>"}, format="json").status_code == 400
    assert list(api.get(MINE).json()["results"]) == []


def test_the_reviewer_declares_a_conflict_on_the_review_page(client, reviewer, review):
    Disclosure.objects.create(user=reviewer, statement="No conflicts declared.")
    client.force_login(reviewer)
    url = reverse("admin:articles_review_decide", args=[review.pk])
    page = client.get(url).content.decode()
    assert "I have a conflict of interest with this article" in page
    assert "“No conflicts declared.”" in page
    refused = client.post(url, {"approve": "1", "conflict_declared": "on"})
    assert "Say what the conflict of interest is" in refused.content.decode()
    client.post(url, {"approve": "1", "conflict_declared": "on",
                      "conflict_note": "Spoke at an Acme event."})  # fmt: skip
    review.refresh_from_db()
    assert review.decision == Review.Decision.APPROVED
    assert (review.conflict_note, review.reviewer_disclosure) == (
        "Spoke at an Acme event.", "No conflicts declared."
    )  # fmt: skip


def test_in_the_admin_each_keeps_their_own_and_editors_see_all(client, writer, reviewer, editor):
    Disclosure.objects.create(user=reviewer, statement="Reviewer's own.")
    client.force_login(writer)
    changelist = reverse("admin:reviewers_disclosure_changelist")
    assert "Reviewer&#x27;s own." not in client.get(changelist).content.decode()
    response = client.post(
        reverse("admin:reviewers_disclosure_add"),
        {"statement": "No conflicts declared.", "valid_from": "2026-01-01", "user": reviewer.pk},
    )
    assert response.status_code == 302
    assert Disclosure.objects.get(statement="No conflicts declared.").user == writer
    client.force_login(editor)
    page = client.get(changelist).content.decode()
    assert "Reviewer&#x27;s own." in page and "No conflicts declared." in page
    other = UserFactory(username="someone")
    assert not other.has_perm("reviewers.add_disclosure")


def test_a_new_statement_replaces_the_one_before(writer, reviewer, review):
    Disclosure.objects.create(user=reviewer, statement="No conflicts declared.",
                              valid_from=days(-30))  # fmt: skip
    Disclosure.objects.create(user=reviewer, statement="Consults for Acme Braces.")
    workflow.approve(review=review, by=reviewer)
    review.refresh_from_db()
    assert review.reviewer_disclosure == "Consults for Acme Braces."


def test_a_declared_conflict_is_in_the_history_the_editor_reads(reviewer, review):
    workflow.approve(review=review, by=reviewer, comment="Sound.", conflict_declared=True,
                     conflict_note="Shares in Acme.")  # fmt: skip
    move = review.revision.article.transitions.get(action="approve")
    assert move.comment == "Sound.\n\nDeclared a conflict of interest: Shares in Acme."
    assert Review.objects.get(pk=review.pk).comment == "Sound."


@pytest.mark.parametrize("note", ["<b>Acme</b> shares", "Acme \u202eshares", "x" * 1001])
def test_the_workflow_itself_refuses_a_conflict_note_readers_should_not_get(reviewer, review, note):
    with pytest.raises(workflow.InvalidInput, match="The conflict note"):
        workflow.approve(review=review, by=reviewer, conflict_declared=True, conflict_note=note)
    assert Review.objects.get(pk=review.pk).decision == Review.Decision.PENDING
