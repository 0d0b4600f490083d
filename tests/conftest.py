import tempfile
from pathlib import Path

import pytest

from tests.factories import ReviewerFactory, UserFactory

TEST_REPLICA = "replica"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Give SQLite a test database file: an in-memory one refuses concurrent writers at once
    instead of letting them wait, which the concurrency tests need."""
    from django.conf import settings
    from django.db import connections

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        folder = Path(tempfile.mkdtemp(prefix="healthcms-tests-"))
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")
    # A second connection to the same test database, standing in for a read replica. Unused
    # unless a test lists it in DATABASE_REPLICAS (tests/test_replicas.py).
    if TEST_REPLICA not in settings.DATABASES:
        settings.DATABASES[TEST_REPLICA] = {**database, "TEST": {"MIRROR": "default"}}
        connections.settings = connections.configure_settings(settings.DATABASES)


@pytest.fixture(autouse=True)
def fast_and_isolated(settings, tmp_path):
    # Password hashing at production strength costs most of a test's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FRONTEND_URL = "https://health.example"
    settings.FRONTEND_ARTICLE_PATH = "/articles/{slug}/"
    # Tasks run in the caller's thread once enqueued (after the commit), so tests see results.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # django-axes needs the request at every login; the test client's login() has none.
    settings.AXES_ENABLED = False


@pytest.fixture
def writer(db):
    return UserFactory(username="writer-1", group="Writers")


@pytest.fixture
def other_writer(db):
    return UserFactory(username="writer-2", group="Writers")


@pytest.fixture
def reviewer(db):
    user = UserFactory(username="reviewer-1", group="Reviewers")
    ReviewerFactory(user=user, name="Jane Roe", slug="jane-roe")
    return user


@pytest.fixture
def editor(db):
    return UserFactory(username="editor-1", group="Editors")


@pytest.fixture
def live(writer, publish):
    """`hip-pain`, live, by the writer."""
    from articles.models import Article
    from tests.factories import ArticleFactory, SectionFactory

    article = ArticleFactory(author=writer, slug="hip-pain", title="Hip pain")
    SectionFactory(article=article, heading="Causes", body="Overuse and **bursitis**.")
    publish(article)
    return Article.objects.get(pk=article.pk)


@pytest.fixture
def editor_reviewer(db):
    """A user who is an editor and also a linked, credentialed, active reviewer."""
    from django.contrib.auth.models import Group

    user = UserFactory(username="editor-reviewer", group="Editors")
    user.groups.add(Group.objects.get(name="Reviewers"))
    ReviewerFactory(user=user, name="Sam Both", slug="sam-both", credentials="MD")
    return user


@pytest.fixture
def second_reviewer(db):
    user = UserFactory(username="reviewer-2", group="Reviewers")
    ReviewerFactory(user=user, name="Ada Poe", slug="ada-poe", credentials="DO")
    return user


@pytest.fixture
def writer_client(client, writer):
    client.force_login(writer)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def tiny_png():
    """A real 2x2 PNG upload."""
    from tests.factories import image_upload

    return image_upload("tiny.png", size=(2, 2))


@pytest.fixture
def publish(writer, reviewer, editor):
    """Take an article through submit, approve and publish; return the live row."""
    from articles import workflow
    from articles.models import PublishedArticle, Review

    def publish_article(article, at=None):
        article = workflow.submit(
            article=article, by=article.author, reviewers=[reviewer.reviewer_profile]
        )
        review = Review.objects.get(revision=article.current_revision)
        workflow.approve(review=review, by=reviewer, comment="Accurate.")
        workflow.publish(article=article, by=editor, at=at)
        return PublishedArticle.objects.filter(article=article).first()

    return publish_article


@pytest.fixture(autouse=True)
def empty_cache():
    """Throttle counters and Last-Modified stamps live in the cache, list pages in their own;
    start each test clean."""
    from django.core.cache import caches

    for alias in ("default", "pages"):
        caches[alias].clear()
