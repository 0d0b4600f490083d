"""Rendering live documents again when something they print has changed, off the request path;
and review reminders when cron hands them to the task worker.

Each task is enqueued once the change commits and runs on the task backend: a thread of the
web process by default, or `manage.py db_worker` processes with TASKS_BACKEND=database.
`publishing.rerender` goes through the affected articles in batches, one transaction each.
"""

from django.db import transaction
from django_tasks import task

from articles import publishing, reminders
from articles.models import PublishedArticle


def enqueue_on_commit(a_task, *args):
    transaction.on_commit(lambda: a_task.enqueue(*args))


@task()
def rerender_reviewed_by(reviewer_id):
    """Articles a reviewer approved, after their profile changed."""
    return publishing.rerender(PublishedArticle.objects.filter(reviewer_id=reviewer_id))


@task()
def rerender_tagged(tag_id):
    """Articles carrying a tag, after it was renamed or described anew."""
    return publishing.rerender(PublishedArticle.objects.filter(tags__id=tag_id))


@task()
def send_review_reminders():
    """`manage.py send_review_reminders --enqueue` hands its run to the task worker here."""
    return len(reminders.send_review_reminders())
