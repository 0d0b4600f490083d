"""The audit trail: every workflow move, by whom and when, for editors."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from articles import workflow
from articles.models import Transition


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    list_display = ["at", "article_link", "action", "from_state", "to_state", "by", "comment"]
    list_filter = ["action", "to_state", ("by", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["article__title", "comment", "by__username"]
    date_hierarchy = "at"
    ordering = ["-at", "-pk"]
    list_select_related = ["article", "by"]

    # The record is written by the workflow alone and never changed.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return workflow.is_editor(request.user)

    def has_module_permission(self, request):
        return workflow.is_editor(request.user)

    @admin.display(description="article", ordering="article__title")
    def article_link(self, transition):
        url = reverse("admin:articles_article_change", args=[transition.article_id])
        return format_html('<a href="{}">{}</a>', url, transition.article.title)
