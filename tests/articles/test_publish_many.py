"""The bulk import's way through the workflow (`workflow.publish_many`) against the one it
replaces: each article submitted, approved and published one call at a time."""

import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from articles import workflow
from articles.generating import write_jsonl
from articles.import_batches import staff_user
from articles.importing import import_file
from articles.models import (
    Article,
    ArticleEdit,
    ArticleRevision,
    PublishedArticle,
    PublishedLink,
    Review,
    Transition,
)
from images.models import Image
from images.tasks import generate_renditions
from reviewers.models import Reviewer
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC)
APPS = ("auth", "articles", "images", "reviewers", "tags")
KEY = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture
def dataset(tmp_path):
    path = tmp_path / "articles.jsonl"
    write_jsonl(path, 9, seed=11)
    return path


@pytest.fixture
def same_ids_and_moments(monkeypatch):
    """Each run gets the same clock; `restart()` rewinds the id sequences to where they were,
    so that two runs rolled back in turn write the same ids."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)

    def restart():
        sql = io.StringIO()
        call_command("sqlsequencereset", *APPS, stdout=sql, no_color=True)
        with connection.cursor() as cursor:
            for statement in filter(str.strip, sql.getvalue().split(";")):
                if not statement.strip().startswith(("BEGIN", "COMMIT")):
                    cursor.execute(statement)

    return restart


def outcome():
    """Everything the two routes write, by slug, ids and all (an image's random key, in its
    files' names, as its id)."""
    keys = {str(key): f"image-{pk}" for pk, key in Image.objects.values_list("pk", "key")}

    def same_keys(value):
        if isinstance(value, dict | list):
            value = json.dumps(value, sort_keys=True)
        return re.sub(KEY, lambda match: keys[match[0]], value) if isinstance(value, str) else value

    def rows(model, *fields):
        return sorted(tuple(map(same_keys, row)) for row in model.objects.values_list(*fields))

    return {
        "live": rows(PublishedArticle, "slug", "document_json", "search_text", "card",
                     "revision_id", "approval_id", "reviewer_id", "published_at", "updated_at",
                     "last_reviewed_at", "next_review_due", "anchors"),
        "links": rows(PublishedLink, "source__slug", "target_slug", "target_article_id"),
        "revisions": rows(ArticleRevision, "article__slug", "number", "content_hash",
                          "snapshot", "hero_image_id", "created_by_id", "changed_words"),
        "reviews": rows(Review, "revision_id", "reviewer_id", "assigned_by_id", "decision",
                        "comment", "decided_at", "decided_by_id", "kind"),
        "audit": rows(Transition, "article__slug", "action", "from_state", "to_state",
                      "by_id", "comment", "revision_id", "at"),
        "edits": rows(ArticleEdit, "article__slug", "by_id", "content_hash", "revision_id"),
        "articles": rows(Article, "slug", "state", "current_revision_id", "live_revision_id"),
        "images": rows(Image, "pk", "locked_at", "file", "placeholder", "width", "height"),
    }  # fmt: skip


def in_a_rolled_back_transaction(run):
    with transaction.atomic():
        run()
        result = outcome()
        transaction.set_rollback(True)
    return result


def reviewers_on_record(path):
    """The dataset's reviewers as editors keep them before an import, each with a licence an
    editor verified (approving one call at a time needs one); the import finds them by slug."""
    verifier = staff_user("credential-verifier", "Credential Verifier", "Editors")
    for line in map(json.loads, path.read_text().splitlines()):
        data = line["reviewer"]
        if Reviewer.objects.filter(slug=data["slug"]).exists():
            continue
        reviewer = Reviewer.objects.create(
            slug=data["slug"],
            name=data["name"],
            credentials=data.get("credentials") or "",
            specialty=data.get("specialty") or "",
            user=staff_user(f"reviewer-{data['slug']}", data["name"], "Reviewers"),
        )
        reviewer.held_credentials.create(
            kind="licence",
            number=f"L-{reviewer.pk}",
            issuing_body="Medical Board of California",
            valid_until=datetime.date(2030, 1, 1),
            verified_by=verifier,
            verified_at=timezone.now(),
        )


def one_call_at_a_time(path):
    """Drafts as the import writes them; then, for each, `submit`, `approve` and `publish` as
    an editor would make them, and the renditions as the task would make them."""
    reviewers_on_record(path)
    import_file(path, publish=False, wait_renditions=False)
    importer = staff_user("importer", "Article importer", "Editors")  # as the import makes it
    for line in map(json.loads, path.read_text().splitlines()):
        article = Article.objects.get(slug=line["slug"])
        reviewer = Reviewer.objects.get(slug=line["reviewer"]["slug"])
        article = workflow.submit(article=article, by=article.author, reviewers=[reviewer])
        review = Review.objects.get(revision=article.current_revision)
        workflow.approve(review=review, by=reviewer.user, comment="Approved on import.")
        dates = tuple(
            map(datetime.datetime.fromisoformat, (line["published_at"], line["updated_at"]))
        )
        workflow.publish(article=article, by=importer, dates=dates)
    for image in Image.objects.order_by("pk"):
        generate_renditions.call(image.pk)


def test_an_imported_article_is_what_submit_approve_publish_make_of_it(
    dataset, same_ids_and_moments
):
    same_ids_and_moments()
    batched = in_a_rolled_back_transaction(
        lambda: (reviewers_on_record(dataset), import_file(dataset, publish=True))
    )
    same_ids_and_moments()
    one_by_one = in_a_rolled_back_transaction(lambda: one_call_at_a_time(dataset))
    assert len(batched["live"]) == 9 and len(batched["images"]) == 9
    assert all(json.loads(row[1])["hero_image"]["srcset"] for row in batched["live"])
    assert all(json.loads(row[1])["reviewer"]["verified_credentials"] for row in batched["live"])
    for part in batched:
        assert batched[part] == one_by_one[part], part


def test_publish_many_takes_the_same_number_of_queries_for_more_articles(
    writer, reviewer, editor, django_assert_max_num_queries
):
    profile = Reviewer.objects.get(user=reviewer)

    def drafts(count, start):
        return [
            workflow.NewArticle(
                article=ArticleFactory(author=writer, slug=f"bulk-{start + n}"), reviewer=profile
            )
            for n in range(count)
        ]

    few, many = drafts(2, 0), drafts(20, 100)
    with django_assert_max_num_queries(40) as counted:
        workflow.publish_many(few, by=editor)
    with django_assert_max_num_queries(len(counted)):
        workflow.publish_many(many, by=editor)
    assert PublishedArticle.objects.count() == 22


def test_publish_many_refuses_what_publish_would_and_writes_nothing(writer, reviewer, editor):
    own = Reviewer.objects.get(user=reviewer)
    by_the_writer = Reviewer.objects.create(slug="self", name="W", credentials="MD", user=writer)
    fine = ArticleFactory(author=writer, slug="fine")
    mine = ArticleFactory(author=writer, slug="mine")
    refusals = [
        ({"by": writer}, [workflow.NewArticle(fine, own)], "Only editors"),
        ({"by": editor}, [workflow.NewArticle(mine, by_the_writer)], "wrote this article"),
    ]
    for kwargs, drafts, sentence in refusals:
        with pytest.raises(workflow.WorkflowError, match=sentence):
            workflow.publish_many(drafts, **kwargs)
    workflow.publish_many([workflow.NewArticle(fine, own)], by=editor)
    with pytest.raises(workflow.InvalidTransition, match="submitted before"):
        workflow.publish_many([workflow.NewArticle(fine, own)], by=editor)
    assert list(PublishedArticle.objects.values_list("slug", flat=True)) == ["fine"]
    assert not ArticleRevision.objects.filter(article=mine).exists()
