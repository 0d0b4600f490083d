"""Images of extreme shape and files cut short are refused at upload, by every channel, with
the same sentence; every image accepted gets every rendition, one at its own width included."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from PIL import Image as PillowImage
from rest_framework.test import APIClient

from articles.generating import generate
from articles.importing import import_file
from articles.models import Article, PublishedArticle
from images import processing
from images.models import Image, Rendition
from tests.factories import ArticleFactory, SectionFactory, image_bytes, stored_image

# The most pixels a side may have in each format a rendition is written in.
LARGEST_SIDE = {"WEBP": 16_383, "JPEG": 65_535, "PNG": 2**31 - 1}

WIDE = "This image is 40000 x 1 pixels, 40000 times as wide as it is tall"
TALL = "This image is 1 x 40000 pixels, 40000 times as tall as it is wide"
LIMIT = "images may be at most 8 times as wide as tall or as tall as wide"
CUT = "The file ends before the picture does; it may have been cut short in the upload."


def cut_png():
    content = image_bytes((400, 300), "PNG")
    return content[:-12]  # without its last chunk: Pillow still decodes every pixel


# (file name, content, words of the sentence refusing it)
REFUSED = {
    "wide": lambda: ("strip.png", image_bytes((40000, 1), "PNG"), [WIDE, LIMIT]),
    "tall": lambda: ("column.png", image_bytes((1, 40000), "PNG"), [TALL, LIMIT]),
    "cut": lambda: ("cut.png", cut_png(), [CUT]),
}


def refusal(name, content):
    with pytest.raises(ValidationError) as caught:
        processing.clean_upload(SimpleUploadedFile(name, content))
    return caught.value.code, " ".join(caught.value.messages)


@pytest.mark.parametrize(
    ("size", "words"),
    [((40000, 1), WIDE), ((1, 40000), TALL), ((900, 100), "9 times as wide as it is tall")],
)
def test_an_image_of_extreme_shape_is_refused_with_its_shape_and_the_limit(size, words):
    code, message = refusal("strip.png", image_bytes(size, "PNG"))
    assert code == "extreme_shape"
    assert words in message and LIMIT in message


@pytest.mark.parametrize(
    ("image_format", "name", "cut"),
    [
        ("PNG", "cut.png", 1),  # only the last chunk's checksum missing
        ("PNG", "cut.png", 4),
        ("PNG", "cut.png", 12),  # the whole last chunk missing
        ("PNG", "cut.png", 20),
        ("PNG", "cut.png", "half"),
        ("JPEG", "cut.jpg", 2),
        ("JPEG", "cut.jpg", "half"),
        ("WEBP", "cut.webp", 10),
    ],
)
def test_a_file_cut_short_is_refused_as_cut_short(image_format, name, cut):
    content = image_bytes((400, 300), image_format)
    kept = len(content) // 2 if cut == "half" else len(content) - cut
    code, message = refusal(name, content[:kept])
    assert code == "truncated" and CUT in message and "Upload it again." in message


def test_a_damaged_png_is_refused_as_damaged():
    content = bytearray(image_bytes((400, 300), "PNG"))
    middle = content.index(b"IDAT") + 20
    content[middle] ^= 0xFF  # one byte of the pixel data changed: its checksum no longer fits
    code, message = refusal("damaged.png", bytes(content))
    assert code == "damaged" and "damaged or incomplete" in message


def test_a_jpeg_carrying_more_after_its_end_is_accepted():
    # Phones append a video (motion photos) or other data after the JPEG's end marker.
    content = image_bytes((400, 300), "JPEG") + b"\x00\x00\x00\x18ftypmp42" + b"\x01" * 500
    clean = processing.clean_upload(SimpleUploadedFile("motion.jpg", content))
    assert (clean.width, clean.height) == (400, 300)


@pytest.mark.parametrize(
    ("original", "widths"),
    [
        (900, [320, 640, 900]),
        (640, [320, 640]),
        (1000, [320, 640, 960, 1000]),
        (1920, [320, 640, 960, 1280, 1920]),
        (4000, [320, 640, 960, 1280, 1920]),
        (200, [200]),
    ],
)
def test_rendition_widths_end_at_the_originals_own_width(original, widths):
    assert processing.rendition_widths(original) == widths


@pytest.mark.parametrize(
    "size",
    [
        (2236, 17888),  # as tall as allowed, as many pixels as allowed: 1920 wide is 15,360 tall
        (17888, 2236),
        (1920, 15360),
        (1900, 15200),
        (16383, 2048),
        (2560, 320),
        (8, 1),
        (1, 8),
        (1, 1),
    ],
)
def test_every_planned_rendition_of_an_image_at_the_limits_has_a_size_its_format_can_hold(size):
    width, height = size
    assert width * height <= 40_000_000
    image = Image(width=width, height=height, format="PNG", focal_x=0.9, focal_y=0.1)
    for _kind, rendition_width, image_format, crop in image.rendition_plan():
        planned = image.planned_size(rendition_width, crop)
        assert min(planned) >= 1 and max(planned) <= LARGEST_SIDE[image_format], planned


@pytest.mark.django_db
@pytest.mark.parametrize("size", [(2400, 300), (300, 2400), (8, 1), (1, 8), (1, 1)])
def test_an_image_at_the_allowed_extreme_gets_every_rendition(size):
    image = stored_image(size=size)
    image.generate_renditions()
    made = {(r.kind, r.format, r.width, r.height) for r in image.renditions.all()}
    planned = {
        (kind, image_format, *image.planned_size(width, crop))
        for kind, width, image_format, crop in image.rendition_plan()
    }
    assert made == planned and not image.lacks_renditions()
    for rendition in image.renditions.all():
        with rendition.file.open("rb") as stored:
            assert PillowImage.open(stored).size == (rendition.width, rendition.height)


@pytest.mark.django_db
def test_a_900_pixel_image_gets_a_rendition_at_its_own_width_in_its_srcset():
    image = stored_image(size=(900, 600))
    image.generate_renditions()
    widths = {(r.format, r.width) for r in image.renditions.filter(kind=Rendition.Kind.WIDTH)}
    assert widths == {(fmt, width) for fmt in ("WEBP", "PNG") for width in (320, 640, 900)}
    squares = image.renditions.filter(kind=Rendition.Kind.SQUARE)
    assert sorted(squares.values_list("width", flat=True)) == [320, 600]
    public = Image.objects.prefetch_related("renditions").get(pk=image.pk).as_public()
    assert [entry.split()[-1] for entry in public["srcset"].split(", ")] == [
        "320w",
        "640w",
        "900w",
    ]
    assert public["srcset_original_format"].endswith(".png 900w")
    assert public["square_srcset"].endswith(" 600w")


@pytest.fixture
def tasks_run_inline(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.django_db
def test_make_renditions_fills_in_the_originals_width_and_live_documents_get_it(
    writer, publish, tasks_run_inline, django_capture_on_commit_callbacks
):
    image = stored_image(size=(900, 600))
    image.generate_renditions()
    # As an image made before the plan had the original's width: no 900 rendition.
    for rendition in image.renditions.filter(width=900):
        rendition.file.delete(save=False)
        rendition.delete()
    article = ArticleFactory(author=writer, slug="calf-cramps", hero_image=image)
    SectionFactory(article=article)
    publish(article)
    assert "900w" not in PublishedArticle.objects.get().document["hero_image"]["srcset"]
    assert image.lacks_renditions()

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("make_renditions", stdout=out)
    assert "Made renditions for 1 image(s)." in out.getvalue()
    document = APIClient().get("/api/v1/articles/calf-cramps/").json()
    assert document["hero_image"]["srcset"].endswith(" 900w")
    assert PublishedArticle.objects.get().document["hero_image"]["srcset"].endswith(" 900w")


@pytest.mark.django_db
def test_make_renditions_reports_an_image_it_cannot_render_and_carries_on():
    # Stored before uploads were checked for their shape: no rendition of it can be made.
    strip = Image(alt="A strip", format="PNG", placeholder="")
    strip.file.save("upload.png", ContentFile(image_bytes((40000, 1), "PNG")), save=False)
    strip.width, strip.height = 40000, 1
    strip.save()
    fine = stored_image()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match=f"No renditions for image\\(s\\) {strip.pk}"):
        call_command("make_renditions", stdout=out, stderr=err)
    assert f"Image {strip.pk}:" in err.getvalue()
    assert "Made renditions for 1 image(s)." in out.getvalue()
    assert fine.renditions.exists() and not fine.lacks_renditions()


@pytest.mark.django_db
@pytest.mark.parametrize("refused", sorted(REFUSED))
def test_the_editorial_api_refuses_it_with_the_sentence(writer, refused):
    name, content, words = REFUSED[refused]()
    client = APIClient()
    client.force_authenticate(writer)
    response = client.post(
        "/api/v1/editorial/images/",
        {"file": SimpleUploadedFile(name, content), "alt": "A picture"},
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    [sentence] = body["errors"]["file"]
    assert all(part in sentence for part in words)
    assert not Image.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("refused", sorted(REFUSED))
def test_the_admin_upload_form_refuses_it_with_the_sentence(editor_client, refused):
    name, content, words = REFUSED[refused]()
    response = editor_client.post(
        "/admin/images/image/add/", {"file": SimpleUploadedFile(name, content), "alt": "A picture"}
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["file"]
    assert all(part in errors[0] for part in words)
    assert not Image.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("refused", sorted(REFUSED))
def test_the_importer_refuses_it_with_the_sentence(tmp_path, refused):
    name, content, words = REFUSED[refused]()
    (tmp_path / name).write_bytes(content)
    line = next(generate(1, seed=1))
    line.update(slug="pictured", related=[], hero_image={"file": name, "alt": "A picture"})
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(line) + "\n")
    report = import_file(path, publish=True)
    [error] = report.errors
    assert error.startswith(f"line 1: hero_image {name}: ")
    assert all(part in error for part in words)
    assert not Article.objects.exists() and not Image.objects.exists()
