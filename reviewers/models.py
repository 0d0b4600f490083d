import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from config.plain_text import validate_plain_text


class ReviewerQuerySet(models.QuerySet):
    def able_to_review(self):
        """Profiles that `Reviewer.unfit_to_review()` finds nothing against."""
        able = self.filter(is_active=True, user__is_active=True)
        in_force = Credential.objects.in_force().filter(reviewer=models.OuterRef("pk"))
        able = able.filter(models.Exists(in_force))
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
    specialties = models.ManyToManyField(
        "tags.Tag",
        blank=True,
        related_name="reviewers",
        limit_choices_to={"kind": "specialty"},
        help_text="The specialty tags this reviewer may approve articles in; an article whose "
        "conditions or specialties name none of them needs an editor's override.",
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

    def unfit_to_review(self, *, credentials_checked=True):
        """Why this profile cannot review now, as the end of a sentence about it; None when it
        can. The one rule for assigning reviewers and for deciding reviews. (An import of
        approvals given elsewhere leaves out `credentials_checked`: see `publish_many`.)"""
        if not self.is_active:
            return "is inactive, so not an active reviewer"
        if self.user_id is None:
            return "has no user account to review with"
        if not self.user.is_active:
            return "has a user account that is switched off"
        if not self.credentials.strip():
            return "has no credentials on record"
        return self.unverified() if credentials_checked else None

    def unverified(self):
        """Why no licence or certification vouches for this reviewer today, or None."""
        held = list(self.held_credentials.all())  # prefetched where many are asked
        if any(credential.in_force() for credential in held):
            return None
        verified = [credential for credential in held if credential.verified_at]
        if verified:
            last = max(credential.valid_until for credential in verified)
            return f"has no credential in date: the last one expired on {last.isoformat()}"
        return "has no licence or certification that an editor has verified"

    def public_credentials(self):
        """The credentials in force, as the public profile and documents print them."""
        return [c.as_public() for c in self.held_credentials.all() if c.in_force()]

    @property
    def byline(self) -> str:
        """The name as printed under "Reviewed by", e.g. "Jane Roe, MD"."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class CredentialQuerySet(models.QuerySet):
    def in_force(self, on=None):
        """Verified by an editor, and valid on `on` (today by default)."""
        on = on or timezone.localdate()
        valid = models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=on)
        return self.filter(valid, verified_at__isnull=False)

    def expiring(self, within_days, on=None):
        """Verified ones whose last day is within `within_days` days of `on`, before or after:
        those running out, and those that ran out lately (a reviewer may be left with none)."""
        on = on or timezone.localdate()
        window = datetime.timedelta(days=within_days)
        return self.filter(
            verified_at__isnull=False, valid_until__gte=on - window, valid_until__lt=on + window
        )


class CredentialKind(models.TextChoices):
    LICENCE = "licence", "Medical licence"
    BOARD_CERTIFICATION = "board_certification", "Board certification"
    REGISTRATION = "registration", "Specialist registration"


class Credential(models.Model):
    """A licence or certification a reviewer holds. It counts once an editor has checked it
    with the issuing body and recorded that here; a change to what it says needs a new check."""

    Kind = CredentialKind

    # Which schema.org credentialCategory each kind is.
    CATEGORIES = {"licence": "license", "board_certification": "certification",
                  "registration": "license"}  # fmt: skip

    reviewer = models.ForeignKey(
        Reviewer, on_delete=models.CASCADE, related_name="held_credentials"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    number = models.CharField(
        validators=[validate_plain_text],
        max_length=50,
        help_text="As the issuing body prints it; public only if the reviewer opts in.",
    )
    issuing_body = models.CharField(
        validators=[validate_plain_text],
        max_length=200,
        help_text='e.g. "Medical Board of California", "American Board of Orthopaedic Surgery".',
    )
    region = models.CharField(
        validators=[validate_plain_text],
        max_length=100,
        blank=True,
        help_text='Where it is valid, e.g. "California", "United Kingdom"; empty if nationwide.',
    )
    valid_until = models.DateField(
        null=True,
        blank=True,
        help_text="The last day it is valid; empty for a certification that does not expire.",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,  # who vouched stays on record
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    number_is_public = models.BooleanField(
        "show the number publicly",
        default=False,
        help_text="Set by the reviewer: their number is printed only with their consent.",
    )

    objects = CredentialQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "issuing_body"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "kind", "issuing_body", "number"],
                name="credential_unique_per_reviewer",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=CredentialKind.values),
                name="credential_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(verified_at__isnull=True, verified_by__isnull=True)
                | models.Q(verified_at__isnull=False, verified_by__isnull=False),
                name="credential_verified_by_someone",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.issuing_body}"

    def in_force(self, on=None):
        on = on or timezone.localdate()
        return self.verified_at is not None and (self.valid_until is None or self.valid_until >= on)

    def as_public(self):
        return {
            "kind": self.kind,
            "name": self.get_kind_display(),
            "issuing_body": self.issuing_body,
            "region": self.region,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "number": self.number if self.number_is_public else None,
            "verified_on": timezone.localdate(self.verified_at).isoformat(),
        }


class DisclosureQuerySet(models.QuerySet):
    def in_effect(self, on=None):
        on = on or timezone.localdate()
        lasting = models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=on)
        return self.filter(lasting, valid_from__lte=on)


class Disclosure(models.Model):
    """What a writer or a reviewer declares about their interests (employment, funding, shares,
    speaking fees), or that they have none. The statements in effect when a reviewer approves
    are copied onto the approval and printed with the article; changing one later changes no
    approval."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="disclosures"
    )
    statement = models.TextField(
        validators=[validate_plain_text],
        max_length=1000,
        help_text='Your whole statement as readers should see it, e.g. "Receives speaking fees '
        'from Acme Medical." or "No conflicts declared." The latest in effect is the one '
        "recorded with approvals: a new one replaces those before it.",
    )
    valid_from = models.DateField(default=timezone.localdate)
    valid_until = models.DateField(
        null=True, blank=True, help_text="The last day it holds; empty while it still does."
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="disclosure_ends_after_it_starts",
                violation_error_message="It cannot end before it starts.",
            ),
        ]

    def __str__(self):
        return self.statement[:80]


def statement_of(user, on=None):
    """`user`'s disclosure statement on `on` (today): the latest in effect, empty if none.

    A statement is whole: a new one replaces the one before (a "No conflicts declared." and a
    later "Consults for Acme." printed together would contradict each other)."""
    if user is None:
        return ""
    latest = (
        Disclosure.objects.filter(user=user)
        .in_effect(on)
        .order_by("-valid_from", "-pk")
        .values_list("statement", flat=True)
        .first()
    )
    return (latest or "").strip()
