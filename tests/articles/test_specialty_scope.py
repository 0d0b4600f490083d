"""Issue #21, point 2: condition tags name the specialties that may approve them; a reviewer
outside an article's specialties is assigned only by an editor, with a reason the audit trail
keeps."""

import pytest
from django.urls import reverse

from articles.models import Article, Transition
from tags.models import Tag
from tests.factories import ArticleFactory, SectionFactory, TagFactory, api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def specialties(reviewer, second_reviewer):
    """Jane Roe is an orthopedist, Ada Poe a rheumatologist; gout calls for rheumatology."""
    orthopedics = TagFactory(name="Orthopedics", slug="orthopedics", kind=Tag.Kind.SPECIALTY)
    rheumatology = TagFactory(name="Rheumatology", slug="rheumatology", kind=Tag.Kind.SPECIALTY)
    gout = TagFactory(name="Gout", slug="gout", kind=Tag.Kind.CONDITION)
    gout.approving_specialties.set([rheumatology])
    reviewer.reviewer_profile.specialties.set([orthopedics])
    second_reviewer.reviewer_profile.specialties.set([rheumatology])
    return gout


@pytest.fixture
def gout_article(writer, specialties):
    article = ArticleFactory(author=writer, slug="gout-flares", title="Gout flares")
    SectionFactory(article=article)
    article.tags.set([specialties])
    return article


def submit(user, article, reviewer_slug, **extra):
    return api_client(user).post(
        f"/api/v1/editorial/articles/{article.pk}/submit/",
        {"reviewers": [reviewer_slug], **extra},
        format="json",
    )


def test_a_reviewer_outside_the_conditions_specialties_cannot_be_assigned(writer, gout_article):
    refused = submit(writer, gout_article, "jane-roe")
    assert refused.status_code == 400
    assert (
        "Jane Roe, MD is outside this article's specialties (Rheumatology)."
        in (refused.json()["detail"])
    )
    assert Article.objects.get(pk=gout_article.pk).state == Article.State.DRAFT
    # A writer's reason changes nothing: overriding is an editor's call.
    assert submit(writer, gout_article, "jane-roe", scope_override="Nobody else").status_code == 400
    assert submit(writer, gout_article, "ada-poe").status_code == 200


def test_an_article_whose_tags_call_for_no_specialty_goes_to_anyone(writer, reviewer, specialties):
    article = ArticleFactory(author=writer)
    article.tags.set([TagFactory(kind=Tag.Kind.TOPIC)])
    assert submit(writer, article, "jane-roe").status_code == 200


def test_a_specialty_tag_added_by_the_writer_does_not_widen_a_conditions_scope(
    writer, gout_article
):
    gout_article.tags.add(Tag.objects.get(slug="orthopedics"))
    refused = submit(writer, gout_article, "jane-roe")
    assert refused.status_code == 400 and "(Rheumatology)" in refused.json()["detail"]


def test_a_specialty_tag_calls_for_its_own_specialty(writer, second_reviewer, specialties):
    article = ArticleFactory(author=writer)
    article.tags.set([Tag.objects.get(slug="orthopedics")])
    assert submit(writer, article, "ada-poe").status_code == 400
    assert submit(writer, article, "jane-roe").status_code == 200


def test_an_editor_overrides_with_a_reason_that_the_audit_trail_keeps(editor, gout_article, client):
    without_reason = submit(editor, gout_article, "jane-roe")
    assert without_reason.status_code == 400
    assert "give the reason for the override" in without_reason.json()["detail"]
    response = submit(editor, gout_article, "jane-roe", comment="Please check the doses.",
                      scope_override="Our rheumatologist is on leave until March.")  # fmt: skip
    assert response.status_code == 200, response.json()
    move = Transition.objects.get(article=gout_article, action="submit")
    assert move.comment == (
        "Please check the doses.\n\nSpecialty scope overridden: Jane Roe, MD is outside this "
        "article's specialties (Rheumatology). Reason: Our rheumatologist is on leave until "
        "March."
    )
    client.force_login(editor)
    trail = client.get(reverse("admin:articles_transition_changelist")).content.decode()
    assert "Our rheumatologist is on leave until March." in trail


def test_recertification_keeps_to_the_specialties_too(editor, writer, second_reviewer, publish,
                                                        specialties):  # fmt: skip
    article = ArticleFactory(author=writer, slug="gout", title="Gout")
    SectionFactory(article=article)
    article.tags.set([specialties])
    # Published before the scope was set for the condition.
    specialties.approving_specialties.clear()
    publish(article)
    specialties.approving_specialties.set([Tag.objects.get(slug="rheumatology")])
    url = f"/api/v1/editorial/articles/{article.pk}/recertify/"
    api = api_client(writer)
    assert api.post(url, {"reviewers": ["jane-roe"]}, format="json").status_code == 400
    assert api.post(url, {"reviewers": ["ada-poe"]}, format="json").status_code == 200


def test_in_the_admin_only_editors_are_offered_the_override(client, writer, editor, gout_article):
    url = reverse("admin:articles_article_move", args=[gout_article.pk, "submit"])
    client.force_login(writer)
    assert "scope_override" not in client.get(url).content.decode()
    refused = client.post(url, {"reviewers": [workflow_reviewer_pk("jane-roe")]})
    assert "outside this article&#x27;s specialties" in refused.content.decode()

    client.force_login(editor)
    assert "Outside the article" in client.get(url).content.decode()
    client.post(url, {"reviewers": [workflow_reviewer_pk("jane-roe")],
                      "scope_override": "Second opinion wanted."})  # fmt: skip
    assert Article.objects.get(pk=gout_article.pk).state == Article.State.IN_REVIEW
    assert "Second opinion wanted." in Transition.objects.get(action="submit").comment


def workflow_reviewer_pk(slug):
    from reviewers.models import Reviewer

    return Reviewer.objects.get(slug=slug).pk


def test_only_a_condition_names_approving_specialties(client, editor, specialties):
    client.force_login(editor)
    orthopedics = Tag.objects.get(slug="orthopedics")
    response = client.post(
        reverse("admin:tags_tag_change", args=[orthopedics.pk]),
        {"name": "Orthopedics", "kind": "specialty", "description": "",
         "approving_specialties": [Tag.objects.get(slug="rheumatology").pk],
         "codes-TOTAL_FORMS": "0", "codes-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Only a condition names the specialties" in response.content.decode()
    assert not orthopedics.approving_specialties.exists()
