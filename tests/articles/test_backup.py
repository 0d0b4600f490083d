"""export_content and import_content: a backup restored into an empty database answers the
public API byte for byte as before, with the whole history intact."""

import datetime
import io
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import Client

from articles import workflow
from articles.models import Article, PublishedArticle, content_hash
from tags.models import Tag
from tests.factories import ArticleFactory, SectionFactory, TagFactory, edit, stored_image

# Real commits, and a flush of every table in the middle of the test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HISTORY = [
    "articles.articlerevision",
    "articles.articleedit",
    "articles.review",
    "articles.reviewcomment",
    "articles.transition",
    "articles.articleslugalias",
    "auth.user",
    "reviewers.reviewer",
    "images.image",
    "images.rendition",
]


@pytest.fixture
def site(monkeypatch, writer, reviewer, editor, publish):
    """The demo, plus a live article with a hero image and unreviewed edits, one unpublished
    article and one whose slug changed."""
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("load_demo", stdout=io.StringIO())
    # The demo's conditions call for orthopedics: the fixture's reviewer reviews them too.
    reviewer.reviewer_profile.specialties.set(Tag.objects.filter(slug="orthopedics"))
    hero = stored_image()
    hero.generate_renditions()
    article = ArticleFactory(
        author=writer,
        slug="shin-splints",
        title="Shin splints",
        hero_image=hero,
        byline="Dr. Maria Lopez, MD",
        first_published_at=datetime.datetime(2016, 3, 14, 9, 30, 0, 123456, tzinfo=datetime.UTC),
    )
    SectionFactory(article=article, body="Rest, then **build up slowly**.")
    article.tags.add(TagFactory(name="Leg Pain", slug="leg-pain"))
    publish(article)
    edit(Article.objects.get(pk=article.pk), writer, title="Shin splints (draft title)")
    moved = Article.objects.exclude(pk=article.pk).filter(live_revision__isnull=False).first()
    publish(edit(moved, moved.author, slug=f"{moved.slug}-moved"))
    gone = PublishedArticle.objects.exclude(article__in=[article, moved]).first().article
    workflow.unpublish(article=gone, by=editor, comment="Superseded.")
    return {"live": sorted(PublishedArticle.objects.values_list("slug", flat=True))}


def public_answers(live_slugs):
    client = Client()
    paths = [
        "/api/v1/articles/",
        "/api/v1/articles/?page=2&page_size=3",
        "/api/v1/articles/?q=pain",
        "/api/v1/articles/?tag=leg-pain",
        "/api/v1/tags/",
        "/api/v1/tags/leg-pain/",
        "/api/v1/reviewers/",
        "/feeds/articles/",
        "/sitemap.xml",
        *(f"/api/v1/articles/{slug}/" for slug in live_slugs),
    ]
    answers = {}
    for path in paths:
        response = client.get(path)
        answers[path] = (
            response.status_code,
            response.content,
            response.headers.get("ETag"),
            response.headers.get("Last-Modified"),
        )
    return answers


def history():
    return {label: list(apps.get_model(label).objects.order_by("pk").values()) for label in HISTORY}


def media_files(settings):
    root = settings.MEDIA_ROOT
    return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_restore_into_an_empty_database_answers_byte_for_byte(site, tmp_path, settings):
    before, recorded, files = public_answers(site["live"]), history(), media_files(settings)
    assert len(files) > 1  # the hero image and its renditions
    assert recorded["articles.articleedit"]  # who changed what, which review rights rest on
    assert recorded["articles.reviewcomment"]  # the demo's comment on a section
    out = io.StringIO()
    call_command("export_content", str(tmp_path / "backup"), stdout=out)
    assert "Exported" in out.getvalue()

    call_command("flush", interactive=False, verbosity=0)
    for path in settings.MEDIA_ROOT.rglob("*"):
        if path.is_file():
            path.unlink()
    assert not Article.objects.exists()

    call_command("import_content", str(tmp_path / "backup"), stdout=out)
    assert "Restored" in out.getvalue()
    after = public_answers(site["live"])
    assert after.keys() == before.keys()
    for path in before:
        assert after[path] == before[path], (path, _first_difference(before[path], after[path]))
    assert history() == recorded
    assert media_files(settings) == files
    # The restored site keeps working: the working copy with unreviewed edits is still there.
    restored = Article.objects.get(slug="shin-splints")
    assert restored.title == "Shin splints (draft title)"
    # What a migrated article carried over, to the microsecond: its snapshot hash depends on it.
    assert restored.byline == "Dr. Maria Lopez, MD"
    assert restored.first_published_at == datetime.datetime(
        2016, 3, 14, 9, 30, 0, 123456, tzinfo=datetime.UTC
    )
    last_edit = restored.edits.order_by("-pk").first()
    assert content_hash(restored.snapshot()) == last_edit.content_hash


def test_a_restore_refuses_a_database_that_is_not_empty(site, tmp_path):
    call_command("export_content", str(tmp_path / "backup"), stdout=io.StringIO())
    articles = Article.objects.count()
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("import_content", str(tmp_path / "backup"), stdout=io.StringIO())
    assert Article.objects.count() == articles


def test_a_broken_backup_writes_nothing_not_even_its_media(site, tmp_path, settings):
    folder = tmp_path / "backup"
    call_command("export_content", str(folder), stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    for path in settings.MEDIA_ROOT.rglob("*"):
        if path.is_file():
            path.unlink()
    # A revision that points at an article the backup does not have.
    [revisions] = folder.glob("data/*-articles.articlerevision.jsonl")
    rows = [json.loads(line) for line in revisions.read_text().splitlines()]
    rows[0]["fields"]["article"] = 999_999
    revisions.write_text("".join(json.dumps(row) + "\n" for row in rows))

    with pytest.raises(Exception):  # noqa: B017 (the database's own integrity error)
        call_command("import_content", str(folder), stdout=io.StringIO())
    assert not Article.objects.exists()
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def test_export_refuses_a_folder_that_holds_something(tmp_path, writer):
    (tmp_path / "old.txt").write_text("keep me")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_content", str(tmp_path), stdout=io.StringIO())
    assert (tmp_path / "old.txt").read_text() == "keep me"


def test_import_says_when_a_folder_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match=r"no manifest\.json"):
        call_command("import_content", str(tmp_path), stdout=io.StringIO())
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "other/9"}))
    with pytest.raises(CommandError, match="Unknown backup format"):
        call_command("import_content", str(tmp_path), stdout=io.StringIO())


def _first_difference(old, new):
    old, new = old[1], new[1]
    at = next(
        (i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b),
        min(len(old), len(new)),
    )
    return old[max(0, at - 80) : at + 80], new[max(0, at - 80) : at + 80]
