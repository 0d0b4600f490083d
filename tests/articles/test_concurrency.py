"""Two people doing the same thing at the same moment: one wins, nothing is lost or doubled.

These tests commit for real (each thread has its own database connection), so they run in
transactional test cases. The loser must be refused by the workflow with a readable reason, on
PostgreSQL (row locks) and on SQLite (BEGIN IMMEDIATE) alike.
"""

import threading

import pytest
from django.db import connection

from articles import editing, workflow
from articles.models import Article, PublishedArticle, Review, Transition
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REFUSALS = workflow.WorkflowError


def at_the_same_time(*calls):
    """Run each call in its own thread, released together; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # the outcome is what the test looks at
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def approved(writer, reviewer):
    article = ArticleFactory(author=writer, slug="calf-cramps")
    SectionFactory(article=article)
    article = workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    workflow.approve(review=Review.objects.get(revision=article.current_revision), by=reviewer)
    return article


def test_two_editors_publishing_at_once_publish_once(approved, editor):
    second_editor = type(editor).objects.create_user("editor-2", is_staff=True)
    second_editor.groups.set(editor.groups.all())
    outcomes = at_the_same_time(
        lambda: workflow.publish(article=approved, by=editor),
        lambda: workflow.publish(article=approved, by=second_editor),
    )
    successes = [o for o in outcomes if isinstance(o, Article)]
    assert len(successes) == 1, outcomes
    assert all(isinstance(o, REFUSALS) for o in outcomes if o not in successes)
    assert PublishedArticle.objects.filter(article=approved).count() == 1
    assert Transition.objects.filter(article=approved, action="publish").count() == 1


def test_two_edits_based_on_the_same_version_save_once(writer, editor):
    article = ArticleFactory(author=writer, title="Original")

    def edit(by, title):
        return lambda: editing.update_article(
            article=Article.objects.get(pk=article.pk),
            by=by,
            content=editing.WorkingCopy(fields={"title": title}),
            version=1,
        )

    outcomes = at_the_same_time(edit(writer, "Writer's title"), edit(editor, "Editor's title"))
    successes = [o for o in outcomes if isinstance(o, Article)]
    assert len(successes) == 1, outcomes
    assert all(isinstance(o, REFUSALS) for o in outcomes if o not in successes)
    stored = Article.objects.get(pk=article.pk)
    assert stored.title == successes[0].title
    assert stored.version == 2


def test_publish_due_run_twice_at_once_publishes_once(approved, editor):
    import datetime

    from django.utils import timezone

    workflow.publish(article=approved, by=editor, at=timezone.now() + datetime.timedelta(hours=1))
    later = timezone.now() + datetime.timedelta(hours=2)
    outcomes = at_the_same_time(
        lambda: workflow.publish_due(now=later), lambda: workflow.publish_due(now=later)
    )
    published = sum(o for o in outcomes if isinstance(o, int))
    assert published == 1, outcomes
    assert Transition.objects.filter(article=approved, action="publish_due").count() == 1
    assert PublishedArticle.objects.filter(article=approved).count() == 1
