"""Tags are printed in every live article that carries them, and articles name them by slug in
each reviewed revision: editors add and change tags, writers pick from them, and nobody changes
a slug."""

import pytest
from django.urls import reverse

from tags.models import Tag
from tests.factories import TagFactory

pytestmark = pytest.mark.django_db


def codes_formset(*rows, initial=0):
    """The admin's inline form data for a tag's codes: `rows` of (system, code, display)."""
    data = {
        "codes-TOTAL_FORMS": str(len(rows)),
        "codes-INITIAL_FORMS": str(initial),
        "codes-MIN_NUM_FORMS": "0",
        "codes-MAX_NUM_FORMS": "1000",
    }
    for number, (system, code, display) in enumerate(rows):
        data |= {
            f"codes-{number}-system": system,
            f"codes-{number}-code": code,
            f"codes-{number}-display": display,
        }
    return data


def test_writers_neither_add_nor_change_tags(client, writer):
    tag = TagFactory(name="Hip Pain", slug="hip-pain")
    client.force_login(writer)
    assert not writer.has_perm("tags.add_tag")
    response = client.post(reverse("admin:tags_tag_add"), {"name": "Hip Pian", "slug": "hip-pian"})
    assert response.status_code == 403
    assert not Tag.objects.filter(slug="hip-pian").exists()
    url = reverse("admin:tags_tag_change", args=[tag.pk])
    response = client.post(url, {"name": "Gone", "slug": "gone", "kind": tag.kind})
    assert response.status_code == 403
    assert Tag.objects.get(pk=tag.pk).slug == "hip-pain"


def test_an_editor_renames_a_tag_but_its_slug_stays(client, editor):
    tag = TagFactory(name="Hip Pain", slug="hip-pain")
    client.force_login(editor)
    url = reverse("admin:tags_tag_change", args=[tag.pk])
    data = {"name": "Hip pain", "slug": "renamed", "kind": tag.kind, "description": ""}
    assert client.post(url, data | codes_formset()).status_code == 302
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("Hip pain", "hip-pain")


def test_only_editors_get_the_add_tag_button_on_the_article_form(client, writer, editor):
    add_article = reverse("admin:articles_article_add")
    client.force_login(writer)
    assert 'id="add_id_tags"' not in client.get(add_article).text
    client.force_login(editor)
    assert 'id="add_id_tags"' in client.get(add_article).text
