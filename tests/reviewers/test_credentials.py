"""Reviewers' credentials as data: only a reviewer with a licence or certification an editor
verified, in date, can approve; readers see the verified ones, numbers only by the reviewer's
choice; editors hear of those running out."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import publishing, workflow
from articles.dashboard import panels_for
from articles.models import Article, PublishedArticle, Review, ReviewDecision
from reviewers.models import Credential, Reviewer
from tests.factories import (
    ArticleFactory,
    CredentialFactory,
    SectionFactory,
    UserFactory,
    api_client,
)
from tests.reviewers.test_reviewer_admin import form_data

pytestmark = pytest.mark.django_db

REVIEWS = "/api/v1/editorial/reviews/"
MY_CREDENTIALS = "/api/v1/editorial/my-credentials/"


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def in_review(writer, reviewer):
    article = ArticleFactory(author=writer, slug="hip-bursitis", title="Hip bursitis")
    SectionFactory(article=article, heading="Causes", body="Overuse.")
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    return Review.objects.get(revision__article=article)


def approve_through_the_api(user, review):
    return api_client(user).post(f"{REVIEWS}{review.pk}/approve/", {}, format="json")


def test_a_reviewer_whose_credentials_all_expired_is_refused_with_403(reviewer, in_review):
    reviewer.reviewer_profile.held_credentials.update(valid_until=days(-1))
    response = approve_through_the_api(reviewer, in_review)
    assert response.status_code == 403
    assert f"the last one expired on {days(-1).isoformat()}" in response.json()["detail"]
    in_review.refresh_from_db()
    assert in_review.decision == ReviewDecision.PENDING
    assert Article.objects.get().state == Article.State.IN_REVIEW


def test_a_reviewer_whose_credentials_were_never_verified_is_refused_with_403(reviewer, in_review):
    reviewer.reviewer_profile.held_credentials.update(verified_by=None, verified_at=None)
    response = approve_through_the_api(reviewer, in_review)
    assert response.status_code == 403
    assert "an editor has verified" in response.json()["detail"]
    assert Review.objects.get().decision == ReviewDecision.PENDING


def test_one_credential_in_force_is_enough_and_expiring_today_still_counts(reviewer, in_review):
    profile = reviewer.reviewer_profile
    profile.held_credentials.update(valid_until=days(-30))
    CredentialFactory(reviewer=profile, kind="board_certification", valid_until=days(0))
    response = approve_through_the_api(reviewer, in_review)
    assert response.status_code == 200, response.json()


def test_an_unverified_reviewer_cannot_be_assigned(writer, reviewer):
    profile = reviewer.reviewer_profile
    profile.held_credentials.all().delete()
    article = ArticleFactory(author=writer)
    response = api_client(writer).post(
        f"/api/v1/editorial/articles/{article.pk}/submit/",
        {"reviewers": [profile.slug]},
        format="json",
    )
    assert response.status_code == 400
    assert "Jane Roe, MD has no licence or certification" in response.json()["detail"]
    assert not Reviewer.objects.able_to_review().filter(pk=profile.pk).exists()


def test_an_article_approved_before_expiry_stays_live(live, reviewer, client):
    reviewer.reviewer_profile.held_credentials.update(valid_until=days(-1))
    response = client.get(f"/api/v1/articles/{live.slug}/")
    assert response.status_code == 200
    assert response.json()["reviewer"]["slug"] == "jane-roe"


def test_the_document_and_profile_show_verified_credentials_numbers_only_by_choice(
    live, reviewer, client, django_capture_on_commit_callbacks
):
    profile = reviewer.reviewer_profile
    with django_capture_on_commit_callbacks(execute=True):
        [licence] = profile.held_credentials.all()
        licence.number_is_public = True
        licence.save()
        CredentialFactory(reviewer=profile, kind="board_certification", number="B-77",
                          issuing_body="American Board of Orthopaedic Surgery", region="",
                          valid_until=None)  # fmt: skip
        CredentialFactory(reviewer=profile, number="UNVERIFIED-1", verified_by=None,
                          verified_at=None)  # fmt: skip
        CredentialFactory(reviewer=profile, number="EXPIRED-1", valid_until=days(-1))

    document = client.get(f"/api/v1/articles/{live.slug}/").json()
    shown = document["reviewer"]["verified_credentials"]
    assert [(c["kind"], c["number"]) for c in shown] == [
        ("board_certification", None),
        ("licence", licence.number),
    ]
    assert shown[0]["valid_until"] is None and shown[1]["region"] == "California"
    profile_page = client.get("/api/v1/reviewers/jane-roe/").json()
    assert profile_page["verified_credentials"] == shown
    [listed] = client.get("/api/v1/reviewers/").json()["results"]
    assert listed["verified_credentials"] == shown
    for hidden in ("B-77", "UNVERIFIED-1", "EXPIRED-1"):
        assert hidden not in str(document) and hidden not in str(profile_page)

    marked_up = document["json_ld"]["reviewedBy"]["hasCredential"]
    assert marked_up[0] == {
        "@type": "EducationalOccupationalCredential",
        "name": "Board certification",
        "credentialCategory": "certification",
        "recognizedBy": {"@type": "Organization", "name": "American Board of Orthopaedic Surgery"},
    }
    assert marked_up[1]["validIn"] == {"@type": "AdministrativeArea", "name": "California"}
    assert marked_up[1]["identifier"] == licence.number
    assert marked_up[1]["expires"] == licence.valid_until.isoformat()


def test_the_reviewer_chooses_to_show_their_number_through_the_editorial_api(
    reviewer, second_reviewer, live, django_capture_on_commit_callbacks
):
    api = api_client(reviewer)
    [mine] = api.get(MY_CREDENTIALS).json()["results"]
    assert mine["verified"] and mine["in_force"] and not mine["number_is_public"]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(f"{MY_CREDENTIALS}{mine['id']}/", {"number_is_public": True},
                             format="json")  # fmt: skip
    assert response.status_code == 200 and response.json()["number_is_public"]
    document = PublishedArticle.objects.get().document
    assert document["reviewer"]["verified_credentials"][0]["number"] == mine["number"]

    refused = api.patch(f"{MY_CREDENTIALS}{mine['id']}/", {"valid_until": "2099-01-01"},
                        format="json")  # fmt: skip
    assert refused.status_code == 400 and "an editor records valid_until" in str(refused.json())
    assert Credential.objects.get(pk=mine["id"]).valid_until.isoformat() == mine["valid_until"]
    others = second_reviewer.reviewer_profile.held_credentials.get()
    assert api.patch(f"{MY_CREDENTIALS}{others.pk}/", {"number_is_public": True},
                     format="json").status_code == 404  # fmt: skip
    assert not Credential.objects.get(pk=others.pk).number_is_public


def credential_row(**fields):
    return {
        "kind": "licence",
        "number": "G 12345",
        "issuing_body": "Medical Board of California",
        "region": "California",
        "valid_until": days(200).isoformat(),
        **fields,
    }


def test_an_editor_verifies_a_credential_in_the_admin_and_a_change_records_who_vouched(
    client, editor, reviewer
):
    profile = reviewer.reviewer_profile
    profile.held_credentials.all().delete()
    client.force_login(editor)
    url = reverse("admin:reviewers_reviewer_change", args=[profile.pk])
    response = client.post(url, form_data(profile, reviewer, credential_row(verified="on")))
    assert response.status_code == 302
    credential = Credential.objects.get(reviewer=profile)
    assert credential.verified_by == editor and credential.in_force()
    assert profile.unfit_to_review() is None

    other_editor = UserFactory(username="editor-2", group="Editors")
    client.force_login(other_editor)
    renewed = credential_row(id=credential.pk, reviewer=profile.pk, verified="on",
                             valid_until=days(900).isoformat())  # fmt: skip
    assert client.post(url, form_data(profile, reviewer, renewed, initial=1)).status_code == 302
    credential.refresh_from_db()
    assert credential.verified_by == other_editor and credential.valid_until == days(900)

    unticked = credential_row(id=credential.pk, reviewer=profile.pk,
                              valid_until=days(900).isoformat())  # fmt: skip
    assert client.post(url, form_data(profile, reviewer, unticked, initial=1)).status_code == 302
    credential.refresh_from_db()
    assert credential.verified_at is None and credential.verified_by is None
    assert "an editor has verified" in Reviewer.objects.get(pk=profile.pk).unfit_to_review()


def test_nobody_verifies_their_own_credentials(client, db):
    admin_reviewer = UserFactory(username="chief", is_superuser=True)
    profile = Reviewer.objects.create(name="Chief", slug="chief", credentials="MD",
                                      user=admin_reviewer)  # fmt: skip
    client.force_login(admin_reviewer)
    url = reverse("admin:reviewers_reviewer_change", args=[profile.pk])
    response = client.post(url, form_data(profile, admin_reviewer, credential_row(verified="on")))
    assert response.status_code == 200
    assert "You cannot verify your own credentials." in response.content.decode()
    assert not Credential.objects.filter(reviewer=profile).exists()


def test_writers_and_reviewers_cannot_see_credentials_in_the_admin(writer, reviewer):
    for user in (writer, reviewer):
        assert not user.has_perm("reviewers.view_credential")
        assert not user.has_perm("reviewers.change_credential")


def test_the_editors_dashboard_lists_credentials_expiring_or_expired_within_60_days(
    editor, reviewer
):
    profile = reviewer.reviewer_profile
    profile.held_credentials.update(valid_until=days(59))
    CredentialFactory(reviewer=profile, number="LATER", valid_until=days(61))
    CredentialFactory(reviewer=profile, number="GONE", valid_until=days(-1))
    CredentialFactory(reviewer=profile, number="LONG-GONE", valid_until=days(-61))
    [panel] = [p for p in panels_for(editor) if p.title.startswith("Reviewer credentials")]
    gone, soon = panel.rows
    assert (gone["state"], gone["note"]) == ("Expired", f"valid until {days(-1):%d %b %Y}")
    assert soon["title"] == "Jane Roe: Medical licence, Medical Board of California"
    assert (soon["state"], soon["note"]) == ("Expiring", f"valid until {days(59):%d %b %Y}")
    assert soon["url"] == reverse("admin:reviewers_reviewer_change", args=[profile.pk])


def test_a_licence_that_runs_out_leaves_the_documents_on_the_next_publish_due(live, reviewer):
    """Time passing saves nothing: publish_due renders again what still prints it."""
    from django.core.management import call_command

    PublishedArticle.objects.update(rendered_at=timezone.now() - datetime.timedelta(days=2))
    reviewer.reviewer_profile.held_credentials.update(valid_until=days(-1))  # no signal
    assert PublishedArticle.objects.get().document["reviewer"]["verified_credentials"] != []
    call_command("publish_due", verbosity=0)
    assert PublishedArticle.objects.get().document["reviewer"]["verified_credentials"] == []
    assert publishing.rerender_for_lapsed_credentials() == 0  # once only
