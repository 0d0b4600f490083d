"""Fixtures shared by the article tests."""

import datetime
import os
import sys

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.utils import timezone

from articles import workflow
from articles.models import Article, Review
from tests.factories import ArticleFactory, RelatedTopicFactory, SectionFactory, TagFactory

# Every text of every article that is not live carries this word.
MARKER = "leakmarker"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
LOCMEM = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": django_settings.PAGE_CACHE,
}
REDIS_BACKEND = "config.redis_cache.ReusedClientRedisCache"
REDIS = {
    "default": {"BACKEND": REDIS_BACKEND, "LOCATION": REDIS_URL},
    "pages": django_settings.PAGE_CACHE,
}


@pytest.fixture(params=["locmem", "redis"])
def shared_cache(request, settings):
    if request.param == "redis" and not REDIS_URL:
        pytest.skip("set TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15) to test on Redis")
    settings.CACHES = LOCMEM if request.param == "locmem" else REDIS
    cache.clear()
    caches["pages"].clear()
    yield request.param
    cache.clear()


def secret_article(writer, stage, reviewer, editor, publish):
    """An article in `stage` whose every text and tag carries the marker."""
    article = ArticleFactory(
        author=writer,
        slug=f"{MARKER}-{stage}",
        title=f"{MARKER} {stage} title",
        summary=f"{MARKER} summary",
        intro=f"{MARKER} intro",
    )
    SectionFactory(article=article, heading=f"{MARKER} heading", body=f"{MARKER} body")
    article.tags.add(TagFactory(name=f"{MARKER} {stage}", slug=f"{MARKER}-tag-{stage}"))
    if stage == "draft":
        return article
    if stage == "archived":
        publish(article)
        workflow.unpublish(article=article, by=editor)
        return article
    article = workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    if stage == "in_review":
        return article
    workflow.approve(review=Review.objects.get(revision=article.current_revision), by=reviewer)
    if stage == "scheduled":
        later = timezone.now() + datetime.timedelta(days=3)
        workflow.publish(article=article, by=editor, at=later)
    return article


@pytest.fixture
def site(writer, reviewer, editor, publish):
    stages = ["draft", "in_review", "approved", "scheduled", "archived"]
    secrets = {stage: secret_article(writer, stage, reviewer, editor, publish) for stage in stages}
    live_tag = TagFactory(name="Leg Pain", slug="leg-pain")
    live = ArticleFactory(author=writer, slug="calf-cramps", title="Calf cramps")
    SectionFactory(article=live, heading="What helps", body="Stretch.")
    live.tags.add(live_tag)
    publish(live)
    # Unreviewed edits to the live article: new words, a secret tag, links to secret articles.
    live = Article.objects.get(pk=live.pk)
    workflow.begin_edit(article=live, by=writer)
    live.title = f"{MARKER} edited title"
    live.save()
    SectionFactory(
        article=live,
        heading=f"{MARKER} new heading",
        body=f"{MARKER} new body [x](article:{MARKER}-draft)",
    )
    live.tags.add(TagFactory(name=f"{MARKER} edit", slug=f"{MARKER}-tag-edit"))
    RelatedTopicFactory(from_article=live, to_article=secrets["approved"])
    workflow.record_edit(article=live, by=writer)
    assert Article.objects.get(pk=live.pk).state == Article.State.DRAFT
    return secrets


def pytest_terminal_summary(terminalreporter):
    """Say how many requests the schemathesis run sent, when it ran."""
    fuzz = sys.modules.get("tests.articles.test_fuzz_api")
    if fuzz is not None and fuzz.requests_sent:
        operations = len(set(fuzz.requests_sent))
        terminalreporter.write_line(
            f"schemathesis: {len(fuzz.requests_sent)} requests over {operations} operations "
            f"(up to {fuzz.EXAMPLES} examples each)"
        )
