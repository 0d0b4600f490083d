"""Upload safety: only real JPEG, PNG and WebP images within the limits, stored without metadata."""

import base64
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PillowImage

from images import processing
from tests.factories import image_bytes, image_upload


def upload(name, content):
    return SimpleUploadedFile(name, content)


def rejection(file):
    with pytest.raises(ValidationError) as caught:
        processing.clean_upload(file)
    return caught.value.code, " ".join(caught.value.messages)


def test_a_truncated_file_is_refused():
    content = image_bytes((400, 300), "JPEG")
    code, message = rejection(upload("photo.jpg", content[: len(content) // 2]))
    assert code == "truncated" and "cut short in the upload" in message


def test_a_file_whose_name_lies_about_its_format_is_refused():
    code, message = rejection(upload("photo.png", image_bytes((40, 30), "JPEG")))
    assert code == "wrong_extension"
    assert "JPEG image" in message and ".png" in message


def test_a_decompression_bomb_is_refused(settings):
    settings.MAX_IMAGE_PIXELS = 1_000_000
    content = image_bytes((2000, 1000), "PNG")  # small file, two million pixels
    code, message = rejection(upload("bomb.png", content))
    assert code == "too_many_pixels" and "1,000,000 pixels" in message


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.MAX_UPLOAD_MB = 1
    content = image_bytes((1200, 1200), "PNG", compress_level=0)
    assert len(content) > 1024 * 1024
    code, message = rejection(upload("big.png", content))
    assert code == "too_large" and "limit is 1 MB" in message


def test_svg_with_a_script_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    code, message = rejection(upload("drawing.svg", svg))
    assert code == "not_an_image" and "JPEG, PNG, WEBP" in message


def test_other_files_are_refused():
    assert rejection(upload("notes.png", b"just some text"))[0] == "not_an_image"
    gif = io.BytesIO()
    PillowImage.new("RGB", (10, 10)).save(gif, format="GIF")
    assert rejection(upload("anim.gif", gif.getvalue()))[0] == "not_an_image"


def jpeg_with_exif(size=(200, 100), orientation=1):
    picture = PillowImage.new("RGB", size, "navy")
    picture.paste((255, 200, 0), (0, 0, size[0] // 4, size[1]))  # a yellow band on the left
    exif = PillowImage.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 1.0)}  # GPS: latitude
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def test_exif_and_location_are_stripped():
    content = jpeg_with_exif()
    assert PillowImage.open(io.BytesIO(content)).getexif()  # the upload does carry EXIF
    clean = processing.clean_upload(upload("phone.jpg", content))
    stored = PillowImage.open(io.BytesIO(clean.content))
    assert dict(stored.getexif()) == {}
    assert b"PhoneMaker" not in clean.content


def test_orientation_is_applied_before_the_metadata_goes():
    # Orientation 6: the camera was turned; the picture must be shown rotated 90° clockwise.
    clean = processing.clean_upload(upload("turned.jpg", jpeg_with_exif(orientation=6)))
    stored = PillowImage.open(io.BytesIO(clean.content))
    assert (clean.width, clean.height) == stored.size == (100, 200)
    top_strip = stored.crop((0, 0, 100, 40)).convert("RGB").resize((1, 1)).getpixel((0, 0))
    assert top_strip[0] > 150 and top_strip[2] < 100  # the yellow band is now at the top


@pytest.mark.parametrize(
    ("original", "widths"),
    [(2400, [320, 640, 960, 1280, 1920]), (1000, [320, 640, 960, 1000]), (200, [200])],
)
def test_rendition_widths_never_upscale(original, widths):
    assert processing.rendition_widths(original) == widths


def test_crops_keep_the_focal_point_in_view():
    # A wide image with the subject near its right edge.
    box = processing.crop_box(1000, 500, aspect=1, focal_x=0.9, focal_y=0.5)
    assert box == (500, 0, 1000, 500)
    assert processing.crop_box(1000, 500, aspect=1) == (250, 0, 750, 500)


def test_placeholder_is_a_tiny_webp_data_uri():
    clean = processing.clean_upload(image_upload("photo.png", size=(800, 600)))
    uri = processing.placeholder(clean.content)
    assert uri.startswith("data:image/webp;base64,") and len(uri) < 1000
    tiny = PillowImage.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert tiny.format == "WEBP" and tiny.width <= 16
