"""Every image mode Pillow decodes from JPEG, PNG and WebP is stored, rendered and given a
placeholder: greyscale, palettes, 16-bit, CMYK, transparency, animation, EXIF turns."""

import base64
import io
import random
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PillowImage
from PIL import ImageCms
from PIL.PngImagePlugin import PngInfo
from rest_framework.test import APIClient

from images import processing
from images.models import Image

pytestmark = pytest.mark.django_db
IMAGES = "/api/v1/editorial/images/"
SIZE = (120, 90)  # large enough for the placeholder to reduce it, as it did at the 500


def encoded(picture, image_format, **options):
    buffer = io.BytesIO()
    picture.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def grey_ramp(size=SIZE):
    """Dark on the left to light on the right, with a black top-left pixel (which the uploads
    with a transparent colour, tRNS, make transparent)."""
    ramp = PillowImage.linear_gradient("L").rotate(90).resize(size)
    ramp.putpixel((0, 0), 0)
    return ramp


def gradient(mode, size=SIZE):
    return grey_ramp(size).convert(mode)


def grey_16_bit(size=SIZE, **options):
    """A 16-bit greyscale PNG from 0 to 65,535 across, as medical exports write them."""
    values = grey_ramp(size).convert("I")
    return encoded(values.point(lambda value: value * 257).convert("I;16"), "PNG", **options)


def grey_16_bit_big_endian():
    return encoded(PillowImage.frombytes("I;16B", SIZE, b"\x80\x80" * SIZE[0] * SIZE[1]), "PNG")


def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def colour_16_bit(alpha):
    """A PNG with 16 bits a channel (Pillow cannot write one), RGB or RGBA."""
    width, height = SIZE
    pixel = struct.pack(">HHH", 65535, 32768, 0) + (struct.pack(">H", 32768) if alpha else b"")
    rows = b"".join(b"\x00" + pixel * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 16, 6 if alpha else 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(rows))
        + png_chunk(b"IEND", b"")
    )


def with_gamma():
    info = PngInfo()
    info.add(b"gAMA", struct.pack(">I", 100000))  # gamma 1.0
    return encoded(gradient("RGB"), "PNG", pnginfo=info)


def srgb_profile():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def s15_fixed(value):
    return struct.pack(">i", round(value * 65536))


def grey_profile(gamma):
    """A minimal ICC greyscale profile: a D50 white point and one gamma curve."""
    white = s15_fixed(0.9642) + s15_fixed(1.0) + s15_fixed(0.8249)
    tags = [
        (b"wtpt", b"XYZ \0\0\0\0" + white),
        (b"kTRC", b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    header = (
        struct.pack(">I", offset + len(data))
        + b"\0" * 4
        + b"\x02\x10\0\0mntrGRAYXYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 40
        + white
    ).ljust(128, b"\0")
    return header + struct.pack(">I", len(tags)) + table + data


def animated(image_format):
    first = gradient("RGBA")
    second = PillowImage.new("RGBA", SIZE, (255, 0, 0, 255))
    return encoded(first, image_format, save_all=True, append_images=[second], duration=100)


def turned_jpeg(size, orientation=6):
    """A JPEG stored `size` but shown turned, as a phone held upright writes it."""
    exif = PillowImage.Exif()
    exif[0x0112] = orientation
    return encoded(gradient("RGB", size), "JPEG", exif=exif)


def transparent_corner(mode):
    """`mode` with a transparent top-left pixel, however the mode says so."""
    picture = gradient("RGBA")
    picture.putpixel((0, 0), (0, 0, 0, 0))
    return picture.convert(mode)


# name: (file name, bytes) of an upload in that mode
MODES = {
    "1 (bilevel) PNG": lambda: ("a.png", encoded(gradient("1"), "PNG")),
    "L PNG": lambda: ("a.png", encoded(gradient("L"), "PNG")),
    "L PNG with tRNS": lambda: ("a.png", encoded(gradient("L"), "PNG", transparency=0)),
    "LA PNG": lambda: ("a.png", encoded(transparent_corner("LA"), "PNG")),
    "P PNG": lambda: ("a.png", encoded(gradient("P"), "PNG")),
    "P PNG with tRNS": lambda: ("a.png", encoded(gradient("P"), "PNG", transparency=0)),
    "P PNG with alpha palette": lambda: (
        "a.png",
        encoded(transparent_corner("RGBA").quantize(16), "PNG"),
    ),
    "RGB PNG": lambda: ("a.png", encoded(gradient("RGB"), "PNG")),
    "RGB PNG with tRNS": lambda: ("a.png", encoded(gradient("RGB"), "PNG", transparency=(0,) * 3)),
    "RGBA PNG": lambda: ("a.png", encoded(transparent_corner("RGBA"), "PNG")),
    "I;16 PNG": lambda: ("a.png", grey_16_bit()),
    "I;16 PNG with tRNS": lambda: ("a.png", grey_16_bit(transparency=0)),
    "I;16B PNG": lambda: ("a.png", grey_16_bit_big_endian()),
    "16-bit RGB PNG": lambda: ("a.png", colour_16_bit(alpha=False)),
    "16-bit RGBA PNG": lambda: ("a.png", colour_16_bit(alpha=True)),
    "PNG with gamma": lambda: ("a.png", with_gamma()),
    "PNG with an sRGB profile": lambda: (
        "a.png",
        encoded(gradient("RGB"), "PNG", icc_profile=srgb_profile()),
    ),
    "LA PNG with a grey profile": lambda: (
        "a.png",
        encoded(transparent_corner("LA"), "PNG", icc_profile=grey_profile(1.0)),
    ),
    "animated PNG": lambda: ("a.png", animated("PNG")),
    "L JPEG": lambda: ("a.jpg", encoded(gradient("L"), "JPEG")),
    "RGB JPEG": lambda: ("a.jpg", encoded(gradient("RGB"), "JPEG")),
    "CMYK JPEG": lambda: ("a.jpg", encoded(gradient("CMYK"), "JPEG")),
    "YCbCr JPEG": lambda: ("a.jpg", encoded(gradient("YCbCr"), "JPEG")),
    "EXIF-turned JPEG": lambda: ("a.jpg", turned_jpeg((90, 120))),
    "RGB WebP": lambda: ("a.webp", encoded(gradient("RGB"), "WEBP")),
    "WebP with alpha": lambda: ("a.webp", encoded(transparent_corner("RGBA"), "WEBP")),
    "lossless greyscale WebP": lambda: ("a.webp", encoded(gradient("L"), "WEBP", lossless=True)),
    "animated WebP": lambda: ("a.webp", animated("WEBP")),
}


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def assert_complete(image):
    """The image has its placeholder and every planned rendition, each a readable file."""
    header, data = image.placeholder.split(",", 1)
    assert header == "data:image/webp;base64"
    assert PillowImage.open(io.BytesIO(base64.b64decode(data))).format == "WEBP"
    assert not image.lacks_renditions()
    for rendition in image.renditions.all():
        with rendition.file.open("rb") as stored:
            picture = PillowImage.open(stored)
            picture.load()
            assert picture.size == (rendition.width, rendition.height)
            assert picture.format == rendition.format


@pytest.mark.parametrize("mode", sorted(MODES))
def test_every_mode_uploaded_through_the_api_gets_renditions_and_a_placeholder(
    writer, mode, django_capture_on_commit_callbacks
):
    name, content = MODES[mode]()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(writer).post(
            IMAGES,
            {"file": SimpleUploadedFile(name, content), "alt": "A scan", "credit": "Lab"},
            format="multipart",
        )
    assert response.status_code == 201, response.content
    image = Image.objects.get(pk=response.json()["id"])
    assert image.renditions.count() == len(image.rendition_plan())
    assert_complete(image)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_every_mode_uploaded_in_the_admin_gets_renditions_and_a_placeholder(
    editor_client, mode, django_capture_on_commit_callbacks
):
    name, content = MODES[mode]()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            "/admin/images/image/add/",
            {"file": SimpleUploadedFile(name, content), "alt": "A scan"},
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    image = Image.objects.get()
    assert image.renditions.count() == len(image.rendition_plan())
    assert_complete(image)


def test_a_16_bit_greyscale_png_upload_answers_201_not_500(
    writer, django_capture_on_commit_callbacks
):
    # As reported: Image.new("I;16", (400, 300)) saved as PNG, posted with file, alt, credit.
    content = encoded(PillowImage.new("I;16", (400, 300)), "PNG")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(writer).post(
            IMAGES,
            {"file": SimpleUploadedFile("g16.png", content), "alt": "A scan", "credit": "Lab"},
            format="multipart",
        )
    assert response.status_code == 201, response.content
    assert_complete(Image.objects.get())


def stored_and_rendered(content, name="a.png"):
    """The stored picture and its WebP rendition at full width, both decoded."""
    clean = processing.clean_upload(SimpleUploadedFile(name, content))
    rendition, _size = processing.render(clean.content, "WEBP", width=clean.width)
    return (
        PillowImage.open(io.BytesIO(clean.content)),
        PillowImage.open(io.BytesIO(rendition)),
    )


def test_16_bit_grey_is_scaled_to_8_bits_not_clipped_to_white():
    mid_grey = 128 * 257
    content = encoded(
        PillowImage.frombytes("I;16", SIZE, struct.pack("<H", mid_grey) * SIZE[0] * SIZE[1]),
        "PNG",
    )
    stored, rendition = stored_and_rendered(content)
    assert stored.mode == "L" and stored.getextrema() == (128, 128)
    assert all(abs(value - 128) <= 2 for value in rendition.convert("RGB").getpixel((60, 45)))
    placeholder = processing.placeholder(
        processing.clean_upload(SimpleUploadedFile("a.png", content)).content
    )
    data = base64.b64decode(placeholder.split(",", 1)[1])
    small = PillowImage.open(io.BytesIO(data)).convert("L")
    assert abs(small.getpixel((8, 6)) - 128) <= 4


def test_a_16_bit_gradient_keeps_every_shade_from_black_to_white():
    stored, _rendition = stored_and_rendered(grey_16_bit())
    row = [stored.getpixel((x, 45)) for x in range(SIZE[0])]
    assert row[0] <= 3 and row[-1] >= 252
    assert row == sorted(row) and len(set(row)) > SIZE[0] // 2


@pytest.mark.parametrize(
    "mode",
    [
        "L PNG with tRNS",
        "LA PNG",
        "P PNG with tRNS",
        "P PNG with alpha palette",
        "RGB PNG with tRNS",
        "I;16 PNG with tRNS",
        "WebP with alpha",
    ],
)
def test_transparency_is_kept_in_the_original_and_the_webp_rendition(mode):
    name, content = MODES[mode]()
    stored, rendition = stored_and_rendered(content, name)
    stored, rendition = stored.convert("RGBA"), rendition.convert("RGBA")
    assert stored.getpixel((0, 0))[3] == 0 and stored.getpixel((60, 45))[3] == 255
    assert rendition.getpixel((0, 0))[3] < 64 and rendition.getpixel((60, 45))[3] == 255


def test_a_palette_image_is_resized_smoothly_not_pixel_by_pixel():
    # Black and white columns one pixel wide: halved smoothly they are grey; Pillow resizes
    # palette images by picking pixels, which would leave them black or white.
    columns = PillowImage.new("L", SIZE)
    columns.putdata([255 * (x % 2) for _y in range(SIZE[1]) for x in range(SIZE[0])])
    clean = processing.clean_upload(
        SimpleUploadedFile("a.png", encoded(columns.convert("P"), "PNG"))
    )
    half, _size = processing.render(clean.content, "PNG", width=SIZE[0] // 2)
    low, high = PillowImage.open(io.BytesIO(half)).convert("L").crop((5, 5, 55, 40)).getextrema()
    assert 64 < low <= high < 192


def test_a_grey_profile_is_applied_when_grey_with_alpha_becomes_rgba():
    picture = PillowImage.new("LA", SIZE, (128, 255))
    content = encoded(picture, "PNG", icc_profile=grey_profile(1.0))
    stored, _rendition = stored_and_rendered(content)
    # Linear grey 128 is sRGB 188: the values now mean in sRGB what the profile said.
    assert stored.mode == "RGBA" and stored.getpixel((0, 0)) == (188, 188, 188, 255)
    profile = ImageCms.ImageCmsProfile(io.BytesIO(stored.info["icc_profile"]))
    assert profile.profile.xcolor_space == "RGB "


def test_a_grey_image_keeps_its_grey_profile():
    profile = grey_profile(1.8)
    stored, _rendition = stored_and_rendered(encoded(gradient("L"), "PNG", icc_profile=profile))
    assert stored.mode == "L" and stored.info["icc_profile"] == profile


def test_an_rgb_image_keeps_its_profile_as_before():
    profile = srgb_profile()
    stored, rendition = stored_and_rendered(encoded(gradient("RGB"), "PNG", icc_profile=profile))
    assert stored.info["icc_profile"] == profile and rendition.info["icc_profile"] == profile


def test_a_profile_that_is_not_one_is_dropped_not_copied_into_every_rendition():
    # 2 MB of noise as a JPEG's ICC profile once made every thumbnail 2 MB.
    noise = bytes(random.Random(7).getrandbits(8) for _ in range(2 * 1024 * 1024))
    content = encoded(gradient("RGB"), "JPEG", icc_profile=noise)
    assert len(content) > 2 * 1024 * 1024
    stored, rendition = stored_and_rendered(content, name="a.jpg")
    assert "icc_profile" not in stored.info and "icc_profile" not in rendition.info
    clean = processing.clean_upload(SimpleUploadedFile("a.jpg", content))
    assert len(clean.content) < 50_000


def test_a_profile_larger_than_any_honest_one_is_not_kept(monkeypatch):
    monkeypatch.setattr(processing, "MAX_PROFILE_BYTES", 100)
    grey = encoded(gradient("L"), "PNG", icc_profile=grey_profile(1.8))
    stored, rendition = stored_and_rendered(grey)
    assert "icc_profile" not in stored.info and "icc_profile" not in rendition.info


def test_a_turned_jpeg_is_stored_upright_with_the_shape_it_is_shown_in():
    clean = processing.clean_upload(SimpleUploadedFile("a.jpg", turned_jpeg((300, 200))))
    assert (clean.width, clean.height) == (200, 300)


def test_the_shape_limit_names_the_shape_a_turned_jpeg_is_shown_in():
    with pytest.raises(ValidationError) as caught:
        processing.clean_upload(SimpleUploadedFile("a.jpg", turned_jpeg((900, 100))))
    assert caught.value.code == "extreme_shape"
    assert "This image is 100 x 900 pixels, 9 times as tall as it is wide" in str(caught.value)
