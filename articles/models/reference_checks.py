from django.db import models


class CheckOutcome(models.TextChoices):
    OK = "ok", "Answers"
    BROKEN = "broken", "Answers with an error"
    UNREACHABLE = "unreachable", "Does not answer"
    REFUSED = "refused", "Leads into a private network"


class ReferenceCheck(models.Model):
    """The last check of a reference URL that a live article cites: one row per URL, however
    many articles cite it, so that each is fetched at most once a day."""

    Outcome = CheckOutcome

    url = models.URLField("URL", max_length=500, unique=True)
    outcome = models.CharField(max_length=20, choices=CheckOutcome.choices)
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The last HTTP status, after any redirects."
    )
    detail = models.CharField(max_length=300, blank=True, help_text="What went wrong, if it did.")
    checked_at = models.DateTimeField()
    cited_by = models.JSONField(
        default=list, help_text="The ids of the live articles citing it when it was checked."
    )

    class Meta:
        ordering = ["url"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=CheckOutcome.values),
                name="reference_check_outcome_valid",
            ),
        ]

    def __str__(self):
        return f"{self.url}: {self.get_outcome_display()}"

    @property
    def ok(self):
        return self.outcome == CheckOutcome.OK

    def as_dict(self):
        return {
            "outcome": self.outcome,
            "status_code": self.status_code,
            "detail": self.detail,
            "checked_at": self.checked_at.isoformat(),
        }
