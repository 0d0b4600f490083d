"""Uploaded images and their renditions.

An image's file never changes once stored: replacing a picture means uploading a new Image, so a
revision that was reviewed with an image keeps pointing at exactly that picture. Once a revision
submitted for review uses an image, the image is locked: its alt text, credit and focal point (so
its crops) never change either, and edits are saved as a new image.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from config.plain_text import validate_plain_text
from images import processing


def image_path(image, filename):
    return f"images/{image.key}/original.{filename.rsplit('.', 1)[-1]}"


class RenditionKind(models.TextChoices):
    WIDTH = "width", "Scaled to a width"
    SQUARE = "square", "Square crop around the focal point"


# What a reviewed revision shows of an image; none of it changes once the image is locked.
LOCKED_FIELDS = ("file", "alt", "credit", "focal_x", "focal_y")


class ImageLockedError(Exception):
    """Raised when code tries to change what reviewed content shows of a locked image."""


class ImageQuerySet(models.QuerySet):
    def lock(self):
        """Lock the images not locked yet (a revision submitted for review uses them)."""
        return self.filter(locked_at__isnull=True).update(locked_at=timezone.now())


class Image(models.Model):
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.ImageField(upload_to=image_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    format = models.CharField(max_length=10, editable=False)
    alt = models.CharField(
        "alt text",
        validators=[validate_plain_text],
        max_length=300,
        help_text="What the image shows, for readers who cannot see it. Required.",
    )
    credit = models.CharField(
        validators=[validate_plain_text],
        max_length=200,
        blank=True,
        help_text='Who made it, e.g. "Photo: Jane Roe".',
    )
    focal_x = models.FloatField(
        null=True,
        blank=True,
        help_text="Horizontal position to keep in view when cropping, 0 (left) to 1 (right).",
    )
    focal_y = models.FloatField(
        null=True,
        blank=True,
        help_text="Vertical position to keep in view when cropping, 0 (top) to 1 (bottom).",
    )
    placeholder = models.TextField(editable=False, help_text="A tiny blurred data URI.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Everyone who changed its alt text, credit or focal point after the upload.",
    )
    locked_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "When a revision submitted for review first used the image. From then on its "
            "picture, alt text, credit and focal point never change: edits make a new image."
        ),
    )

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("change_any_image", "Can change images uploaded by anyone")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(alt=""),
                name="image_alt_required",
                violation_error_message="Alt text is required.",
            ),
            models.CheckConstraint(
                condition=(models.Q(focal_x__isnull=True) & models.Q(focal_y__isnull=True))
                | models.Q(
                    focal_x__isnull=False,
                    focal_y__isnull=False,
                    focal_x__range=(0, 1),
                    focal_y__range=(0, 1),
                ),
                name="image_focal_point_inside",
                violation_error_message="A focal point needs both x and y, each from 0 to 1.",
            ),
        ]

    def __str__(self):
        return self.alt

    def save(self, *args, **kwargs):
        if self.pk is not None:
            # Read the lock from the database: this instance may have been loaded before it.
            stored = (
                Image.objects.filter(pk=self.pk, locked_at__isnull=False)
                .values("locked_at", *LOCKED_FIELDS)
                .first()
            )
            if stored is not None:
                changed = [name for name in LOCKED_FIELDS if self._value(name) != stored[name]]
                if changed:
                    raise ImageLockedError(
                        f"Image {self.pk} is part of reviewed content, so its "
                        f"{', '.join(changed)} never change: save the changes as a new image."
                    )
                self.locked_at = stored["locked_at"]
        super().save(*args, **kwargs)

    def _value(self, name):
        value = getattr(self, name)
        return value.name if name == "file" else value

    @classmethod
    def from_upload(cls, upload, **fields):
        """A new, unsaved Image from an uploaded file; raises ValidationError if unsafe."""
        image = cls(**fields)
        image.store_picture(processing.clean_upload(upload))
        return image

    def store_picture(self, clean):
        """Write a checked picture (processing.CleanImage) to storage as this image's file."""
        self.format = clean.format
        self.placeholder = clean.placeholder
        self.file.save(f"upload.{clean.extension}", ContentFile(clean.content), save=False)
        self.width, self.height = clean.width, clean.height

    def copy_picture_from(self, source):
        """Give this new image a copy of `source`'s stored picture, under its own key."""
        extension = source.file.name.rsplit(".", 1)[-1]
        self.format, self.placeholder = source.format, source.placeholder
        self.file.save(f"upload.{extension}", ContentFile(_read(source.file)), save=False)
        self.width, self.height = source.width, source.height

    @property
    def focal_point(self):
        if self.focal_x is None:
            return None
        return {"x": self.focal_x, "y": self.focal_y}

    def as_public(self, *, alt=None, credit=None):
        """The image as APIs serve it; reads `renditions` from a prefetch if there is one.

        `alt` and `credit` replace the image's own when a reviewed revision recorded them.
        """
        renditions = list(self.renditions.all())

        def srcset(kind, image_format):
            return ", ".join(
                f"{default_storage.url(r.file.name)} {r.width}w"
                for r in renditions
                if r.kind == kind and r.format == image_format
            )

        return {
            "id": self.pk,
            "src": default_storage.url(self.file.name),
            "width": self.width,
            "height": self.height,
            "format": self.format.lower(),
            "alt": self.alt if alt is None else alt,
            "credit": self.credit if credit is None else credit,
            "placeholder": self.placeholder,
            "focal_point": self.focal_point,
            "srcset": srcset(RenditionKind.WIDTH, "WEBP"),
            "srcset_original_format": srcset(RenditionKind.WIDTH, self.format),
            "square_srcset": srcset(RenditionKind.SQUARE, "WEBP"),
        }

    def rendition_plan(self):
        """(kind, width, format, crop box or None) of every rendition this image should have."""
        focal = {"focal_x": self.focal_x or 0.5, "focal_y": self.focal_y or 0.5}
        square = processing.crop_box(self.width, self.height, aspect=1, **focal)
        return [
            (RenditionKind.WIDTH, width, image_format, None)
            for width in processing.rendition_widths(self.width)
            for image_format in dict.fromkeys(["WEBP", self.format])
        ] + [
            (RenditionKind.SQUARE, width, "WEBP", square)
            for width in processing.rendition_widths(square[2] - square[0])[:2]
        ]

    def rendition_list(self):
        """The renditions as the editorial API lists them: made ones with their URL, and
        planned ones (being made in the background) with `src` null."""
        made = {(r.kind, r.format, r.width): r for r in self.renditions.all()}
        listed = []
        for kind, width, image_format, crop in self.rendition_plan():
            rendition = made.get((kind, image_format, width))
            listed.append(
                {
                    "kind": kind,
                    "format": image_format.lower(),
                    "width": width,
                    "height": rendition.height if rendition else self.planned_size(width, crop)[1],
                    "src": default_storage.url(rendition.file.name) if rendition else None,
                }
            )
        return listed

    def planned_size(self, width, crop=None):
        """(width, height) of the rendition `width` wide, cropped to `crop` first if given."""
        if crop:
            return processing.scaled_size(crop[2] - crop[0], crop[3] - crop[1], width)
        return processing.scaled_size(self.width, self.height, width)

    def lacks_renditions(self):
        """Whether a rendition of the plan was never made: the background job stopped first,
        or the plan grew since (reads `renditions` from a prefetch if there is one)."""
        made = {(r.kind, r.format, r.width) for r in self.renditions.all()}
        return any(
            (kind, image_format, width) not in made
            for kind, width, image_format, _crop in self.rendition_plan()
        )

    def generate_renditions(self):
        """Write every rendition this image should have, replacing any there were."""
        content = _read(self.file)
        self.delete_renditions()
        renditions = []
        for kind, width, image_format, crop in self.rendition_plan():
            data, (actual_width, actual_height) = processing.render(
                content, image_format, width=width, crop=crop
            )
            extension = processing.FORMATS[image_format][1]
            # The name changes with the content, so caches never serve an old crop under it.
            digest = hashlib.sha256(data).hexdigest()[:10]
            name = default_storage.save(
                f"images/{self.key}/{kind}-{actual_width}-{digest}.{extension}", ContentFile(data)
            )
            renditions.append(
                Rendition(
                    image=self,
                    kind=kind,
                    format=image_format,
                    width=actual_width,
                    height=actual_height,
                    file=name,
                )
            )
        Rendition.objects.bulk_create(renditions)
        return renditions

    def delete_renditions(self):
        for rendition in self.renditions.all():
            default_storage.delete(rendition.file.name)
        self.renditions.all().delete()

    def delete(self, *args, **kwargs):
        """Delete the row, its renditions and every file they had in storage."""
        self.delete_renditions()
        name = self.file.name
        result = super().delete(*args, **kwargs)
        if name:
            default_storage.delete(name)
        return result


def _read(field_file):
    field_file.open("rb")
    try:
        return field_file.read()
    finally:
        field_file.close()


class Rendition(models.Model):
    Kind = RenditionKind

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    kind = models.CharField(max_length=10, choices=RenditionKind.choices)
    format = models.CharField(max_length=10)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    file = models.FileField(max_length=300)

    class Meta:
        ordering = ["image", "kind", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "kind", "format", "width"], name="rendition_unique_size"
            ),
        ]

    def __str__(self):
        return f"{self.image_id} {self.kind} {self.width}w {self.format}"
