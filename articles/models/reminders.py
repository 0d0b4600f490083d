from django.db import models

from articles.models.content import Article


class ReviewReminder(models.Model):
    """A reminder that a live article's review falls due, as sent: one for each article, due
    date and number of days before it, so that no run sends the same reminder twice."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="review_reminders")
    due = models.DateField(help_text="The next_review_due the reminder was about.")
    days_before = models.PositiveSmallIntegerField(
        help_text="Which of REVIEW_REMINDER_DAYS it was sent for."
    )
    recipients = models.JSONField(default=list, help_text="The addresses it went to.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "due", "days_before"], name="review_reminder_sent_once"
            ),
        ]

    def __str__(self):
        return f"{self.article}: due {self.due}, {self.days_before} days before"
