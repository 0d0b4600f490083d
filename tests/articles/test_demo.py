"""`load_demo` builds a complete, linked knowledge base and is idempotent."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import demo_content
from articles.models import Article, PublishedArticle, Review
from images.models import Image
from reviewers.models import Reviewer

pytestmark = pytest.mark.django_db

DEMO_MODELS = [
    "articles.Article",
    "articles.Section",
    "articles.RelatedTopic",
    "articles.Reference",
    "articles.TaggedArticle",
    "articles.ArticleRevision",
    "articles.ArticleEdit",
    "articles.Review",
    "articles.Transition",
    "articles.PublishedArticle",
    "articles.PublishedLink",
    "tags.Tag",
    "reviewers.Reviewer",
    "images.Image",
    "images.Rendition",
    "auth.User",
]
PUBLISHED_SLUGS = [
    spec["slug"] for spec in demo_content.ARTICLES if spec.get("story", "published") == "published"
]
LIVE_SLUGS = [
    *PUBLISHED_SLUGS,
    demo_content.EDIT_IN_REVIEW_SLUG,
    demo_content.OVERDUE_SLUG,
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
    assert all(reference.url.startswith("https://") for reference in demo.references.all())
    assert demo.reading_time_minutes >= 3


def test_the_demo_shows_the_chain_of_trust(demo, client):
    """Issue #21: a verified licence and board certification, coded conditions, a paper cited
    by DOI and PubMed ID, and the disclosures the approval recorded."""
    document = client.get(f"/api/v1/articles/{demo.slug}/").json()
    kinds = {c["kind"] for c in document["reviewer"]["verified_credentials"]}
    assert kinds == {"licence", "board_certification"}
    assert [r["pmid"] for r in document["references"] if r["pmid"]] == ["25023924"]
    assert document["json_ld"]["citation"][1]["@type"] == "ScholarlyArticle"
    assert document["disclosures"]["reviewer"] == "No conflicts declared."
    assert document["disclosures"]["author"].startswith("Paid by the publisher")
    codes = {
        (code["system"], code["code"])
        for tag in client.get("/api/v1/tags/?page_size=100").json()["results"]
        if tag["kind"] == "condition"
        for code in tag["codes"]
    }
    assert {("ICD-10-CM", "M72.2"), ("MeSH", "D036981")} <= codes


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


def test_dry_run_writes_nothing(settings):
    call_command("load_demo", "--dry-run", stdout=io.StringIO())
    assert not Article.objects.exists()
    assert not get_user_model().objects.exists()
    assert not Image.objects.exists()
    stored = [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]
    assert stored == []


def test_demo_articles_are_published_through_the_review_workflow(demo):
    assert sorted(PublishedArticle.objects.values_list("slug", flat=True)) == sorted(LIVE_SLUGS)
    for article in Article.objects.filter(slug__in=[*PUBLISHED_SLUGS, demo_content.OVERDUE_SLUG]):
        assert article.state == Article.State.PUBLISHED
        moves = article.transitions.order_by("at", "pk").values_list("action", "by__username")
        assert list(moves) == [("submit", "writer"), ("approve", "reviewer"), ("publish", "editor")]


def assert_hero_image_is_stored(image):
    assert image is not None
    assert len(image.alt) > 30 and image.credit
    assert default_storage.exists(image.file.name)
    assert image.renditions.exists()
    for rendition in image.renditions.all():
        assert default_storage.exists(rendition.file.name)


def test_flagship_has_a_stored_hero_image_with_alt_text_live(demo):
    assert_hero_image_is_stored(demo.hero_image)
    assert demo.hero_image.width == 1200 and demo.hero_image.uploaded_by == demo.author
    hero = PublishedArticle.objects.get(slug=demo_content.FLAGSHIP_SLUG).document["hero_image"]
    assert hero["alt"] == demo.hero_image.alt
    assert hero["src"].endswith(demo.hero_image.file.name)


def test_an_article_with_a_hero_image_waits_for_the_demo_reviewer(demo):
    article = Article.objects.get(slug=demo_content.IN_REVIEW_SLUG)
    assert article.state == Article.State.IN_REVIEW
    assert_hero_image_is_stored(article.hero_image)
    assert article.current_revision.snapshot["hero_image"]["id"] == article.hero_image_id
    review = Review.objects.get(revision=article.current_revision)
    assert review.decision == Review.Decision.PENDING
    assert review.reviewer.user.username == "reviewer"
    assert not PublishedArticle.objects.filter(article=article).exists()


def test_a_live_article_has_an_edit_with_a_new_hero_image_awaiting_review(demo):
    article = Article.objects.get(slug=demo_content.EDIT_IN_REVIEW_SLUG)
    live = PublishedArticle.objects.get(article=article)
    assert article.state == Article.State.IN_REVIEW
    assert live.revision == article.live_revision
    assert article.current_revision.number == article.live_revision.number + 1
    pending = Review.objects.get(revision=article.current_revision)
    assert pending.decision == Review.Decision.PENDING
    assert pending.reviewer.user.username == "reviewer"

    submitted, published = article.current_revision.snapshot, article.live_revision.snapshot
    assert submitted["hero_image"]["id"] == article.hero_image_id
    assert submitted["hero_image"]["id"] != published["hero_image"]["id"]
    assert submitted["hero_image"]["alt"] != published["hero_image"]["alt"]
    assert submitted["intro"] != published["intro"]
    assert submitted["sections"] != published["sections"]
    assert_hero_image_is_stored(article.hero_image)
    # Readers still get the reviewed version, picture and all.
    assert_hero_image_is_stored(Image.objects.get(pk=published["hero_image"]["id"]))
    assert live.document["hero_image"]["id"] == published["hero_image"]["id"]
    assert "an operation" in article.intro and "an operation" not in live.document["intro_html"]
    moves = article.transitions.order_by("at", "pk").values_list("action", flat=True)
    assert list(moves) == ["submit", "approve", "publish", "edit", "submit"]


def test_the_review_page_says_who_wrote_a_demo_article_and_when(demo, client):
    article = Article.objects.get(slug=demo_content.IN_REVIEW_SLUG)
    review = Review.objects.get(revision=article.current_revision)
    client.force_login(review.reviewer.user)
    html = client.get(reverse("admin:articles_review_decide", args=[review.pk])).text
    assert "No saves recorded for this revision." not in html
    assert f"<strong>{article.author.get_full_name()}</strong>: 1 save," in html


def test_an_article_was_sent_back_with_changes_requested(demo):
    article = Article.objects.get(slug=demo_content.CHANGES_REQUESTED_SLUG)
    assert article.state == Article.State.CHANGES_REQUESTED
    review = Review.objects.get(revision=article.current_revision)
    assert review.decision == Review.Decision.CHANGES_REQUESTED
    assert "cauda equina" in review.comment
    assert not PublishedArticle.objects.filter(article=article).exists()


def test_an_approved_article_is_scheduled_for_next_week(demo):
    article = Article.objects.get(slug=demo_content.SCHEDULED_SLUG)
    assert article.state == Article.State.SCHEDULED
    assert article.publish_at > timezone.now() + timezone.timedelta(days=6)
    assert article.scheduled_by.username == "editor"
    assert article.current_revision.approval() is not None
    assert not PublishedArticle.objects.filter(article=article).exists()


def test_a_live_article_is_overdue_for_review(demo):
    live = PublishedArticle.objects.get(slug=demo_content.OVERDUE_SLUG)
    assert live.article.state == Article.State.PUBLISHED
    assert list(PublishedArticle.objects.review_overdue()) == [live]
    assert live.review_is_overdue
    assert live.last_reviewed_at == live.approval.decided_at
    assert live.last_reviewed_at < timezone.now() - timezone.timedelta(days=365)
    assert live.published_at == live.last_reviewed_at
    assert live.document["next_review_due"] == live.next_review_due.isoformat()


def test_flagship_live_document_has_its_reviewer_cards_and_resolved_links(demo):
    document = PublishedArticle.objects.get(slug=demo_content.FLAGSHIP_SLUG).document
    assert document["reviewer"]["byline"] == "Helena Marsh, MD, FAAOS"
    assert [card["slug"] for card in document["related_topics"]] == demo_content.ARTICLES[0][
        "related"
    ]
    html = "".join(section["html"] for section in document["sections"])
    assert "article:" not in html
    assert html.count('href="https://health.example/articles/') >= 4


def test_a_migrated_article_keeps_its_own_byline_and_first_publication_date(demo):
    live = PublishedArticle.objects.get(slug="knee-pain-causes-and-care")
    assert live.document["author"]["name"] == "Tomas Lindqvist, physiotherapist"
    assert live.document["published_at"].startswith("2019-04-02")
