"""What Pillow does to an upload: prove it is a real image, clean it, and derive its sizes.

An upload is accepted only if Pillow can decode all of it as JPEG, PNG or WebP, its name says
the same format, and it is within the size and pixel limits. What is stored is a fresh encoding
of the pixels, turned upright as the camera meant, without EXIF, XMP or text chunks (photos can
carry where and with what they were taken).
"""

import base64
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image as PillowImage
from PIL import ImageFilter, ImageOps

# Pillow format name: (file extensions it may have, extension it is stored with)
FORMATS = {
    "JPEG": ({"jpg", "jpeg"}, "jpg"),
    "PNG": ({"png"}, "png"),
    "WEBP": ({"webp"}, "webp"),
}
RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)
PLACEHOLDER_WIDTH = 16
QUALITY = 82


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    format: str
    extension: str
    width: int
    height: int


def clean_upload(upload):
    """Check `upload` (a Django UploadedFile) and return its re-encoded, metadata-free image.

    Raises ValidationError with a sentence for the writer for anything else.
    """
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
            f"{settings.MAX_UPLOAD_MB} MB.",
            code="too_large",
        )
    picture = _decode(upload)
    extensions, stored_extension = FORMATS[picture.format]
    given = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if given not in extensions:
        raise ValidationError(
            f"The file is a {picture.format} image but its name ends in “.{given}”. Rename it "
            f"to .{stored_extension} and upload it again.",
            code="wrong_extension",
        )
    upright = ImageOps.exif_transpose(picture)
    content = _encode(upright, picture.format, icc_profile=picture.info.get("icc_profile"))
    return CleanImage(content, picture.format, stored_extension, *upright.size)


def _decode(upload):
    accepted = ", ".join(sorted(FORMATS))
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it; make every excess an error.
            warnings.simplefilter("error", PillowImage.DecompressionBombWarning)
            picture = PillowImage.open(io.BytesIO(data), formats=list(FORMATS))
            if picture.width * picture.height > settings.MAX_IMAGE_PIXELS:
                raise PillowImage.DecompressionBombError("too many pixels")
            picture.load()  # decodes every byte: a truncated file fails here
    except (PillowImage.DecompressionBombError, PillowImage.DecompressionBombWarning) as error:
        raise ValidationError(
            f"The image has more than {settings.MAX_IMAGE_PIXELS:,} pixels; make it smaller.",
            code="too_many_pixels",
        ) from error
    except PillowImage.UnidentifiedImageError as error:
        raise ValidationError(
            f"This is not an image in an accepted format ({accepted}).", code="not_an_image"
        ) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            "The image file is damaged or incomplete; export it again.", code="damaged"
        ) from error
    return picture


def _encode(picture, image_format, *, icc_profile=None, width=None):
    """Encode `picture` (resized to `width` if given) without any metadata but colour."""
    if width and width < picture.width:
        height = round(picture.height * width / picture.width)
        picture = picture.resize((width, height), PillowImage.LANCZOS)
    if image_format == "JPEG" and picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    options = {"quality": QUALITY} if image_format in ("JPEG", "WEBP") else {"optimize": True}
    if icc_profile:
        options["icc_profile"] = icc_profile
    buffer = io.BytesIO()
    picture.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def rendition_widths(original_width):
    """The standard widths below the original's, or just the original's when it is narrower."""
    widths = [width for width in RENDITION_WIDTHS if width <= original_width]
    return widths or [original_width]


def crop_box(width, height, *, aspect, focal_x=0.5, focal_y=0.5):
    """The largest box of `aspect` (width / height) inside the image, centred on the focal
    point as far as the edges allow."""
    if width / height > aspect:
        box_width, box_height = round(height * aspect), height
    else:
        box_width, box_height = width, round(width / aspect)
    left = min(max(round(focal_x * width - box_width / 2), 0), width - box_width)
    top = min(max(round(focal_y * height - box_height / 2), 0), height - box_height)
    return (left, top, left + box_width, top + box_height)


def render(content, image_format, *, width, crop=None):
    """One rendition of stored image bytes: `width` wide, cropped to `crop` first if given."""
    picture = PillowImage.open(io.BytesIO(content))
    picture.load()
    icc_profile = picture.info.get("icc_profile")
    if crop:
        picture = picture.crop(crop)
    data = _encode(picture, image_format, icc_profile=icc_profile, width=width)
    with PillowImage.open(io.BytesIO(data)) as result:
        return data, result.size


def placeholder(content):
    """A tiny blurred WebP as a data URI, for a frontend to show while the image loads."""
    picture = PillowImage.open(io.BytesIO(content))
    picture.thumbnail((PLACEHOLDER_WIDTH, PLACEHOLDER_WIDTH * 4))
    picture = picture.convert("RGB").filter(ImageFilter.GaussianBlur(1))
    buffer = io.BytesIO()
    picture.save(buffer, format="WEBP", quality=40)
    return "data:image/webp;base64," + base64.b64encode(buffer.getvalue()).decode()
