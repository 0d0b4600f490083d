from django.conf import settings
from django.db import models

from config.plain_text import validate_plain_text


class ReviewerQuerySet(models.QuerySet):
    def able_to_review(self):
        """Profiles that `Reviewer.unfit_to_review()` finds nothing against."""
        able = self.filter(is_active=True, user__is_active=True)
        return able.exclude(credentials__regex=r"^\s*$")  # blank or only spaces


class Reviewer(models.Model):
    """A credentialed clinician whose approval lets an article reach readers."""

    name = models.CharField(
        validators=[validate_plain_text],
        max_length=200,
        help_text='Full name without titles, e.g. "Jane Roe".',
    )
    slug = models.SlugField(
        max_length=200, unique=True, help_text="Used in the reviewer's public URL."
    )
    credentials = models.CharField(
        validators=[validate_plain_text],
        max_length=100,
        help_text='Degrees and board certifications as they should be printed, e.g. "MD, FAAOS".',
    )
    specialty = models.CharField(
        validators=[validate_plain_text],
        max_length=200,
        blank=True,
        help_text='e.g. "Orthopedics".',
    )
    bio = models.TextField(
        validators=[validate_plain_text],
        blank=True,
        help_text="A short paragraph shown on the reviewer's page.",
    )
    photo = models.ForeignKey(
        "images.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A head-and-shoulders photo, uploaded under Images.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewer_profile",
        help_text="The account this reviewer signs in with; only linked reviewers can approve.",
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Inactive reviewers keep their past approvals but cannot review new work.",
    )

    objects = ReviewerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(slug=""), name="reviewer_slug_not_empty"),
        ]

    def __str__(self):
        return self.byline

    def unfit_to_review(self):
        """Why this profile cannot review now, as the end of a sentence about it; None when it
        can. The one rule for assigning reviewers and for deciding reviews."""
        if not self.is_active:
            return "is inactive, so not an active reviewer"
        if self.user_id is None:
            return "has no user account to review with"
        if not self.user.is_active:
            return "has a user account that is switched off"
        if not self.credentials.strip():
            return "has no credentials on record"
        return None

    @property
    def byline(self) -> str:
        """The name as printed under "Reviewed by", e.g. "Jane Roe, MD"."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name
