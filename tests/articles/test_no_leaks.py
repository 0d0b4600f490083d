"""Nothing that is not live reaches a public response: not a title, a word, a tag count, a
related card, a feed entry or a sitemap URL."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from articles import workflow
from articles.models import Article, Review
from tests.factories import ArticleFactory, RelatedTopicFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db
MARKER = "leakmarker"


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


def public_responses(secrets):
    client = Client()
    paths = [
        "/api/v1/articles/?page_size=100",
        f"/api/v1/articles/?q={MARKER}",
        "/api/v1/articles/?q=title",
        "/api/v1/articles/?tag=leg-pain",
        "/api/v1/articles/calf-cramps/",
        "/api/v1/tags/",
        "/api/v1/tags/leg-pain/",
        "/api/v1/reviewers/",
        "/api/v1/reviewers/jane-roe/",
        "/sitemap.xml",
        "/feeds/articles/",
    ]
    for stage, article in secrets.items():
        paths += [
            f"/api/v1/articles/{article.slug}/",
            f"/api/v1/articles/?tag={MARKER}-tag-{stage}",
            f"/api/v1/tags/{MARKER}-tag-{stage}/",
        ]
    paths.append(f"/api/v1/tags/{MARKER}-tag-edit/")
    return {path: client.get(path) for path in paths}


def test_no_unpublished_content_appears_in_any_public_response(site):
    responses = public_responses(site)
    for path, response in responses.items():
        assert response.status_code in (200, 404), path
        assert MARKER not in response.content.decode().lower(), path
    for article in site.values():
        assert responses[f"/api/v1/articles/{article.slug}/"].status_code == 404


def test_live_content_is_the_approved_version(site):
    client = Client()
    document = client.get("/api/v1/articles/calf-cramps/").json()
    assert document["title"] == "Calf cramps"
    assert [s["heading"] for s in document["sections"]] == ["What helps"]
    assert [t["slug"] for t in document["tags"]] == ["leg-pain"]
    assert document["related_topics"] == []
    assert client.get("/api/v1/tags/leg-pain/").json()["article_count"] == 1
    assert client.get("/api/v1/articles/").json()["count"] == 1
