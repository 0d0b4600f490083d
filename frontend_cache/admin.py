from django.contrib import admin, messages

from frontend_cache.models import PendingPurge
from frontend_cache.purge import retry

# Editors answer for what readers see, so they see the purges that have not gone through.
EDITOR_PERMISSION = "articles.publish_article"


@admin.register(PendingPurge)
class PendingPurgeAdmin(admin.ModelAdmin):
    """Purges a cache refused: read-only, with a manual retry."""

    list_display = ["backend", "keys", "attempts", "last_error", "created_at", "last_attempt_at"]
    fields = list_display
    readonly_fields = fields
    actions = ["retry_now"]

    def has_module_permission(self, request):
        return request.user.has_perm(EDITOR_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(EDITOR_PERMISSION)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Retry the selected purges now", permissions=["view"])
    def retry_now(self, request, queryset):
        done = sum(retry(pending) for pending in queryset)
        level = messages.SUCCESS if done == len(queryset) else messages.WARNING
        self.message_user(request, f"{done} of {len(queryset)} purges went through.", level)
