"""Reminders that live articles' reviews fall due, by email to the reviewer who last approved
each and to the editors, some days before `next_review_due` (REVIEW_REMINDER_DAYS: 30 and 7
by default). `manage.py send_review_reminders` sends them, from cron once a day or more: each
reminder goes once, however often or concurrently it runs, and one a run could not send goes
on the next."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import PublishedArticle, ReviewReminder
from articles.models.published import review_status

logger = logging.getLogger(__name__)


def send_review_reminders(*, today=None):
    """Send the reminders due today; return those sent (ReviewReminder rows)."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=max(settings.REVIEW_REMINDER_DAYS))
    falling_due = (
        PublishedArticle.objects.filter(next_review_due__range=(today, horizon))
        .select_related("article", "reviewer__user")
        .order_by("next_review_due", "pk")
    )
    editors = editor_addresses()
    sent = []
    for live in falling_due:
        days_left = (live.next_review_due - today).days
        # The nearest threshold not yet passed: a run that missed the 30-day one sends the
        # 7-day one alone, rather than both at once.
        threshold = min(days for days in settings.REVIEW_REMINDER_DAYS if days >= days_left)
        already = ReviewReminder.objects.filter(
            article_id=live.article_id, due=live.next_review_due, days_before__lte=threshold
        )
        if already.exists():
            continue
        user = live.reviewer.user
        reviewer = [user.email] if user and user.is_active and user.email else []
        recipients = list(dict.fromkeys(reviewer + editors))
        if not recipients:
            logger.warning("No one to remind that %s's review is due: no addresses.", live.slug)
            continue
        if reminder := _send_once(live, threshold, days_left, recipients):
            sent.append(reminder)
    return sent


def editor_addresses():
    editors = get_user_model().objects.filter(groups__name="Editors", is_active=True)
    return sorted(set(editors.exclude(email="").values_list("email", flat=True)))


def _send_once(live, threshold, days_left, recipients):
    """Claim the reminder, then send it. The claim is its own short transaction, so no
    database lock is held while the mail server answers; another run that claimed it first
    sends it instead; a claim whose mail could not go is withdrawn for the next run."""
    try:
        with transaction.atomic():
            reminder = ReviewReminder.objects.create(
                article_id=live.article_id,
                due=live.next_review_due,
                days_before=threshold,
                recipients=recipients,
            )
    except IntegrityError:
        return None  # another run has it
    try:
        _message(live, days_left, recipients).send()
    except OSError as error:  # smtplib's errors among them
        logger.error("The review reminder for %s was not sent: %s", live.slug, error)
        reminder.delete()
        return None
    return reminder


def _message(live, days_left, recipients):
    when = {0: "today", 1: "tomorrow"}.get(days_left, f"in {days_left} days")
    admin_url = settings.CMS_URL + reverse("admin:articles_article_change", args=[live.article_id])
    reviewed = timezone.localtime(live.last_reviewed_at)
    body = "\n".join(
        [
            f"“{live.title}” is due for its medical review {when}, on "
            f"{live.next_review_due:%d %B %Y}.",
            f"It was last reviewed by {live.reviewer.byline} on {reviewed:%d %B %Y}.",
            "",
            "Send it for re-certification if it still holds, or edit it and submit the changes:",
            admin_url,
            "",
            f"Readers see it at {live.get_absolute_url()}",
        ]
    )
    return EmailMessage(f"Review due {when}: {live.title}", body, to=recipients)


def review_schedule(article):
    """Where a live article's review stands, with the reminders sent about its due date; None
    when it is not live. (Reads `article.published` and `article.review_reminders`, which
    lists select and prefetch.)"""
    try:
        live = article.published
    except ObjectDoesNotExist:
        return None
    sent = [r for r in article.review_reminders.all() if r.due == live.next_review_due]
    return {
        "next_review_due": live.next_review_due.isoformat(),
        "status": review_status(live.next_review_due),
        "reminders_sent": [
            {"days_before": r.days_before, "sent_at": r.sent_at.isoformat()}
            for r in sorted(sent, key=lambda r: -r.days_before)
        ],
    }
