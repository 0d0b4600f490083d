"""Webhook endpoints that frontends register, and the log of every delivery and attempt."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models

from articles import webhook_targets


class WebhookEvent(models.TextChoices):
    PUBLISHED = "article.published", "An article went live"
    UPDATED = "article.updated", "A live article was replaced by a newer approved version"
    UNPUBLISHED = "article.unpublished", "An article was taken down"


class WebhookEndpoint(models.Model):
    url = models.URLField(
        max_length=500,
        help_text="Where to POST the JSON events: an https:// URL on a public address.",
    )
    secret = models.CharField(
        max_length=200,
        help_text="Shared secret: each request carries the header X-Webhook-Signature: "
        "t=TIME,v1=SIGNATURE, where SIGNATURE is the hex HMAC-SHA256, made with this secret, of "
        "the time, a dot and the body (the README shows a receiver that checks it).",
    )
    events = models.JSONField(
        default=list, help_text="The events this endpoint receives; empty means all of them."
    )
    description = models.CharField(max_length=200, blank=True, help_text="What listens here.")
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url"]

    def __str__(self):
        return self.description or self.url

    def clean(self):
        # Rows written without clean() (a restored backup, say) are checked again at each
        # attempt, so an address refused here is never sent to either way.
        if self.url:
            try:
                webhook_targets.check_url(self.url)
            except webhook_targets.RefusedTarget as refusal:
                raise ValidationError({"url": str(refusal)}) from refusal

    def wants(self, event):
        return self.is_active and (not self.events or event in self.events)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Gave up"


class WebhookDeliveryQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)


class WebhookDelivery(models.Model):
    """One event for one endpoint: its exact body, and where its delivery stands."""

    Status = DeliveryStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    body = models.TextField(help_text="The JSON sent, byte for byte, as it was signed.")
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.event} to {self.endpoint}"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField()

    class Meta:
        ordering = ["delivery", "at"]

    def __str__(self):
        return f"{self.delivery_id} at {self.at}: {self.status_code or self.error}"
