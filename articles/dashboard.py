"""The admin home page's panels: what each person should look at first.

Writers see their own articles and where each stands; reviewers their queue, oldest first,
with overdue re-reviews flagged; editors what is ready to publish, what is scheduled to go live
or to be taken down, live articles overdue for review, webhook deliveries that gave up, purges
of the HTTP cache that have not gone through (readers may be served an old version meanwhile),
reviewers' credentials running out, live articles citing sources that no longer answer, and the
latest moves.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import (
    Article,
    DeliveryStatus,
    PublishedArticle,
    Review,
    Transition,
    WebhookDelivery,
)
from articles.reference_checks import broken_references
from frontend_cache.models import PendingPurge
from reviewers.models import Credential

ROWS = 10
# How far ahead editors are told of reviewers' licences and certifications running out.
CREDENTIALS_EXPIRING_DAYS = 60


@dataclass
class Panel:
    title: str
    rows: list = field(default_factory=list)
    more_url: str = ""


def panels_for(user):
    panels = []
    if user.has_perm("articles.add_article"):
        panels.append(_my_articles(user))
    if hasattr(user, "reviewer_profile"):
        panels.append(_review_queue(user))
    if workflow.is_editor(user):
        panels += _editor_panels()
    return panels


def _article_row(article, note=""):
    url = reverse("admin:articles_article_change", args=[article.pk])
    return {"url": url, "title": article.title, "state": article.state_label, "note": note}


def _overdue_row(live):
    """An overdue live article, with the move that renews its review when it is unchanged."""
    row = _article_row(live.article, f"due {live.next_review_due:%d %b %Y}")
    if live.article.state == Article.State.PUBLISHED:
        row["action_url"] = reverse(
            "admin:articles_article_move", args=[live.article_id, "recertify"]
        )
        row["action_label"] = "Send for re-certification"
    return row


def _my_articles(user):
    articles = (
        Article.objects.filter(author=user)
        .exclude(state=Article.State.ARCHIVED)
        .order_by("-updated_at")
    )
    changelist = reverse("admin:articles_article_changelist")
    return Panel(
        title="My articles",
        rows=[
            _article_row(a, f"edited {timezone.localtime(a.updated_at):%d %b}")
            for a in articles[:ROWS]
        ],
        more_url=f"{changelist}?mine=yes",
    )


def _review_queue(user):
    reviews = (
        Review.objects.filter(reviewer__user=user, decision=Review.Decision.PENDING)
        .select_related("revision__article__published")
        .order_by("assigned_at", "pk")
    )
    rows = []
    for review in reviews[:ROWS]:
        article = review.revision.article
        live = getattr(article, "published", None)
        note = f"waiting since {timezone.localtime(review.assigned_at):%d %b}"
        if live is not None:
            note += " · re-review" + (" · OVERDUE" if live.review_is_overdue else "")
        url = reverse("admin:articles_review_decide", args=[review.pk])
        rows.append({"url": url, "title": article.title, "state": "Review", "note": note})
    return Panel(
        title="Waiting for my review",
        rows=rows,
        # The queue as it opens for a reviewer, named in the address so the link says so.
        more_url=reverse("admin:articles_review_changelist") + "?assigned=me&decision=pending",
    )


def _editor_panels():
    changelist = reverse("admin:articles_article_changelist")
    approved = Article.objects.filter(state=Article.State.APPROVED).order_by("updated_at")
    scheduled = Article.objects.filter(state=Article.State.SCHEDULED).order_by("publish_at")
    expiring = Article.objects.filter(unpublish_at__isnull=False).order_by("unpublish_at")
    overdue = (
        PublishedArticle.objects.review_overdue()
        .select_related("article")
        .order_by("next_review_due")
    )
    failed = WebhookDelivery.objects.filter(status=DeliveryStatus.FAILED).order_by("-created_at")
    moves = Transition.objects.select_related("article", "by").order_by("-at", "-pk")
    return [
        Panel(
            title="Approved, ready to publish",
            rows=[_article_row(a) for a in approved[:ROWS]],
            more_url=f"{changelist}?state__exact=approved",
        ),
        Panel(
            title="Scheduled",
            rows=[
                _article_row(a, f"goes live {timezone.localtime(a.publish_at):%d %b %H:%M}")
                for a in scheduled[:ROWS]
            ],
            more_url=f"{changelist}?state__exact=scheduled",
        ),
        Panel(
            title="Live articles with an expiry",
            rows=[
                _article_row(a, f"taken down {timezone.localtime(a.unpublish_at):%d %b %H:%M}")
                for a in expiring[:ROWS]
            ],
        ),
        Panel(
            title="Live articles overdue for review",
            rows=[_overdue_row(live) for live in overdue[:ROWS]],
            more_url=f"{changelist}?review_due=overdue",
        ),
        Panel(
            title="Webhook deliveries that gave up",
            rows=[
                {
                    "url": reverse("admin:articles_webhookdelivery_change", args=[d.pk]),
                    "title": f"{d.event} → {d.endpoint}",
                    "state": "Gave up",
                    "note": f"{timezone.localtime(d.created_at):%d %b %H:%M}",
                }
                for d in failed.select_related("endpoint")[:ROWS]
            ],
            more_url=reverse("admin:articles_webhookdelivery_changelist"),
        ),
        _pending_purges_panel(),
        _expiring_credentials_panel(),
        _broken_references_panel(),
        Panel(
            title="Latest moves (audit trail)",
            rows=[
                {
                    "url": reverse("admin:articles_article_change", args=[t.article_id]),
                    "title": t.article.title,
                    "state": t.get_to_state_display(),
                    "note": f"{t.action_label} by {t.by.get_full_name() or t.by} · "
                    f"{timezone.localtime(t.at):%d %b %H:%M}",
                }
                for t in moves[:ROWS]
            ],
            more_url=reverse("admin:articles_transition_changelist"),
        ),
    ]


def _broken_references_panel():
    """Live articles citing a source that failed its last daily check (check_references)."""
    found = broken_references(PublishedArticle.objects.order_by("title"))
    return Panel(
        title="Live articles citing sources that do not answer",
        rows=[
            {
                "url": reverse("admin:articles_article_change", args=[live.article_id]),
                "title": live.title,
                "state": f"{len(broken)} broken",
                "note": "; ".join(
                    f"{reference['label']}: {reference['detail'] or reference['outcome']}"
                    for reference in broken
                )[:300],
            }
            for live, broken in found[:ROWS]
        ],
    )


def _expiring_credentials_panel():
    """A reviewer whose every credential has expired can no longer approve: renew in time."""
    expiring = (
        Credential.objects.expiring(CREDENTIALS_EXPIRING_DAYS)
        .select_related("reviewer")
        .order_by("valid_until", "pk")
    )
    return Panel(
        title=f"Reviewer credentials expiring or expired within {CREDENTIALS_EXPIRING_DAYS} days",
        rows=[
            {
                "url": reverse("admin:reviewers_reviewer_change", args=[c.reviewer_id]),
                "title": f"{c.reviewer.name}: {c.get_kind_display()}, {c.issuing_body}",
                "state": "Expired" if c.valid_until < timezone.localdate() else "Expiring",
                "note": f"valid until {c.valid_until:%d %b %Y}",
            }
            for c in expiring[:ROWS]
        ],
        more_url=reverse("admin:reviewers_reviewer_changelist"),
    )


def _pending_purges_panel():
    """Purges a cache refused: retried in the background until they succeed, then gone."""
    return Panel(
        title="HTTP cache purges not done",
        rows=[
            {
                "url": reverse("admin:frontend_cache_pendingpurge_change", args=[pending.pk]),
                "title": f"{pending.backend}: {' '.join(pending.keys)}"[:120],
                "state": "Gave up" if pending.gave_up else "Retrying",
                "note": f"{pending.attempts} attempts · {pending.last_error[:120]}",
            }
            for pending in PendingPurge.objects.all()[:ROWS]
        ],
        more_url=reverse("admin:frontend_cache_pendingpurge_changelist"),
    )
