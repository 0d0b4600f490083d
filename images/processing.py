"""What Pillow does to an upload: prove it is a real image, clean it, and derive its sizes.

An upload is accepted only if Pillow can decode all of it as JPEG, PNG or WebP, its name says
the same format, it is within the size and pixel limits, and its shape lets every rendition be
made. What is stored is a fresh encoding of the pixels, turned upright as the camera meant,
in L, RGB or RGBA whatever mode they came in, without EXIF, XMP or text chunks (photos can
carry where and with what they were taken).
"""

import base64
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image as PillowImage
from PIL import ImageCms, ImageFilter, ImageOps

# Pillow format name: (file extensions it may have, extension it is stored with)
FORMATS = {
    "JPEG": ({"jpg", "jpeg"}, "jpg"),
    "PNG": ({"png"}, "png"),
    "WEBP": ({"webp"}, "webp"),
}
RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)
# How many times as wide as tall (or as tall as wide) an image may be. WebP stops at 16,383
# pixels a side, and the widest rendition of a tall image is 1920 x 8 = 15,360 pixels tall; a
# wide image's narrowest rendition, 320 wide, stays at least 40 pixels tall.
MAX_ASPECT_RATIO = 8
# Every PNG ends with an empty IEND chunk and its checksum. Pillow decodes every pixel of a PNG
# cut anywhere in its last 20 bytes, so a missing end is checked for on its own.
PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"
# Modes Pillow gives 16-bit greyscale PNGs in (one value of 0 to 65,535 a pixel).
SIXTEEN_BIT_GREY = {"I", "I;16", "I;16B", "I;16L", "I;16N"}
# The ICC colour space of the profile that fits each stored mode.
PROFILE_SPACE = {"L": "GRAY", "RGB": "RGB", "RGBA": "RGB"}
# Real profiles are small (sRGB's is 588 bytes, Display P3's under 1 KB, a calibrated
# display's rarely over 10 KB); see _with_usable_profile.
MAX_PROFILE_BYTES = 64 * 1024
PLACEHOLDER_WIDTH = 16
QUALITY = 82


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    format: str
    extension: str
    width: int
    height: int
    placeholder: str


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
    # The shape is checked as the picture is shown: upright, as its EXIF orientation says.
    ImageOps.exif_transpose(picture, in_place=True)  # a copy of every pixel saved
    _check_shape(*picture.size)
    normal, icc_profile = normalise(picture)
    content = _encode(normal, picture.format, icc_profile=icc_profile)
    # From the pixels in hand: decoding the new encoding again would double the cost.
    return CleanImage(
        content, picture.format, stored_extension, *normal.size, placeholder=placeholder_of(normal)
    )


def _decode(upload):
    accepted = ", ".join(sorted(FORMATS))
    upload.seek(0)
    data = upload.read()
    try:
        picture = _decode_whole(data)
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
        if _cut_short(data):
            raise ValidationError(
                "The file ends before the picture does; it may have been cut short in the "
                "upload. Upload it again.",
                code="truncated",
            ) from error
        raise ValidationError(
            "The image file is damaged or incomplete; export it again.", code="damaged"
        ) from error
    return picture


def _decode_whole(data):
    """The picture in `data`, decoded to the last pixel and checked to the last byte."""
    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice it; make every excess an error.
        warnings.simplefilter("error", PillowImage.DecompressionBombWarning)
        picture = PillowImage.open(io.BytesIO(data), formats=list(FORMATS))
        if picture.width * picture.height > settings.MAX_IMAGE_PIXELS:
            raise PillowImage.DecompressionBombError("too many pixels")
        picture.verify()  # checks every PNG chunk's checksum, which decoding skips
        if picture.format == "PNG" and PNG_END not in data:
            raise OSError("the PNG has no end chunk")
        # verify() leaves the picture unusable: open it again to decode every byte.
        picture = PillowImage.open(io.BytesIO(data), formats=[picture.format])
        picture.load()
    return picture


def normalise(picture):
    """`picture` in L, RGB or RGBA, which every encoder takes and every resize filters
    smoothly, with transparency kept; and the ICC profile that fits it (or None).

    Bilevel, palette, 16-bit greyscale, CMYK and the other modes Pillow decodes are
    converted here, once, so that storing, rendering and the placeholder never meet them.
    """
    icc_profile = picture.info.get("icc_profile")
    if picture.mode in ("L", "RGB", "RGBA") and "transparency" not in picture.info:
        return _with_usable_profile(picture, icc_profile)
    # Alpha is taken from the original values: a 16-bit tRNS colour is matched exactly.
    alpha = picture.convert("RGBA").getchannel("A") if picture.has_transparency_data else None
    colour = _colour_bands(picture)
    target = "L" if colour.mode == "L" and alpha is None else "RGB"
    if colour.mode != target:
        colour, icc_profile = _convert_colour(colour, icc_profile, target)
    if alpha is not None:
        colour.putalpha(alpha)
    # Encoders read what is left in `info`: it must not contradict the pixels now.
    colour.info.pop("transparency", None)
    return _with_usable_profile(colour, icc_profile)


def _with_usable_profile(picture, icc_profile):
    """`picture` (in L, RGB or RGBA) and the ICC profile to keep with it, also left in its
    `info` for the encoders.

    A profile that cannot be read, or describes other colours than the picture's, is dropped.
    One larger than any honest profile (a crafted 2 MB one would be copied into the original
    and every rendition, thumbnails included) has the colours converted through it into sRGB,
    whose small profile is kept instead; a grey one, which cannot become sRGB, is dropped.
    """
    if _profile_space(icc_profile) != PROFILE_SPACE[picture.mode]:
        icc_profile = None
    elif len(icc_profile) > MAX_PROFILE_BYTES:
        picture, icc_profile = _into_srgb(picture, icc_profile)
    picture.info.pop("icc_profile", None)
    if icc_profile:
        picture.info["icc_profile"] = icc_profile
    return picture, icc_profile


def _into_srgb(picture, icc_profile):
    if picture.mode == "L":
        return picture, None
    try:
        converted = ImageCms.profileToProfile(
            picture,
            io.BytesIO(icc_profile),
            ImageCms.createProfile("sRGB"),
            outputMode=picture.mode,
        )
    except ImageCms.PyCMSError:
        return picture, None  # read, but unusable for a transform: the numbers as they are
    return converted, converted.info.get("icc_profile")


def _colour_bands(picture):
    """The colour of `picture` without alpha, as L, RGB or CMYK (what ICC profiles describe)."""
    if picture.mode in SIXTEEN_BIT_GREY:
        # Scaled from 0-65,535 down to 0-255; a plain convert("L") would clip all but the
        # darkest 256 values to white.
        return picture.convert("I").point(lambda value: value / 257).convert("L")
    if picture.mode in ("L", "RGB", "CMYK"):
        return picture.copy()  # alpha may be put on it: the caller's picture stays as it is
    if picture.mode in ("1", "LA", "La"):
        return picture.convert("L")
    return picture.convert("RGB")


def _convert_colour(picture, icc_profile, mode):
    """`picture` converted to `mode`, through its ICC profile into sRGB if it has one for its
    own colours (a CMYK or grey profile cannot describe RGB values); and the profile to keep."""
    space = _profile_space(icc_profile)
    if space == PROFILE_SPACE.get(picture.mode, picture.mode):
        srgb = ImageCms.createProfile("sRGB")
        try:
            converted = ImageCms.profileToProfile(
                picture, io.BytesIO(icc_profile), srgb, outputMode=mode
            )
        except ImageCms.PyCMSError:
            pass  # a profile LittleCMS reads but cannot transform with: convert as numbers
        else:
            return converted, converted.info.get("icc_profile")  # the sRGB one it made
    return picture.convert(mode), (icc_profile if space == PROFILE_SPACE[mode] else None)


def _profile_space(icc_profile):
    """The colour space an ICC profile describes ("RGB", "GRAY", "CMYK"), or None if there is
    no profile or it cannot be read."""
    if not icc_profile:
        return None
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
    except (OSError, ImageCms.PyCMSError):
        return None
    return profile.profile.xcolor_space.strip()


def _cut_short(data):
    """Whether `data` stops before the end its format marks (only asked once it failed to
    decode: a JPEG may carry more after its end, as phones' motion photos do)."""
    if data.startswith(b"RIFF"):  # WebP says its own length after these four bytes
        return int.from_bytes(data[4:8], "little") + 8 > len(data)
    if data.startswith(b"\x89PNG"):
        return PNG_END not in data
    return not data.endswith(b"\xff\xd9")  # JPEG's end of image marker


def _check_shape(width, height):
    """Refuse a picture so long and thin that some rendition of it could not be made."""
    long_side, short_side = max(width, height), min(width, height)
    if long_side <= MAX_ASPECT_RATIO * short_side:
        return
    ratio = long_side / short_side
    shown = f"{ratio:.0f}" if ratio.is_integer() else f"{ratio:.1f}"
    shape = "wide as it is tall" if width > height else "tall as it is wide"
    raise ValidationError(
        f"This image is {width} x {height} pixels, {shown} times as {shape}; images may be at "
        f"most {MAX_ASPECT_RATIO} times as wide as tall or as tall as wide. Crop it and upload "
        "it again.",
        code="extreme_shape",
    )


def _encode(picture, image_format, *, icc_profile=None, width=None):
    """Encode `picture` (resized to `width` if given) without any metadata but colour."""
    if width and width < picture.width:
        picture = picture.resize(scaled_size(*picture.size, width), PillowImage.LANCZOS)
    if image_format == "JPEG" and picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    options = {"quality": QUALITY} if image_format in ("JPEG", "WEBP") else {"optimize": True}
    if icc_profile:
        options["icc_profile"] = icc_profile
    buffer = io.BytesIO()
    picture.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def scaled_size(width, height, to_width):
    """The size of a `width` x `height` picture scaled down to `to_width` wide (never up)."""
    if to_width >= width:
        return width, height
    return to_width, round(height * to_width / width)


def rendition_widths(original_width):
    """The standard widths narrower than the original, then the original's own width (up to the
    largest standard width), so that a screen wanting every pixel gets them; never upscaled."""
    largest = min(original_width, RENDITION_WIDTHS[-1])
    return [width for width in RENDITION_WIDTHS if width < largest] + [largest]


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
    picture, icc_profile = _open_stored(content)
    if crop:
        picture = picture.crop(crop)
    data = _encode(picture, image_format, icc_profile=icc_profile, width=width)
    with PillowImage.open(io.BytesIO(data)) as result:
        return data, result.size


def placeholder(content):
    """A tiny blurred WebP of stored image bytes as a data URI, for a frontend to show while
    the image loads."""
    return placeholder_of(_open_stored(content)[0])


def placeholder_of(picture):
    """`placeholder` of a decoded, normalised picture (left unchanged)."""
    # Resized into a new, small picture (as thumbnail() would, without copying the whole first).
    scale = min(1, PLACEHOLDER_WIDTH / picture.width, PLACEHOLDER_WIDTH * 4 / picture.height)
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    picture = picture.resize(size, PillowImage.BICUBIC, reducing_gap=2.0)
    picture = picture.convert("RGB").filter(ImageFilter.GaussianBlur(1))
    buffer = io.BytesIO()
    picture.save(buffer, format="WEBP", quality=40)
    return "data:image/webp;base64," + base64.b64encode(buffer.getvalue()).decode()


def _open_stored(content):
    """A stored picture, decoded and normalised (pictures stored before normalise() existed
    may be in any mode their format allows), and its ICC profile."""
    picture = PillowImage.open(io.BytesIO(content))
    picture.load()
    return normalise(picture)
