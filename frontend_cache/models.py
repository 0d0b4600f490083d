from django.conf import settings
from django.db import models


class PendingPurgeQuerySet(models.QuerySet):
    def failed(self):
        """Purges retried FRONTEND_CACHE_MAX_ATTEMPTS times without success."""
        return self.filter(attempts__gte=settings.FRONTEND_CACHE_MAX_ATTEMPTS)


class PendingPurge(models.Model):
    """Keys one backend failed to purge: readers may see stale content there until a retry
    succeeds, which deletes the row."""

    backend = models.CharField(max_length=40)
    keys = models.JSONField()
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(auto_now=True)

    objects = PendingPurgeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.backend}: {' '.join(self.keys)}"

    @property
    def gave_up(self):
        return self.attempts >= settings.FRONTEND_CACHE_MAX_ATTEMPTS
