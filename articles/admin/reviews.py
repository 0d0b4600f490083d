from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import workflow
from articles.admin import previews
from articles.admin.forms import ReviewDecisionForm
from articles.diffs import diff_table
from articles.models import Review


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
        form = ReviewDecisionForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            decide = workflow.approve if "approve" in request.POST else workflow.request_changes
            try:
                with transaction.atomic():
                    decide(review=review, by=request.user, comment=form.cleaned_data["comment"])
            except workflow.WorkflowError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, "Your review is recorded.", messages.SUCCESS)
                return redirect("admin:articles_review_changelist")
        revision = review.revision
        article = revision.article
        snapshot = revision.snapshot
        live = article.live_revision
        # On a resubmission, what changed since the revision before is what the reviewer asked.
        previous = article.revisions.filter(number__lt=revision.number).order_by("-number").first()
        if previous is not None and live is not None and previous.pk == live.pk:
            previous = None  # the diff against the live version already shows it
        barrier = workflow.reviewing_barrier(review, request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review: {snapshot['title']} (revision {revision.number})",
            "opts": self.opts,
            "review": review,
            "snapshot": snapshot,
            # Rendered as publishing renders it, so links to articles that are not live show
            # as readers will see them.
            **previews.preview_context(article, revision=revision),
            "pending": review.decision == Review.Decision.PENDING,
            "can_decide": review.decision == Review.Decision.PENDING and barrier is None,
            "barrier": barrier if review.reviewer.user_id == request.user.pk else None,
            "recertification": review.kind == Review.Kind.RECERTIFICATION,
            "form": form,
            "previous": previous,
            "diff_since_previous": previous
            and mark_safe(  # difflib.HtmlDiff escapes every line of text it is given
                diff_table(
                    previous.snapshot,
                    snapshot,
                    old_label=f"Revision {previous.number}",
                    new_label=f"Revision {revision.number}",
                )
            ),
            "diff": mark_safe(  # difflib.HtmlDiff escapes every line of text it is given
                diff_table(
                    live.snapshot if live else None,
                    snapshot,
                    old_label=f"Live (revision {live.number})" if live else "Not live yet",
                    new_label=f"Revision {revision.number}",
                )
            ),
        }
        return TemplateResponse(request, "admin/articles/review/decide.html", context)
