"""Who may change an image, and how a locked image (part of reviewed content) never changes."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.urls import reverse

from images.models import Image, ImageLockedError, Rendition
from tests.factories import stored_image

pytestmark = pytest.mark.django_db


def change_url(image):
    return reverse("admin:images_image_change", args=[image.pk])


def copy_url(image):
    return reverse("admin:images_image_copy", args=[image.pk])


def details(**changes):
    return {"alt": "A knee brace", "credit": "", "focal_x": "", "focal_y": ""} | changes


@pytest.fixture
def uploaded(writer):
    return stored_image(alt="A knee brace", uploaded_by=writer)


@pytest.fixture
def locked(writer):
    image = stored_image(
        alt="A runner stretching her calf",
        credit="Photo: N. Quinn",
        focal_x=0.1,
        focal_y=0.5,
        size=(1000, 500),
        uploaded_by=writer,
    )
    image.generate_renditions()
    Image.objects.filter(pk=image.pk).lock()
    image.refresh_from_db()
    return image


def test_another_writer_may_not_change_an_image_they_did_not_upload(client, other_writer, uploaded):
    client.force_login(other_writer)
    page = client.get(change_url(uploaded))
    assert page.status_code == 200  # they still see it, read-only
    assert "Only its uploader or an editor may change this image." in page.content.decode()
    response = client.post(change_url(uploaded), details(alt="Someone else's words"))
    assert response.status_code == 403
    uploaded.refresh_from_db()
    assert uploaded.alt == "A knee brace"


def test_the_uploader_changes_their_own_image(writer_client, uploaded):
    response = writer_client.post(change_url(uploaded), details(alt="A knee brace, side view"))
    assert response.status_code == 302
    uploaded.refresh_from_db()
    assert uploaded.alt == "A knee brace, side view"


def test_an_editor_changes_anyones_unlocked_image(
    editor_client, uploaded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(change_url(uploaded), details(focal_x="0.2", focal_y="0.3"))
    assert response.status_code == 302
    uploaded.refresh_from_db()
    assert uploaded.focal_point == {"x": 0.2, "y": 0.3}
    assert uploaded.renditions.filter(kind=Rendition.Kind.SQUARE).exists()


def test_lock_sets_the_time_once():
    image = stored_image()
    assert image.locked_at is None
    assert Image.objects.filter(pk=image.pk).lock() == 1
    first = Image.objects.get(pk=image.pk).locked_at
    assert first is not None
    assert Image.objects.filter(pk=image.pk).lock() == 0
    assert Image.objects.get(pk=image.pk).locked_at == first


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("alt", lambda: "New words"),
        ("credit", lambda: "Photo: someone"),
        ("focal_x", lambda: 0.9),
        ("file", lambda: stored_image(alt="Another picture").file.name),
    ],
)
def test_a_locked_image_refuses_changes_to_what_was_reviewed(locked, field, value):
    setattr(locked, field, value())
    with pytest.raises(ImageLockedError, match="part of reviewed content"):
        locked.save()
    stored = Image.objects.get(pk=locked.pk)
    assert (stored.alt, stored.credit, stored.focal_x) == (
        "A runner stretching her calf",
        "Photo: N. Quinn",
        0.1,
    )


def test_a_copy_loaded_before_the_lock_cannot_change_or_unlock_it(writer):
    image = stored_image(uploaded_by=writer)
    stale = Image.objects.get(pk=image.pk)
    Image.objects.filter(pk=image.pk).lock()
    stale.alt = "Changed after review"
    with pytest.raises(ImageLockedError):
        stale.save()
    unchanged = Image.objects.get(pk=image.pk)
    unchanged.save()  # saving without changes keeps the lock
    assert Image.objects.get(pk=image.pk).locked_at is not None


@pytest.mark.parametrize("who", ["writer", "editor"])
def test_nobody_changes_a_locked_image_in_the_admin(client, locked, request, who):
    client.force_login(request.getfixturevalue(who))
    squares = list(locked.renditions.values_list("file", flat=True))
    page = client.get(change_url(locked)).content.decode()
    assert "part of reviewed content" in page
    assert f'href="{copy_url(locked)}"' in page
    assert 'name="alt"' not in page  # read-only
    assert reverse("admin:images_image_delete", args=[locked.pk]) not in page
    response = client.post(change_url(locked), details(alt="Changed", focal_x="0.9", focal_y="0.5"))
    assert response.status_code == 403
    locked.refresh_from_db()
    assert (locked.alt, locked.focal_x) == ("A runner stretching her calf", 0.1)
    assert list(locked.renditions.values_list("file", flat=True)) == squares
    deleting = client.post(reverse("admin:images_image_delete", args=[locked.pk]), {"post": "yes"})
    assert deleting.status_code == 403
    assert Image.objects.filter(pk=locked.pk).exists()


def test_save_as_a_new_image_copies_the_picture_and_leaves_the_locked_one_alone(
    client, other_writer, locked, django_capture_on_commit_callbacks
):
    client.force_login(other_writer)  # someone else's image: they may still copy it
    old_renditions = {(r.pk, r.file.name) for r in locked.renditions.all()}
    form = client.get(copy_url(locked))
    assert form.status_code == 200
    assert form.context["adminform"].form.initial["alt"] == "A runner stretching her calf"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            copy_url(locked),
            details(alt="A runner at the wall", credit="Photo: N. Quinn", focal_x="0.9",
                    focal_y="0.5"),
            follow=True,
        )  # fmt: skip
    new = Image.objects.exclude(pk=locked.pk).get()
    assert response.redirect_chain[-1][0] == change_url(new)
    messages = [str(message) for message in response.context["messages"]]
    assert any("Pick it as the hero image" in message for message in messages)
    assert (new.alt, new.credit, new.focal_point) == (
        "A runner at the wall",
        "Photo: N. Quinn",
        {"x": 0.9, "y": 0.5},
    )
    assert new.uploaded_by == other_writer and new.locked_at is None
    assert new.key != locked.key and new.file.name != locked.file.name
    with new.file.open("rb") as copied, locked.file.open("rb") as original:
        assert copied.read() == original.read()
    assert (new.width, new.height, new.format) == (1000, 500, "PNG")
    assert new.renditions.filter(kind=Rendition.Kind.SQUARE).exists()
    locked.refresh_from_db()
    assert (locked.alt, locked.focal_x, locked.uploaded_by_id) == (
        "A runner stretching her calf",
        0.1,
        locked.uploaded_by_id,
    )
    assert {(r.pk, r.file.name) for r in locked.renditions.all()} == old_renditions
    assert all(default_storage.exists(name) for _, name in old_renditions)


def test_save_as_a_new_image_needs_the_right_to_add_images(client, reviewer, locked):
    client.force_login(reviewer)  # reviewers see images but do not upload them
    assert client.get(copy_url(locked)).status_code == 403
    assert "Save as a new image" not in client.get(change_url(locked)).content.decode()
    assert Image.objects.count() == 1


def test_hero_image_autocomplete_lists_other_writers_images_for_a_writer(
    writer_client, other_writer
):
    theirs = stored_image(alt="A swollen ankle", uploaded_by=other_writer)
    Image.objects.filter(pk=theirs.pk).lock()
    response = writer_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": "hero_image",
            "term": "ankle",
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(theirs.pk)]


def test_editors_may_change_any_image_and_writers_may_not(editor, writer):
    assert (
        Group.objects.get(name="Editors")
        .permissions.filter(content_type__app_label="images", codename="change_any_image")
        .exists()
    )
    assert editor.has_perm("images.change_any_image")
    assert not writer.has_perm("images.change_any_image")


def test_copying_a_picture_keeps_its_bytes_under_a_new_name(locked):
    copy = Image(alt="Copy")
    copy.copy_picture_from(locked)
    copy.save()
    assert copy.file.name.startswith(f"images/{copy.key}/original.")
    with copy.file.open("rb") as copied, locked.file.open("rb") as original:
        assert copied.read() == original.read()
    assert (copy.width, copy.height, copy.format, copy.placeholder) == (
        locked.width,
        locked.height,
        locked.format,
        locked.placeholder,
    )
