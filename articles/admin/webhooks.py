from django import forms
from django.contrib import admin, messages

from articles import webhooks
from articles.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        max_length=500,
        assume_scheme="https",
        help_text="Where to POST the JSON events: an https:// URL on a public address.",
    )
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked to receive every event.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "secret", "events", "is_active"]
        widgets = {"secret": forms.PasswordInput(render_value=True)}

    def clean_events(self):
        # The boxes send each event once, but a hand-made form may repeat one a thousand
        # times; keeping each once bounds the list by the events there are.
        return list(dict.fromkeys(self.cleaned_data["events"]))


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "description", "event_list", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "description"]

    @admin.display(description="events")
    def event_list(self, endpoint):
        return ", ".join(endpoint.events) or "all"


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ["at", "status_code", "error", "duration_ms"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """Every delivery and each attempt at it; read-only, with a manual retry."""

    list_display = ["event", "endpoint", "status", "attempts", "created_at", "next_attempt_at"]
    list_filter = ["status", "event", "endpoint"]
    fields = [
        "id", "endpoint", "event", "status", "attempts", "created_at", "next_attempt_at",
        "delivered_at", "body",
    ]  # fmt: skip
    readonly_fields = fields
    inlines = [WebhookAttemptInline]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Retry the selected deliveries now", permissions=["view"])
    def retry_now(self, request, queryset):
        pending = list(
            queryset.filter(status=WebhookDelivery.Status.PENDING).select_related("endpoint")
        )
        for delivery in pending:
            webhooks.attempt(delivery)
        self.message_user(request, f"Tried {len(pending)} delivery(ies).", messages.INFO)
