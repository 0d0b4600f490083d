"""What the review workflow records: frozen revisions, the reviews of them, and every transition.

These rows are history. Once written they are never changed, except that a pending review is
decided once; `save()` refuses anything else.
"""

import hashlib
import json

from django.conf import settings
from django.db import models

from articles.models.content import Article, ArticleState
from config.plain_text import validate_plain_text
from reviewers.models import Reviewer


class ImmutableRowError(Exception):
    """Raised when code tries to change a row that is part of the record."""


def canonical_json(data):
    """The one byte string a snapshot hashes to: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(snapshot):
    return hashlib.sha256(canonical_json(snapshot).encode()).hexdigest()


class ArticleRevision(models.Model):
    """The working copy of an article frozen when it was submitted for review."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    content_hash = models.CharField(max_length=64, db_index=True)
    hero_image = models.ForeignKey(
        "images.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The image reviewed with this revision; kept as long as the revision is.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Recorded at submit, for the review queue: whether readers saw a version then, and what
    # the revision changes, in words, against the revision a reviewer last sent back, or else
    # the version readers saw (or nothing, for an article never live or sent back).
    compared_with = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The live revision when this one was submitted; empty for a new article.",
    )
    changed_words = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Words added or removed against the revision last sent back, or else the "
        "live revision (all words, for a new article); empty for revisions submitted before "
        "this was recorded.",
    )

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_unique_number"),
        ]

    def __str__(self):
        return f"{self.article} (revision {self.number})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableRowError("A revision is never changed once it is recorded.")
        self.content_hash = content_hash(self.snapshot)
        self.hero_image_id = (self.snapshot.get("hero_image") or {}).get("id")
        super().save(*args, **kwargs)

    def approval(self):
        """The latest review that approved this revision (a re-certification is a later
        approval of the same revision), or None."""
        return (
            self.reviews.filter(decision=Review.Decision.APPROVED).order_by("-decided_at").first()
        )


class ReviewDecision(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    # Another assigned reviewer decided first, or the writer withdrew the revision.
    SUPERSEDED = "superseded", "Superseded"


class ReviewKind(models.TextChoices):
    REVIEW = "review", "Review"
    # A live revision sent for review again on its schedule, without an edit.
    RECERTIFICATION = "recertification", "Re-certification"


class ReviewQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(decision=ReviewDecision.PENDING)

    def assigned_to(self, user):
        return self.filter(reviewer__user=user)

    def for_queue(self):
        return self.select_related("revision__article__published", "reviewer").order_by(
            "assigned_at", "pk"
        )


class Review(models.Model):
    """A reviewer's decision on one revision: approve it or request changes, with a comment."""

    Decision = ReviewDecision
    Kind = ReviewKind

    revision = models.ForeignKey(ArticleRevision, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="reviews")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(
        max_length=20, choices=ReviewDecision.choices, default=ReviewDecision.PENDING
    )
    comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who decided; publishing checks the profile is still theirs.",
    )
    kind = models.CharField(
        max_length=20,
        choices=ReviewKind.choices,
        default=ReviewKind.REVIEW,
        help_text="review of a submitted revision, or recertification of a live one unchanged.",
    )
    # Recorded at approval, as they stood then: printed with the article it approved.
    conflict_declared = models.BooleanField(
        default=False, help_text="The reviewer declared a conflict of interest for this article."
    )
    conflict_note = models.TextField(
        validators=[validate_plain_text],
        max_length=1000,
        blank=True,
        help_text="What the declared conflict is.",
    )
    reviewer_disclosure = models.TextField(
        blank=True, help_text="The reviewer's disclosures in effect when they approved."
    )
    author_disclosure = models.TextField(
        blank=True, help_text="The author's disclosures in effect when it was approved."
    )

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "reviewer"],
                condition=models.Q(decision=ReviewDecision.PENDING),
                name="review_one_open_per_reviewer_and_revision",
            ),
            # Re-certifications approve a live revision again, as often as it comes due.
            models.UniqueConstraint(
                fields=["revision"],
                condition=models.Q(decision=ReviewDecision.APPROVED, kind=ReviewKind.REVIEW),
                name="review_one_approval_per_revision",
            ),
            models.CheckConstraint(
                condition=models.Q(decision__in=ReviewDecision.values),
                name="review_decision_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(decision=ReviewDecision.PENDING, decided_at__isnull=True)
                | (~models.Q(decision=ReviewDecision.PENDING) & models.Q(decided_at__isnull=False)),
                name="review_decided_at_matches_decision",
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} on {self.revision}: {self.get_decision_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = Review.objects.filter(pk=self.pk).values_list("decision", flat=True).first()
            if stored != ReviewDecision.PENDING:
                raise ImmutableRowError("A decided review is never changed.")
        super().save(*args, **kwargs)


class ArticleEdit(models.Model):
    """Someone saved a change to an article's working copy.

    Separation of duties rests on these rows: nobody reviews a revision holding a change they
    made since the last approved revision. `revision` is the first revision that contained the
    change, filled in when it was submitted.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="edits")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    content_hash = models.CharField(max_length=64, help_text="The working copy's hash after it.")
    revision = models.ForeignKey(
        ArticleRevision, on_delete=models.CASCADE, null=True, blank=True, related_name="edits"
    )

    class Meta:
        ordering = ["article", "-at", "-pk"]
        indexes = [models.Index(fields=["article", "revision"], name="edit_article_revision")]

    def __str__(self):
        return f"{self.article} edited by {self.by} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableRowError("An edit is never changed once it is recorded.")
        super().save(*args, **kwargs)


class Transition(models.Model):
    """One move of an article through the workflow: who, when, from, to, on which revision."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="transitions")
    revision = models.ForeignKey(
        ArticleRevision, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20, choices=ArticleState.choices)
    to_state = models.CharField(max_length=20, choices=ArticleState.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = "workflow move"
        verbose_name_plural = "audit trail"
        ordering = ["article", "-at", "-pk"]
        indexes = [models.Index(fields=["article", "-at"], name="transition_article_at")]

    def __str__(self):
        return f"{self.article}: {self.from_state} → {self.to_state} ({self.action})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableRowError("A transition is never changed once it is recorded.")
        super().save(*args, **kwargs)

    @property
    def action_label(self):
        """The action in words ("Request changes"), as people are shown it."""
        return self.action.replace("_", " ").capitalize()


class CommentTarget(models.TextChoices):
    TITLE = "title", "Title"
    SUMMARY = "summary", "Summary"
    INTRO = "intro", "Intro"
    SECTION = "section", "Section"


class ReviewComment(models.Model):
    """A reviewer's comment on one part of the reviewed revision, and how its writer answered.

    A section is named by its anchor, as the revision's snapshot names it: sections are
    replaced each time the article is saved, anchors stay. The comment itself is never changed
    once written; its answer (a reply, then the resolution) is written by the article's writer
    or an editor, and a resolved comment is final.
    """

    Target = CommentTarget

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="comments")
    target = models.CharField(max_length=10, choices=CommentTarget.choices)
    section_anchor = models.CharField(
        max_length=255, blank=True, help_text="The section's anchor, when the target is a section."
    )
    section_heading = models.CharField(
        max_length=200,
        blank=True,
        help_text="The section's heading in the revision commented on, to name it by.",
    )
    body = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reply = models.TextField(blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target=CommentTarget.SECTION, section_anchor__gt="")
                | (~models.Q(target=CommentTarget.SECTION) & models.Q(section_anchor="")),
                name="review_comment_anchor_matches_target",
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True, resolved_by__isnull=True)
                | models.Q(resolved_at__isnull=False, resolved_by__isnull=False),
                name="review_comment_resolved_by_and_at",
            ),
        ]

    def __str__(self):
        return f"Comment on {self.where} ({self.review})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = ReviewComment.objects.filter(pk=self.pk).values(
                "body", "target", "section_anchor", "resolved_at"
            )[0]
            if stored["resolved_at"] is not None:
                raise ImmutableRowError("A resolved comment is never changed.")
            if (stored["body"], stored["target"], stored["section_anchor"]) != (
                self.body,
                self.target,
                self.section_anchor,
            ):
                raise ImmutableRowError("A comment is never reworded; only its answer changes.")
        super().save(*args, **kwargs)

    @property
    def where(self):
        """The part of the article the comment is about, in words."""
        if self.target == CommentTarget.SECTION:
            return f"section “{self.section_heading or self.section_anchor}”"
        return self.get_target_display().lower()

    @property
    def is_resolved(self):
        return self.resolved_at is not None
