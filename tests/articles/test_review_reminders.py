"""Issue #21, point 4: reminders before a live article's review falls due, never twice for the
same due date; the public document says where its review stands."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from articles import reminders
from articles.models import PublishedArticle, ReviewReminder

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def due_in(days):
    due = today() + datetime.timedelta(days=days)
    PublishedArticle.objects.update(next_review_due=due)
    return due


def on(days_from_now):
    return today() + datetime.timedelta(days=days_from_now)


def test_reminders_go_30_and_7_days_before_to_the_reviewer_and_the_editors_once_each(
    live, editor, mailoutbox
):
    due = due_in(40)
    assert reminders.send_review_reminders(today=on(0)) == []
    [sent] = reminders.send_review_reminders(today=on(10))  # 30 days left
    [message] = mailoutbox
    assert message.subject == "Review due in 30 days: Hip pain"
    assert message.to[0] == "reviewer-1@example.com"
    assert set(message.to[1:]) == set(reminders.editor_addresses()) >= {"editor-1@example.com"}
    assert f"on {due:%d %B %Y}" in message.body and "Jane Roe, MD" in message.body
    assert f"/admin/articles/article/{live.pk}/change/" in message.body
    assert (sent.due, sent.days_before) == (due, 30)

    for day in (10, 11, 20, 32):  # the same day again, then days before the next threshold
        assert reminders.send_review_reminders(today=on(day)) == []
    [sent] = reminders.send_review_reminders(today=on(33))  # 7 days left
    assert mailoutbox[-1].subject == "Review due in 7 days: Hip pain"
    assert reminders.send_review_reminders(today=on(36)) == []
    assert len(mailoutbox) == 2 and ReviewReminder.objects.count() == 2


def test_a_run_that_missed_the_first_reminder_sends_only_the_nearest(live, mailoutbox):
    due_in(5)
    [sent] = reminders.send_review_reminders()
    assert sent.days_before == 7 and mailoutbox[0].subject == "Review due in 5 days: Hip pain"
    assert reminders.send_review_reminders(today=on(1)) == []
    assert len(mailoutbox) == 1


def test_a_new_due_date_after_a_review_gets_its_own_reminders(live, mailoutbox):
    due_in(7)
    reminders.send_review_reminders()
    due_in(30)  # re-certified: the next review is due later
    assert len(reminders.send_review_reminders()) == 1
    assert len(mailoutbox) == 2


def test_overdue_and_unpublished_articles_get_no_reminder(live, editor, mailoutbox):
    due_in(-1)
    assert reminders.send_review_reminders() == []
    assert mailoutbox == []


def test_the_days_are_configurable(live, settings, mailoutbox):
    settings.REVIEW_REMINDER_DAYS = [14, 1]
    due_in(20)
    assert reminders.send_review_reminders() == []
    due_in(14)
    assert [r.days_before for r in reminders.send_review_reminders()] == [14]
    due_in(1)
    assert mailoutbox[-1].subject == "Review due in 14 days: Hip pain"
    reminders.send_review_reminders()
    assert mailoutbox[-1].subject == "Review due tomorrow: Hip pain"


def test_a_reminder_that_could_not_be_sent_is_sent_by_the_next_run(live, monkeypatch):
    due_in(7)

    def mail_server_down(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as patched:
        patched.setattr(mail.EmailMessage, "send", mail_server_down)
        assert reminders.send_review_reminders() == []
    assert not ReviewReminder.objects.exists()
    assert len(reminders.send_review_reminders()) == 1
    assert len(mail.outbox) == 1


def test_the_command_sends_them_here_or_through_the_task_worker(live, mailoutbox):
    due_in(30)
    out = io.StringIO()
    call_command("send_review_reminders", "--enqueue", stdout=out)  # immediate in tests
    assert "Queued for the task worker." in out.getvalue() and len(mailoutbox) == 1
    call_command("send_review_reminders", stdout=out)
    assert "Sent 0 review reminder(s)." in out.getvalue() and len(mailoutbox) == 1
    due_in(7)
    call_command("send_review_reminders", stdout=out)
    assert "Hip pain is due on" in out.getvalue()
    assert "Sent 1 review reminder(s)." in out.getvalue()


@pytest.mark.parametrize(
    ("days", "status"),
    [(31, "current"), (30, "due_soon"), (0, "due_soon"), (-1, "overdue")],
)
def test_the_document_says_where_its_review_stands(live, client, days, status):
    due_in(days)
    document = client.get("/api/v1/articles/hip-pain/").json()
    assert document["review_status"] == status
    assert document["review_overdue"] is (status == "overdue")
    assert document["robots"] is None


def test_overdue_policy_noindex_adds_the_robots_hint_to_overdue_articles(live, client, settings):
    settings.OVERDUE_POLICY = "noindex"
    due_in(3)
    assert client.get("/api/v1/articles/hip-pain/").json()["robots"] is None
    current_etag = client.get("/api/v1/articles/hip-pain/")["ETag"]
    due_in(-3)
    response = client.get("/api/v1/articles/hip-pain/", HTTP_IF_NONE_MATCH=current_etag)
    assert response.status_code == 200, "a cached copy must not be told it is still fresh"
    assert response.json()["robots"] == "noindex"


def test_the_editorial_api_and_the_admin_show_the_review_schedule(live, editor, client):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    due = due_in(7)
    reminders.send_review_reminders()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    review = api.get(f"/api/v1/editorial/articles/{live.pk}/").json()["review"]
    assert review["next_review_due"] == due.isoformat() and review["status"] == "due_soon"
    assert [r["days_before"] for r in review["reminders_sent"]] == [7]
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{live.pk}/change/").content.decode()
    assert f"Due {due:%d %b %Y} (due soon). Reminders sent: 7 days before." in page
