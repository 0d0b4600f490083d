from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html

from images import processing
from images.models import Image
from images.tasks import generate_renditions


class ImageUploadForm(forms.ModelForm):
    """Uploads go through the same checks as the API: a real image, within the limits."""

    class Meta:
        model = Image
        fields = ["file", "alt", "credit", "focal_x", "focal_y"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.clean_picture = processing.clean_upload(upload)
        return upload

    def save(self, commit=True):
        # Store the cleaned picture, never the upload as it came (it may carry EXIF).
        self.instance.store_picture(self.clean_picture)
        return super().save(commit)


class ImageDetailsForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["alt", "credit", "focal_x", "focal_y"]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "alt", "credit", "size", "created_at"]
    search_fields = ["alt", "credit"]
    readonly_fields = ["thumbnail", "size", "renditions_list"]

    def get_form(self, request, obj=None, **kwargs):
        # The picture itself never changes once stored: a new picture is a new image.
        kwargs["form"] = ImageDetailsForm if obj else ImageUploadForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["file", "alt", "credit", "focal_x", "focal_y"]
        return ["thumbnail", "size", "alt", "credit", "focal_x", "focal_y", "renditions_list"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        # New image, or a new focal point: (re)make the renditions off the request path.
        if not change or {"focal_x", "focal_y"} & set(form.changed_data):
            transaction.on_commit(lambda: generate_renditions.enqueue(obj.pk))

    @admin.display(description="image")
    def thumbnail(self, image):
        return format_html(
            '<img src="{}" alt="{}" style="max-width:160px;max-height:120px">',
            image.file.url,
            image.alt,
        )

    @admin.display(description="size")
    def size(self, image):
        return f"{image.width} x {image.height} {image.format}"

    @admin.display(description="renditions")
    def renditions_list(self, image):
        names = [f"{r.kind} {r.width}w {r.format}" for r in image.renditions.all()]
        return ", ".join(names) or "Being generated…"
