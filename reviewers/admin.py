from django.contrib import admin

from reviewers.models import Reviewer


@admin.register(Reviewer)
class ReviewerAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "specialty", "user", "is_active"]
    list_filter = ["is_active", "specialty"]
    search_fields = ["name", "slug", "specialty"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user", "photo"]
    fields = ["name", "slug", "credentials", "specialty", "bio", "photo", "user", "is_active"]
