from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from tags.models import Tag, TagCode, checked_code


class TagCodeForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        # Written as stored before the formset compares its rows: "m17.9" and "M17.9" are one
        # code, and the database would refuse the second with an error page.
        if cleaned.get("system") and cleaned.get("code"):
            try:
                cleaned["code"] = checked_code(cleaned["system"], cleaned["code"])
            except ValidationError as error:
                self.add_error("code", error)
        return cleaned


class TagCodeInline(admin.TabularInline):
    model = TagCode
    form = TagCodeForm
    extra = 1
    fields = ["system", "code", "display"]
    verbose_name = "code"
    verbose_name_plural = "codes (ICD-10-CM, SNOMED CT, MeSH): printed for search engines"


class TagForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("approving_specialties") and cleaned.get("kind") != Tag.Kind.CONDITION:
            self.add_error(
                "approving_specialties",
                "Only a condition names the specialties that may approve it; a specialty tag "
                "stands for its own.",
            )
        return cleaned


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    form = TagForm
    inlines = [TagCodeInline]
    list_display = ["name", "slug", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "kind", "description", "approving_specialties"]
    filter_horizontal = ["approving_specialties"]

    def get_readonly_fields(self, request, obj=None):
        # Articles name their tags by slug in every revision, whose hash covers it: a new slug
        # would change every working copy that carries the tag, and none of them was edited.
        return ["slug"] if obj is not None else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields
