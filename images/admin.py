from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from images import processing
from images.models import Image
from images.tasks import generate_renditions


class ImageUploadForm(forms.ModelForm):
    """Uploads go through the same checks as the API: a real image, within the limits."""

    class Meta:
        model = Image
        fields = ["file", "alt", "credit", "focal_x", "focal_y"]
        # A plain file field: forms.ImageField would refuse some files itself with a vaguer
        # sentence than clean_upload's, which the API and the importer give.
        field_classes = {"file": forms.FileField}

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

    def get_urls(self):
        copy = path(
            "<path:object_id>/copy/",
            self.admin_site.admin_view(self.copy_view),
            name="images_image_copy",
        )
        return [copy, *super().get_urls()]

    def has_change_permission(self, request, obj=None):
        """Writers change their own uploads, editors anyone's; nobody changes a locked image."""
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return True
        if obj.locked_at is not None:
            return False
        return (
            request.user.is_superuser
            or request.user.has_perm("images.change_any_image")
            or obj.uploaded_by_id == request.user.pk
        )

    def has_delete_permission(self, request, obj=None):
        # Reviewed revisions keep their image (and the database protects it too).
        locked = obj is not None and obj.locked_at is not None
        return not locked and super().has_delete_permission(request, obj)

    def copy_view(self, request, object_id):
        """The add form, filled in from an image whose picture it copies: how a locked image, or
        someone else's, is changed. The image copied stays as it is."""
        source = self.get_object(request, unquote(object_id))
        if source is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, source):
            raise PermissionDenied
        request.image_copy_source = source
        context = {
            "title": "Save as a new image",
            "show_save_and_add_another": False,
            "show_save_and_continue": False,
        }
        return self.changeform_view(request, None, extra_context=context)

    def get_form(self, request, obj=None, **kwargs):
        # The picture itself never changes once stored: a new picture is a new image.
        copying = _copy_source(request) is not None
        kwargs["form"] = ImageDetailsForm if obj or copying else ImageUploadForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None and _copy_source(request) is None:
            return ["file", "alt", "credit", "focal_x", "focal_y"]
        if obj is None:
            return ["alt", "credit", "focal_x", "focal_y"]
        return ["thumbnail", "size", "alt", "credit", "focal_x", "focal_y", "renditions_list"]

    def get_fieldsets(self, request, obj=None):
        fieldset = {"fields": self.get_fields(request, obj)}
        if note := self._note(request, obj):
            fieldset["description"] = note
        return [(None, fieldset)]

    def _note(self, request, obj):
        """Why the form is read-only or is a copy, with the way to change the image."""
        source = _copy_source(request)
        if obj is None and source is not None:
            return format_html(
                "{} A new image with the same picture as {} is made; that image stays as it is.",
                self.thumbnail(source),
                source.alt,
            )
        if obj is None or self.has_change_permission(request, obj):
            return None
        if obj.locked_at is not None:
            reason = (
                "This image is part of reviewed content, so it never changes in place: "
                "changes are saved as a new image."
            )
        else:
            reason = "Only its uploader or an editor may change this image."
        if not self.has_add_permission(request):
            return reason
        url = reverse("admin:images_image_copy", args=[obj.pk])
        return format_html('{} <a href="{}">Save as a new image</a>', reason, url)

    def get_changeform_initial_data(self, request):
        source = _copy_source(request)
        if source is None:
            return super().get_changeform_initial_data(request)
        return {name: getattr(source, name) for name in ("alt", "credit", "focal_x", "focal_y")}

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        if not change and (source := _copy_source(request)) is not None:
            obj.copy_picture_from(source)
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            # Their words are now in every article that shows the image: reviewing those is
            # not for them (articles' separation of duties reads this).
            obj.edited_by.add(request.user)
        # New image, or a new focal point: (re)make the renditions off the request path.
        if not change or {"focal_x", "focal_y"} & set(form.changed_data):
            transaction.on_commit(lambda: generate_renditions.enqueue(obj.pk))

    def response_add(self, request, obj, post_url_continue=None):
        if _copy_source(request) is None:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(
            request,
            "Saved as a new image. Pick it as the hero image of the articles that should use it; "
            "the others keep the image they have.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:images_image_change", args=[obj.pk]))

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


def _copy_source(request):
    """The image being saved as a new image, when `request` is ImageAdmin.copy_view's."""
    return getattr(request, "image_copy_source", None)
