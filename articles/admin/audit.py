"""The audit trail: every workflow move, by whom and when, for editors."""

import datetime
from dataclasses import dataclass

from django.contrib import admin
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html

from articles import workflow
from articles.models import Review, ReviewComment, Transition


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    list_display = ["at", "article_link", "action", "from_state", "to_state", "by", "comment"]
    list_filter = ["action", "to_state", ("by", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["article__title", "comment", "by__username"]
    date_hierarchy = "at"
    ordering = ["-at", "-pk"]
    list_select_related = ["article", "by"]

    # The record is written by the workflow alone and never changed.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return workflow.is_editor(request.user)

    def has_module_permission(self, request):
        return workflow.is_editor(request.user)

    @admin.display(description="article", ordering="article__title")
    def article_link(self, transition):
        url = reverse("admin:articles_article_change", args=[transition.article_id])
        return format_html('<a href="{}">{}</a>', url, transition.article.title)


@dataclass(frozen=True)
class HistoryEvent:
    """One line of an article's workflow history, for its History page."""

    at: datetime.datetime
    who: object
    what: str
    comment: str = ""


# Who wrote a comment on a part of a revision and who answered it, fetched with the comment.
PEOPLE = ["created_by", "replied_by", "resolved_by"]


def workflow_history(article):
    """Every workflow move, submitted revision, review decision, comment on a part of a
    revision and its resolution of `article`, newest first, with what people wrote. Four
    queries, however long the history."""
    events = [
        HistoryEvent(at=move.at, who=move.by, what=move_line(move), comment=move.comment)
        for move in Transition.objects.filter(article=article).select_related("by")
    ]
    revisions = article.revisions.select_related("created_by").prefetch_related(
        Prefetch("reviews", queryset=Review.objects.select_related("reviewer")),
        Prefetch("reviews__comments", queryset=ReviewComment.objects.select_related(*PEOPLE)),
    )
    for revision in revisions:
        size = (
            "" if revision.changed_words is None else f" ({revision.changed_words} words changed)"
        )
        events.append(
            HistoryEvent(
                at=revision.created_at,
                who=revision.created_by,
                what=f"Revision {revision.number} submitted{size}",
            )
        )
        for review in revision.reviews.all():
            events.append(
                HistoryEvent(
                    at=review.assigned_at,
                    who=review.reviewer,
                    what=f"{review.get_kind_display()} of revision {revision.number} assigned",
                )
            )
            if review.decided_at is not None:
                events.append(
                    HistoryEvent(
                        at=review.decided_at,
                        who=review.reviewer,
                        what=f"Review of revision {revision.number}: "
                        f"{review.get_decision_display().lower()}",
                        comment=review.comment,
                    )
                )
            # Until a decision sends them they are the reviewer's own notes.
            if review.decision in workflow.DECISIONS_THAT_SEND_COMMENTS:
                events.extend(comment_events(review.comments.all()))
    return sorted(events, key=lambda event: event.at, reverse=True)


def move_line(move):
    """What a move did, in words: its action, and the change of state if it made one (taking
    back a comment leaves the article where it was)."""
    if move.from_state == move.to_state:
        return move.action_label
    return f"{move.action_label}: {move.get_from_state_display()} → {move.get_to_state_display()}"


def comment_events(comments):
    """A reviewer's comments on parts of a revision, and the writer's answers to them."""
    for comment in comments:
        yield HistoryEvent(
            at=comment.created_at,
            who=comment.created_by,
            what=f"Comment on {comment.where}",
            comment=comment.body,
        )
        if comment.is_resolved:
            yield HistoryEvent(
                at=comment.resolved_at,
                who=comment.resolved_by,
                what=f"Resolved the comment on {comment.where}",
                comment=comment.reply,
            )
        elif comment.reply:
            yield HistoryEvent(
                at=comment.replied_at,
                who=comment.replied_by,
                what=f"Replied to the comment on {comment.where}",
                comment=comment.reply,
            )
