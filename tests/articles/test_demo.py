"""`load_demo` builds a complete, linked knowledge base and is idempotent."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles import demo_content
from articles.models import Article, PublishedArticle
from reviewers.models import Reviewer

pytestmark = pytest.mark.django_db

DEMO_MODELS = [
    "articles.Article",
    "articles.Section",
    "articles.RelatedTopic",
    "articles.Reference",
    "articles.TaggedArticle",
    "articles.ArticleRevision",
    "articles.Review",
    "articles.Transition",
    "articles.PublishedArticle",
    "articles.PublishedLink",
    "tags.Tag",
    "reviewers.Reviewer",
    "auth.User",
]


def load_demo(**env):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def database_snapshot():
    """Every row of every model the demo writes, with every column."""
    return {
        label: sorted(map(repr, apps.get_model(label).objects.values())) for label in DEMO_MODELS
    }


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    load_demo()
    return Article.objects.get(slug=demo_content.FLAGSHIP_SLUG)


def test_running_it_twice_changes_nothing(demo):
    before = database_snapshot()
    output = load_demo()
    assert database_snapshot() == before
    assert "already loaded" in output


def test_flagship_article_is_shaped_like_the_reference_page(demo):
    assert demo.sections.count() == 5
    assert sorted(demo.tags.values_list("name", flat=True)) == [
        "Hip Pain",
        "Leg Pain",
        "Orthopedics",
    ]
    assert demo.intro
    reference = demo.references.get()
    assert reference.url.startswith("https://")
    assert demo.reading_time_minutes >= 3


def test_flagship_links_inline_to_other_demo_articles_and_every_link_resolves(demo):
    slugs = {link.slug for link in demo.article_links()}
    assert len(slugs) >= 3
    assert Article.objects.filter(slug__in=slugs).count() == len(slugs)
    assert demo.link_problems() == []
    assert not [a.slug for a in Article.objects.all() if a.link_problems()]


def test_flagship_has_six_related_topics_each_a_full_article(demo):
    targets = [topic.to_article for topic in demo.related_topics.all()]
    assert len(targets) == 6
    for target in targets:
        assert target.summary and target.intro
        assert target.sections.count() >= 2


def test_demo_users_can_log_in_with_the_demo_password(demo, client):
    User = get_user_model()
    for username, group in [
        ("writer", "Writers"),
        ("reviewer", "Reviewers"),
        ("editor", "Editors"),
    ]:
        user = User.objects.get(username=username)
        assert user.is_staff and user.groups.filter(name=group).exists()
        assert client.login(username=username, password="demo-password-for-tests")


def test_reviewer_user_has_a_credentialed_reviewer_profile(demo):
    profile = Reviewer.objects.get(user__username="reviewer")
    assert profile.credentials and profile.is_active
    assert demo.author.username == "writer"


def test_without_demo_password_a_password_is_generated_and_printed(monkeypatch, client):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    output = load_demo()
    password = output.split("password (printed once): ")[1].split()[0]
    assert len(password) >= 12
    assert client.login(username="editor", password=password)
    assert "password" not in load_demo()


def test_dry_run_writes_nothing():
    call_command("load_demo", "--dry-run", stdout=io.StringIO())
    assert not Article.objects.exists()
    assert not get_user_model().objects.exists()


def test_demo_articles_are_published_through_the_review_workflow(demo):
    assert PublishedArticle.objects.count() == len(demo_content.ARTICLES)
    for article in Article.objects.all():
        assert article.state == Article.State.PUBLISHED
        moves = article.transitions.order_by("at", "pk").values_list("action", "by__username")
        assert list(moves) == [("submit", "writer"), ("approve", "reviewer"), ("publish", "editor")]


def test_flagship_live_document_has_its_reviewer_cards_and_resolved_links(demo):
    document = PublishedArticle.objects.get(slug=demo_content.FLAGSHIP_SLUG).document
    assert document["reviewer"]["byline"] == "Helena Marsh, MD, FAAOS"
    assert [card["slug"] for card in document["related_topics"]] == demo_content.ARTICLES[0][
        "related"
    ]
    html = "".join(section["html"] for section in document["sections"])
    assert "article:" not in html
    assert html.count('href="https://health.example/articles/') >= 4
