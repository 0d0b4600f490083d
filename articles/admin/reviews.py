from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from articles import submission_checks, word_diff, workflow
from articles.admin import previews
from articles.admin.articles import warn_if_readers_may_lag
from articles.admin.forms import ReviewDecisionForm
from articles.models import ArticleEdit, Review, ReviewComment, Transition
from config import replicas
from reviewers.models import statement_of


def _edits_a_live_article(revision, live):
    """Whether `revision` was submitted while a version of its article was live. Revisions
    from before that was recorded fall back to whether the article is live now."""
    if revision.changed_words is None:
        return live is not None
    return revision.compared_with_id is not None


class FilterWithDefault(admin.SimpleListFilter):
    """A list filter that applies `default` when the address names none, and offers "All"
    as a choice of its own, so the queue opens filtered and can still be widened."""

    everything = "all"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        default = self.default(request)
        if default is not None:
            self.used_parameters.setdefault(self.parameter_name, default)

    def default(self, request):
        return None

    def choices(self, changelist):
        yield {
            "selected": self.value() in (None, self.everything),
            "query_string": changelist.get_query_string({self.parameter_name: self.everything}),
            "display": "All",
        }
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == str(value),
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class AssignedToMeFilter(FilterWithDefault):
    title = "assigned"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", "To me")]

    def default(self, request):
        # Reviewers open on their own work; others (writers, editors) on everyone's.
        return "me" if hasattr(request.user, "reviewer_profile") else None

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(reviewer__user=request.user)
        return queryset


class DecisionFilter(FilterWithDefault):
    title = "decision"
    parameter_name = "decision"

    def lookups(self, request, model_admin):
        return Review.Decision.choices

    def default(self, request):
        return Review.Decision.PENDING

    def queryset(self, request, queryset):
        if self.value() in Review.Decision.values:
            return queryset.filter(decision=self.value())
        return queryset


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Reviewers' queue, oldest first. Reviews are decided on their own page, through the
    workflow."""

    # The link to the review page comes first, so it is in view however narrow the screen.
    list_display = [
        "open", "article", "review_kind", "change_size", "assigned", "reviewer", "decision"
    ]  # fmt: skip
    list_display_links = None
    list_filter = [AssignedToMeFilter, DecisionFilter]
    ordering = ["assigned_at"]
    fields = ["article", "revision_number", "reviewer", "decision", "comment", "decided_at", "open"]
    readonly_fields = fields

    def get_queryset(self, request):
        queryset = Review.objects.for_queue()
        if workflow.is_editor(request.user) or request.user.is_superuser:
            return queryset
        # Reviewers see what is assigned to them; writers see the reviews of their articles.
        return queryset.filter(
            Q(reviewer__user=request.user) | Q(revision__article__author=request.user)
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="article")
    def article(self, review):
        return f"{review.revision.article} (revision {review.revision.number})"

    @admin.display(description="assigned", ordering="assigned_at")
    def assigned(self, review):
        # A short date keeps every column in view at 1280 px.
        return timezone.localtime(review.assigned_at).strftime("%d %b %Y")

    @admin.display(description="kind")
    def review_kind(self, review):
        """What is at stake: a new article, an edit of a live one, or a live one re-certified
        unchanged; red when the live version's review date has passed."""
        live = getattr(review.revision.article, "published", None)
        if review.kind == Review.Kind.RECERTIFICATION:
            label = "Re-certification"
        elif _edits_a_live_article(review.revision, live):
            label = "Re-review of a live article"
        else:
            label = "New article"
        if live is not None and live.review_is_overdue and review.decision == "pending":
            return format_html(
                '<strong class="errornote">{}, overdue since {}</strong>',
                label,
                live.next_review_due,
            )
        return label

    @admin.display(description="change", ordering="revision__changed_words")
    def change_size(self, review):
        if review.kind == Review.Kind.RECERTIFICATION:
            return "Unchanged"
        words = review.revision.changed_words
        if words is None:
            return "—"
        return f"{words} word{'' if words == 1 else 's'}"

    @admin.display(description="revision")
    def revision_number(self, review):
        return review.revision.number

    @admin.display(description="")
    def open(self, review):
        url = reverse("admin:articles_review_decide", args=[review.pk])
        label = "Review" if review.decision == Review.Decision.PENDING else "Read"
        return format_html('<a href="{}">{}</a>', url, label)

    def get_urls(self):
        decide = path(
            "<int:object_id>/decide/",
            self.admin_site.admin_view(self.decide_view),
            name="articles_review_decide",
        )
        return [decide, *super().get_urls()]

    def decide_view(self, request, object_id):
        review = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_permission(request, review):
            raise PermissionDenied
        pending = review.decision == Review.Decision.PENDING
        form = ReviewDecisionForm(
            request.POST if request.method == "POST" else None,
            snapshot=review.revision.snapshot,
            # Until the decision, the reviewer may take back the comments they made.
            own_comments=(
                review.comments.filter(created_by=request.user)
                if pending
                else ReviewComment.objects.none()
            ),
        )
        if request.method == "POST" and form.is_valid():
            comment = form.cleaned_data["comment"]
            try:
                with replicas.unconfirmed_moves() as behind, transaction.atomic():
                    for taken_back in form.cleaned_data["take_back"]:
                        workflow.remove_comment(comment=taken_back, by=request.user)
                    if "approve" in request.POST:
                        workflow.approve(
                            review=review,
                            by=request.user,
                            comment=comment,
                            conflict_declared=form.cleaned_data["conflict_declared"],
                            conflict_note=form.cleaned_data["conflict_note"],
                        )
                    else:
                        workflow.request_changes(
                            review=review,
                            by=request.user,
                            comment=comment,
                            comments=form.part_comments(),
                        )
            except workflow.WorkflowError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, "Your review is recorded.", messages.SUCCESS)
                warn_if_readers_may_lag(self, request, behind)  # a re-certification is a move
                return redirect("admin:articles_review_changelist")
        revision = review.revision
        article = revision.article
        snapshot = revision.snapshot
        barrier = workflow.reviewing_barrier(review, request.user)
        preview = previews.preview_context(article, revision=revision)
        comparisons = review_comparisons(review)
        base = comparisons[0]["base"] if comparisons else None
        can_decide = pending and barrier is None
        own_comments = (
            list(review.comments.select_related("review"))
            if workflow.comments_shown_to(review, request.user)
            else []
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review: {snapshot['title']} (revision {revision.number})",
            "opts": self.opts,
            "review": review,
            "snapshot": snapshot,
            # Rendered as publishing renders it, so links to articles that are not live show
            # as readers will see them.
            **preview,
            "pending": pending,
            "can_decide": can_decide,
            # The document shows a box beside each part only to the reviewer who decides.
            "part_comments": form.beside_each_part(own_comments) if can_decide else None,
            "part_error": next((field for field in form.part_fields() if field.errors), None),
            "barrier": barrier if review.reviewer.user_id == request.user.pk else None,
            "recertification": review.kind == Review.Kind.RECERTIFICATION,
            "form": form,
            "comparisons": comparisons,
            "authors": change_authors(revision, since=base),
            "earlier_reviews": earlier_reviews(review),
            "earlier_comments": earlier_comments(review),
            "own_comments": own_comments,
            "submit_warnings": submission_checks.revision_warnings(snapshot, preview["rendering"]),
            "submit_note": submit_note(review),
            "approved_at": approval_date(review),
            "reviewer_disclosure": statement_of(request.user) if can_decide else "",
        }
        return TemplateResponse(request, "admin/articles/review/decide.html", context)


def review_comparisons(review):
    """What changed in the reviewed revision, first since the revision this reviewer sent back
    (if they did, after the live version), then since the live version. Empty for a new
    article seen for the first time: all of it is new."""
    revision = review.revision
    article = revision.article
    live = article.live_revision
    sent_back = (
        article.revisions.filter(
            number__lt=revision.number,
            number__gt=live.number if live else 0,
            reviews__reviewer=review.reviewer,
            reviews__decision=Review.Decision.CHANGES_REQUESTED,
        )
        .order_by("-number")
        .first()
    )
    comparisons = []
    if sent_back is not None:
        comparisons.append(
            {
                "title": f"Changes since revision {sent_back.number}, which you sent back",
                "base": sent_back,
                "changes": word_diff.compare(sent_back.snapshot, revision.snapshot),
            }
        )
    if live is not None and live.pk != revision.pk:
        comparisons.append(
            {
                "title": f"Changes compared with the live version (revision {live.number})",
                "base": live,
                "changes": word_diff.compare(live.snapshot, revision.snapshot),
            }
        )
    return comparisons


def submit_note(review):
    """The move that sent the revision to this review, if its author left a note with it."""
    sent = (
        Transition.objects.filter(
            article_id=review.revision.article_id,
            revision_id=review.revision_id,
            action__in=["submit", "recertify"],
            # The move is recorded just after the reviews it assigns.
            at__gte=review.assigned_at,
        )
        .select_related("by")
        .order_by("at")
        .first()
    )
    return sent if sent is not None and sent.comment else None


def approval_date(review):
    """For a re-certification, when the revision under review was last approved."""
    if review.kind != Review.Kind.RECERTIFICATION:
        return None
    return (
        Review.objects.filter(revision_id=review.revision_id, decision=Review.Decision.APPROVED)
        .order_by("-decided_at")
        .values_list("decided_at", flat=True)
        .first()
    )


def change_authors(revision, *, since):
    """Who saved the changes between revision `since` (None: the start) and `revision`, with
    how many saves and when the first and last were."""
    edits = ArticleEdit.objects.filter(
        article_id=revision.article_id,
        revision__number__gt=since.number if since else 0,
        revision__number__lte=revision.number,
    )
    rows = edits.values("by").annotate(saves=Count("pk"), first=Min("at"), last=Max("at"))
    users = get_user_model().objects.in_bulk([row["by"] for row in rows])
    return [
        {**row, "name": users[row["by"]].get_full_name() or users[row["by"]].get_username()}
        for row in sorted(rows, key=lambda row: row["last"])
    ]


# The review page lists this many of the article's earlier decided reviews with a comment.
EARLIER_REVIEWS_SHOWN = 20


def earlier_reviews(review):
    """The article's other decided reviews that carry a comment, newest first."""
    return (
        Review.objects.filter(revision__article_id=review.revision.article_id)
        .exclude(pk=review.pk)
        .exclude(comment="")
        .exclude(decision=Review.Decision.PENDING)
        .select_related("reviewer", "revision")
        .order_by("-decided_at")[:EARLIER_REVIEWS_SHOWN]
    )


def earlier_comments(review):
    """The comments earlier reviews of the article made on its parts, newest first, with how
    the writer answered each."""
    return (
        ReviewComment.objects.filter(review__revision__article_id=review.revision.article_id)
        .exclude(review=review)
        # Comments no decision sent (undecided, or superseded first) are their reviewer's notes.
        .filter(review__decision__in=workflow.DECISIONS_THAT_SEND_COMMENTS)
        .select_related("review__revision", "review__reviewer", "replied_by", "resolved_by")
        .order_by("-created_at", "-pk")[:EARLIER_REVIEWS_SHOWN]
    )
