"""Images through the editorial API and the admin, in published documents, and their cleanup."""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import ProtectedError
from django.utils import timezone
from rest_framework.test import APIClient

from articles import workflow
from articles.models import Article, PublishedArticle
from images.models import Image
from tests.factories import ArticleFactory, SectionFactory, image_upload, stored_image

pytestmark = pytest.mark.django_db
IMAGES = "/api/v1/editorial/images/"


@pytest.fixture(autouse=True)
def tasks_run_inline(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_upload_answers_201_with_the_image_and_then_its_renditions(
    writer, django_capture_on_commit_callbacks
):
    client = api_as(writer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            IMAGES,
            {
                "file": image_upload("calf.jpg", size=(1400, 700)),
                "alt": "A runner stretching her calf against a wall",
                "credit": "Photo: N. Quinn",
                "focal_x": "0.3",
                "focal_y": "0.4",
            },
            format="multipart",
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["width"], body["height"], body["format"]) == (1400, 700, "jpeg")
    assert body["placeholder"].startswith("data:image/webp;base64,")
    assert body["focal_point"] == {"x": 0.3, "y": 0.4}
    planned = {(r["kind"], r["format"], r["width"], r["height"]) for r in body["renditions"]}
    assert ("width", "webp", 640, 320) in planned and ("width", "jpeg", 1280, 640) in planned
    assert ("square", "webp", 640, 640) in planned
    detail = client.get(f"{IMAGES}{body['id']}/").json()
    assert all(r["src"] for r in detail["renditions"])
    assert {(r["kind"], r["format"], r["width"], r["height"]) for r in detail["renditions"]} == (
        planned
    )
    assert detail["srcset"].count("w,") == 4  # 320, 640, 960, 1280 and 1400: five entries
    assert "1280w" in detail["srcset"] and ".jpg 640w" in detail["srcset_original_format"]


@pytest.mark.parametrize(
    ("file", "reason"),
    [
        (lambda: image_upload("calf.png", image_format="JPEG"), "but its name ends"),
        (lambda: io.BytesIO(b"<svg onload=alert(1)>"), "not an image"),
    ],
)
def test_a_bad_upload_answers_400_with_the_reason_and_stores_nothing(writer, file, reason):
    upload = file()
    if isinstance(upload, io.BytesIO):
        upload.name = "drawing.svg"
    response = api_as(writer).post(IMAGES, {"file": upload, "alt": "x"}, format="multipart")
    assert response.status_code == 400
    assert reason in str(response.json()["errors"]["file"])
    assert not Image.objects.exists()


def test_alt_text_is_required_and_a_focal_point_needs_both_coordinates(writer):
    response = api_as(writer).post(
        IMAGES, {"file": image_upload(), "alt": "", "focal_x": "0.5"}, format="multipart"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "alt" in errors


def test_only_staff_who_may_add_images_upload(reviewer):
    assert APIClient().post(IMAGES, {}, format="multipart").status_code == 401
    response = api_as(reviewer).post(
        IMAGES, {"file": image_upload(), "alt": "A photo"}, format="multipart"
    )
    assert response.status_code == 403


@pytest.fixture
def illustrated(writer):
    image = stored_image(alt="A runner stretching her calf", credit="Photo: N. Quinn")
    image.generate_renditions()
    article = ArticleFactory(author=writer, slug="calf-cramps", hero_image=image)
    SectionFactory(article=article)
    return article


def test_the_public_document_carries_the_image_with_its_srcset(illustrated, publish):
    publish(illustrated)
    document = APIClient().get("/api/v1/articles/calf-cramps/").json()
    hero = document["hero_image"]
    assert hero["alt"] == "A runner stretching her calf" and hero["credit"] == "Photo: N. Quinn"
    assert (hero["width"], hero["height"]) == (800, 600)
    assert hero["src"] and hero["placeholder"] and "640w" in hero["srcset"]
    assert document["json_ld"]["image"]["url"] == hero["src"]
    card = APIClient().get("/api/v1/articles/").json()["results"][0]
    assert card["hero_image"]["srcset"] == hero["srcset"]


def test_editorial_api_sets_the_hero_image_by_id(writer, illustrated):
    other = stored_image(alt="A knee brace")
    response = api_as(writer).patch(
        f"/api/v1/editorial/articles/{illustrated.pk}/",
        {"hero_image": other.pk, "version": 1},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["hero_image"]["alt"] == "A knee brace"
    missing = api_as(writer).patch(
        f"/api/v1/editorial/articles/{illustrated.pk}/",
        {"hero_image": 999999, "version": 2},
        format="json",
    )
    assert missing.status_code == 400


def test_replacing_the_image_changes_nothing_live_until_the_new_revision_is_published(
    writer, illustrated, publish
):
    publish(illustrated)
    first = PublishedArticle.objects.get(article=illustrated).document["hero_image"]
    article = Article.objects.get(pk=illustrated.pk)
    workflow.begin_edit(article=article, by=writer)
    article.hero_image = stored_image(alt="A new photo")
    article.save()
    workflow.record_edit(article=article, by=writer)
    live = PublishedArticle.objects.get(article=illustrated).document["hero_image"]
    assert live == first
    with pytest.raises(ProtectedError):
        Image.objects.get(pk=first["id"]).delete()  # a revision was reviewed with it
    publish(Article.objects.get(pk=illustrated.pk))
    live = PublishedArticle.objects.get(article=illustrated).document["hero_image"]
    assert live["alt"] == "A new photo"


def test_renditions_made_after_publishing_reach_the_live_document(writer, publish):
    image = stored_image()
    article = ArticleFactory(author=writer, slug="late-renditions", hero_image=image)
    SectionFactory(article=article)
    publish(article)
    assert PublishedArticle.objects.get().document["hero_image"]["srcset"] == ""
    from images.tasks import generate_renditions

    generate_renditions.call(image.pk)
    assert "320w" in PublishedArticle.objects.get().document["hero_image"]["srcset"]


def test_an_image_replaced_before_review_is_deleted_with_its_files(writer):
    old = stored_image(alt="First try", uploaded_by=writer)
    old.generate_renditions()
    names = [old.file.name, *old.renditions.values_list("file", flat=True)]
    article = ArticleFactory(author=writer, hero_image=old)
    new = stored_image(alt="Second try")
    from articles import editing

    editing.update_article(
        article=article, by=writer, content=editing.WorkingCopy(fields={"hero_image": new})
    )
    assert not Image.objects.filter(pk=old.pk).exists()
    assert not any(default_storage.exists(name) for name in names)


def test_replacing_someone_elses_image_leaves_it_alone(writer, other_writer):
    """Picking another writer's image, then another, must not delete their upload."""
    theirs = stored_image(alt="Their photo", uploaded_by=writer)
    article = ArticleFactory(author=other_writer, hero_image=theirs)
    from articles import editing

    editing.update_article(
        article=article, by=other_writer, content=editing.WorkingCopy(fields={"hero_image": None})
    )
    assert Image.objects.filter(pk=theirs.pk).exists()


def test_cleanup_command_deletes_old_unused_uploads_only(writer, illustrated):
    unused_old = stored_image(alt="Never used")
    Image.objects.filter(pk=unused_old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    unused_fresh = stored_image(alt="Just uploaded")
    out = io.StringIO()
    call_command("cleanup_images", stdout=out)
    assert "Deleted: 1 image(s)." in out.getvalue()
    remaining = set(Image.objects.values_list("pk", flat=True))
    assert remaining == {illustrated.hero_image_id, unused_fresh.pk}


def test_admin_upload_lists_thumbnails_and_requires_alt_text(editor, client):
    client.force_login(editor)
    response = client.post(
        "/admin/images/image/add/", {"file": image_upload("knee.png"), "alt": ""}
    )
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    response = client.post(
        "/admin/images/image/add/",
        {"file": image_upload("bad.png", image_format="JPEG"), "alt": "x"},
    )
    assert "but its name ends" in response.content.decode()
    response = client.post(
        "/admin/images/image/add/", {"file": image_upload("knee.png"), "alt": "A knee brace"}
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.uploaded_by == editor
    listing = client.get("/admin/images/image/").content.decode()
    assert f'src="{image.file.url}"' in listing and 'alt="A knee brace"' in listing
