"""With TASKS_BACKEND=database, background work waits in the database for `db_worker`."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from tests.factories import ArticleFactory, SectionFactory

# Real commits: tasks are queued once the change commits.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def byline(slug):
    return APIClient().get(f"/api/v1/articles/{slug}/").json()["reviewer"]["byline"]


def test_a_profile_change_is_queued_and_a_worker_process_renders_it(
    writer, reviewer, publish, settings
):
    article = ArticleFactory(author=writer, slug="calf-cramps")
    SectionFactory(article=article)
    publish(article)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    profile = reviewer.reviewer_profile
    profile.credentials = "MD, PhD"
    profile.save()
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "articles.tasks.rerender_reviewed_by"
    assert byline("calf-cramps") == "Jane Roe, MD"  # nothing ran in this process
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert byline("calf-cramps") == "Jane Roe, MD, PhD"
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert queued.return_value == 1  # articles rendered again
