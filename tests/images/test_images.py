"""Stored images, their renditions, and storage on disk or in an S3-compatible bucket."""

import socket

import boto3
import pytest
from django.core.files.storage import default_storage, storages

from images.models import Image, Rendition
from tests.factories import stored_image

pytestmark = pytest.mark.django_db


def test_renditions_at_every_standard_width_below_the_original_and_at_its_own_in_two_formats():
    image = stored_image(size=(1000, 500))
    image.generate_renditions()
    widths = {
        (r.format, r.width, r.height) for r in image.renditions.filter(kind=Rendition.Kind.WIDTH)
    }
    assert widths == {
        (fmt, width, width // 2) for fmt in ("WEBP", "PNG") for width in (320, 640, 960, 1000)
    }
    squares = image.renditions.filter(kind=Rendition.Kind.SQUARE)
    assert {(s.width, s.height, s.format) for s in squares} == {
        (320, 320, "WEBP"),
        (500, 500, "WEBP"),
    }
    for rendition in image.renditions.all():
        assert default_storage.exists(rendition.file.name)


def test_a_small_image_is_never_upscaled():
    image = stored_image(size=(200, 150))
    image.generate_renditions()
    assert set(image.renditions.values_list("width", flat=True)) == {150, 200}


def test_public_representation_has_everything_a_frontend_needs():
    image = stored_image(size=(1000, 500), credit="Photo: N. Quinn", focal_x=0.25, focal_y=0.5)
    image.generate_renditions()
    data = Image.objects.prefetch_related("renditions").get(pk=image.pk).as_public()
    assert data["alt"] == "A runner stretching her calf" and data["credit"] == "Photo: N. Quinn"
    assert (data["width"], data["height"]) == (1000, 500)
    assert data["src"].endswith("/original.png")
    assert data["placeholder"].startswith("data:image/webp;base64,")
    assert data["focal_point"] == {"x": 0.25, "y": 0.5}
    assert [part.split()[-1] for part in data["srcset"].split(", ")] == [
        "320w",
        "640w",
        "960w",
        "1000w",
    ]
    assert ".webp 320w" in data["srcset"] and ".png 320w" in data["srcset_original_format"]


def test_changing_the_focal_point_remakes_the_square_crops():
    image = stored_image(size=(1000, 500), focal_x=0.1, focal_y=0.5)
    image.generate_renditions()
    first = image.renditions.get(kind=Rendition.Kind.SQUARE, width=320).file.name
    image.focal_x = 0.9
    image.save()
    image.generate_renditions()
    square = image.renditions.get(kind=Rendition.Kind.SQUARE, width=320)
    assert square.file.name != first
    assert not default_storage.exists(first) and default_storage.exists(square.file.name)


def test_deleting_an_image_deletes_its_files():
    image = stored_image()
    image.generate_renditions()
    names = [image.file.name, *image.renditions.values_list("file", flat=True)]
    image.delete()
    assert not any(default_storage.exists(name) for name in names)
    assert not Rendition.objects.exists()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3_bucket(settings, monkeypatch):
    """A local S3-compatible server (moto) and the storage settings pointing at it."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket="health-media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "health-media",
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "querystring_auth": False,
                "file_overwrite": False,
            },
        },
    }
    storages._storages = {}  # drop storages built with the previous settings
    yield s3
    storages._storages = {}
    server.stop()


def test_s3_storage_round_trip(s3_bucket):
    image = stored_image(size=(700, 350))
    image.generate_renditions()
    keys = {item["Key"] for item in s3_bucket.list_objects_v2(Bucket="health-media")["Contents"]}
    assert image.file.name in keys
    assert {r.file.name for r in image.renditions.all()} <= keys
    body = s3_bucket.get_object(Bucket="health-media", Key=image.file.name)["Body"].read()
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.as_public()["src"].startswith("http://127.0.0.1:")
    image.delete()
    assert s3_bucket.list_objects_v2(Bucket="health-media").get("KeyCount") == 0


def test_make_renditions_fills_in_images_that_have_none():
    import io

    from django.core.management import call_command

    done = stored_image()
    done.generate_renditions()
    missing = stored_image()
    out = io.StringIO()
    call_command("make_renditions", stdout=out)
    assert "Made renditions for 1 image(s)." in out.getvalue()
    assert missing.renditions.exists()
