"""Who may change the account a reviewer profile signs with: an approval speaks for the
physician whose account made it."""

import pytest
from django.urls import reverse

from reviewers.models import Reviewer
from tests.factories import ReviewerFactory, UserFactory

pytestmark = pytest.mark.django_db


def form_data(profile, user, *credentials, initial=0):
    """The reviewer admin's form data; `credentials` are the inline's rows (dicts of fields)."""
    return {
        "name": profile.name,
        "slug": profile.slug,
        "credentials": profile.credentials,
        "specialty": profile.specialty,
        "bio": "",
        "user": user.pk if user else "",
        "is_active": "on",
        **credentials_formset(*credentials, initial=initial),
    }


def credentials_formset(*rows, initial=0):
    data = {
        "held_credentials-TOTAL_FORMS": str(len(rows)),
        "held_credentials-INITIAL_FORMS": str(initial),
        "held_credentials-MIN_NUM_FORMS": "0",
        "held_credentials-MAX_NUM_FORMS": "1000",
    }
    for number, row in enumerate(rows):
        data |= {f"held_credentials-{number}-{name}": value for name, value in row.items()}
    return data


def test_an_editor_cannot_move_a_linked_profile_to_their_own_account(client, editor, reviewer):
    profile = reviewer.reviewer_profile
    client.force_login(editor)
    url = reverse("admin:reviewers_reviewer_change", args=[profile.pk])
    response = client.post(url, form_data(profile, editor))
    assert response.status_code == 200
    assert "your own account" in response.content.decode()
    assert Reviewer.objects.get(pk=profile.pk).user_id == reviewer.pk


def test_an_editor_cannot_move_a_linked_profile_to_another_account(client, editor, reviewer):
    profile = reviewer.reviewer_profile
    client.force_login(editor)
    url = reverse("admin:reviewers_reviewer_change", args=[profile.pk])
    for user in (UserFactory(username="someone-else"), None):
        response = client.post(url, form_data(profile, user))
        assert "Only an administrator changes the account" in response.content.decode()
    assert Reviewer.objects.get(pk=profile.pk).user_id == reviewer.pk


def test_an_editor_links_a_new_profile_and_edits_the_rest_of_an_existing_one(
    client, editor, reviewer
):
    client.force_login(editor)
    physician = UserFactory(username="new-physician", group="Reviewers")
    new = ReviewerFactory.build(name="Ann Lee", slug="ann-lee")
    response = client.post(reverse("admin:reviewers_reviewer_add"), form_data(new, physician))
    assert response.status_code == 302
    assert Reviewer.objects.get(slug="ann-lee").user == physician
    profile = reviewer.reviewer_profile
    data = form_data(profile, reviewer) | {"specialty": "Sports medicine"}
    url = reverse("admin:reviewers_reviewer_change", args=[profile.pk])
    assert client.post(url, data).status_code == 302
    assert Reviewer.objects.get(pk=profile.pk).specialty == "Sports medicine"


def test_a_superuser_may_relink_a_profile(client, reviewer):
    admin = UserFactory(username="root", is_superuser=True)
    client.force_login(admin)
    profile = reviewer.reviewer_profile
    other = UserFactory(username="successor")
    url = reverse("admin:reviewers_reviewer_change", args=[profile.pk])
    assert client.post(url, form_data(profile, other)).status_code == 302
    assert Reviewer.objects.get(pk=profile.pk).user == other
