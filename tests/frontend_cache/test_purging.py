"""What each change purges, when, and what happens when a cache refuses: the purge is kept,
retried by the task queue, shown to editors, and cleared once it succeeds."""

import pytest
from django.db import transaction
from django.urls import reverse

from articles import workflow
from config import replicas
from frontend_cache.models import PendingPurge
from frontend_cache.purge import purge_on_commit
from reviewers.models import Reviewer
from tests.factories import ArticleFactory, SectionFactory, TagFactory, edit

pytestmark = pytest.mark.django_db

LISTINGS = {"articles", "tags", "reviewers", "sitemap", "feed"}


@pytest.fixture
def approved(writer, reviewer):
    """`calf-cramps`, approved and ready to publish."""
    from articles.models import Review

    def approve(article):
        article = workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
        review = Review.objects.get(revision=article.current_revision, decision="pending")
        return workflow.approve(review=review, by=reviewer)

    article = ArticleFactory(author=writer, slug="calf-cramps", title="Calf cramps")
    SectionFactory(article=article)
    return approve(article), approve


def test_publishing_purges_the_article_and_every_listing_once_it_commits(
    approved, editor, varnish_receiver, django_capture_on_commit_callbacks
):
    article, _ = approved
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.publish(article=article, by=editor)
        assert varnish_receiver.requests == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert varnish_receiver.purged_keys() == [LISTINGS | {"article:calf-cramps"}]


def test_a_change_rolled_back_purges_nothing(varnish_receiver, approved, editor):
    article, _ = approved
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.publish(article=article, by=editor)
        raise RuntimeError("something after the publish failed")
    assert varnish_receiver.requests == []


def test_a_rename_purges_the_new_slug_and_every_old_one(
    approved, writer, editor, varnish_receiver, django_capture_on_commit_callbacks
):
    article, approve = approved
    workflow.publish(article=article, by=editor)
    for slug in ("calf-pain", "leg-cramps"):
        article = approve(edit(article, writer, slug=slug))
        varnish_receiver.requests.clear()
        with django_capture_on_commit_callbacks(execute=True):
            workflow.publish(article=article, by=editor)
    assert set().union(*varnish_receiver.purged_keys()) == LISTINGS | {
        "article:leg-cramps",
        "article:calf-pain",
        "article:calf-cramps",  # its redirect now leads to leg-cramps
    }


def test_unpublishing_purges_every_slug_of_the_article(
    approved, writer, editor, varnish_receiver, django_capture_on_commit_callbacks
):
    article, approve = approved
    workflow.publish(article=article, by=editor)
    article = approve(edit(article, writer, slug="calf-pain"))
    workflow.publish(article=article, by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(article=article, by=editor)
    assert varnish_receiver.purged_keys() == [
        LISTINGS | {"article:calf-pain", "article:calf-cramps"}
    ]


def test_publishing_purges_the_articles_linking_to_it_too(
    writer, publish, approved, editor, varnish_receiver, django_capture_on_commit_callbacks
):
    linking = ArticleFactory(author=writer, slug="leg-pain")
    SectionFactory(article=linking, body="See [calf cramps](article:calf-cramps).")
    publish(linking)
    article, _ = approved
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article=article, by=editor)
    # One purge for the move: the article, and the one whose link to it is live now.
    assert varnish_receiver.purged_keys() == [
        LISTINGS | {"article:calf-cramps", "article:leg-pain"}
    ]


def test_renaming_a_tag_purges_its_page_then_the_articles_rendered_again(
    varnish_receiver, writer, publish, django_capture_on_commit_callbacks
):
    tag = TagFactory(name="Legs", slug="legs")
    article = ArticleFactory(author=writer, slug="shin-splints")
    SectionFactory(article=article)
    article.tags.add(tag)
    publish(article)
    tag.name = "Lower legs"
    with django_capture_on_commit_callbacks(execute=True):
        tag.save()
    purged = set().union(*varnish_receiver.purged_keys())
    assert {"tag:legs", "tags", "article:shin-splints", "articles"} <= purged


def test_coding_a_tag_purges_its_page_then_the_articles_rendered_again(
    varnish_receiver, writer, publish, django_capture_on_commit_callbacks
):
    tag = TagFactory(name="Sciatica", slug="sciatica", kind="condition")
    article = ArticleFactory(author=writer, slug="pain-down-the-leg")
    SectionFactory(article=article)
    article.tags.add(tag)
    publish(article)
    with django_capture_on_commit_callbacks(execute=True):
        code = tag.codes.create(system="MeSH", code="D012585", display="Sciatica")
    purged = set().union(*varnish_receiver.purged_keys())
    assert {"tag:sciatica", "tags", "article:pain-down-the-leg", "articles"} <= purged
    varnish_receiver.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        code.delete()
    assert {"tag:sciatica", "tags"} <= set().union(*varnish_receiver.purged_keys())


def test_editing_a_reviewer_profile_purges_their_page(
    varnish_receiver, reviewer, django_capture_on_commit_callbacks
):
    profile = Reviewer.objects.get(user=reviewer)
    profile.bio = "Sports medicine."
    with django_capture_on_commit_callbacks(execute=True):
        profile.save()
    assert {"reviewers", "reviewer:jane-roe"} in varnish_receiver.purged_keys()


def test_without_a_cache_configured_nothing_is_purged_or_kept(
    settings, approved, editor, django_capture_on_commit_callbacks
):
    settings.FRONTEND_CACHE_URLS = []
    article, _ = approved
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article=article, by=editor)
        purge_on_commit({"articles"})
    assert not PendingPurge.objects.exists()


def test_a_refused_purge_is_retried_until_it_goes_through_then_forgotten(
    varnish_receiver, approved, editor, django_capture_on_commit_callbacks
):
    varnish_receiver.answers = [(503, b""), (503, b""), (200, b"")]
    article, _ = approved
    with django_capture_on_commit_callbacks(execute=True):
        published = workflow.publish(article=article, by=editor)
    assert published.state == "published"  # the publish stands, whatever the cache said
    assert len(varnish_receiver.requests) == 3
    assert len({frozenset(keys) for keys in varnish_receiver.purged_keys()}) == 1
    assert not PendingPurge.objects.exists()


def test_a_purge_refused_every_time_stays_for_the_editors_to_see(
    approved, editor, writer, client, varnish_receiver, django_capture_on_commit_callbacks
):
    varnish_receiver.answers = [(503, b"")]
    article, _ = approved
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article=article, by=editor)
    pending = PendingPurge.objects.get()
    assert pending.backend == "varnish"
    assert set(pending.keys) == LISTINGS | {"article:calf-cramps"}
    assert pending.attempts == 3 and pending.gave_up
    assert "HTTP 503" in pending.last_error
    assert len(varnish_receiver.requests) == 3

    client.force_login(editor)
    home = client.get(reverse("admin:index")).content.decode()
    panel = home[home.index("HTTP cache purges not done") :]
    assert "varnish: article:calf-cramps articles" in panel and "Gave up" in panel
    assert "3 attempts" in panel and "HTTP 503" in panel
    page = client.get(reverse("admin:frontend_cache_pendingpurge_change", args=[pending.pk]))
    assert page.status_code == 200

    client.force_login(writer)
    assert "HTTP cache purges not done" not in client.get(reverse("admin:index")).content.decode()


def test_an_editor_retries_a_failed_purge_from_the_admin(
    varnish_receiver, approved, editor, client, django_capture_on_commit_callbacks
):
    varnish_receiver.answers = [(503, b"")] * 3 + [(200, b"")]
    article, _ = approved
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article=article, by=editor)
    pending = PendingPurge.objects.get()
    client.force_login(editor)
    response = client.post(
        reverse("admin:frontend_cache_pendingpurge_changelist"),
        {"action": "retry_now", "_selected_action": [pending.pk]},
        follow=True,
    )
    assert "1 of 1 purges went through." in response.content.decode()
    assert not PendingPurge.objects.exists()
    home = client.get(reverse("admin:index")).content.decode()
    assert "varnish: article:calf-cramps" not in home


def test_one_transaction_is_one_purge_with_every_key_it_asked_for(
    varnish_receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        purge_on_commit({"article:one"})
        with transaction.atomic():
            purge_on_commit({"article:two"})
        assert varnish_receiver.requests == []
    assert varnish_receiver.purged_keys() == [{"article:one", "article:two"}]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_keys_of_a_rolled_back_transaction_are_not_carried_into_the_next(varnish_receiver):
    with pytest.raises(RuntimeError), transaction.atomic():
        purge_on_commit({"article:rolled-back"})
        raise RuntimeError("the change failed")
    with transaction.atomic():
        purge_on_commit({"article:committed"})
    assert varnish_receiver.purged_keys() == [{"article:committed"}]


def test_after_a_purge_is_sent_the_next_change_gets_its_own(
    varnish_receiver, django_capture_on_commit_callbacks
):
    for slug in ("first", "second"):
        with django_capture_on_commit_callbacks(execute=True):
            purge_on_commit({f"article:{slug}"})
    assert varnish_receiver.purged_keys() == [{"article:first"}, {"article:second"}]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rendering_many_articles_again_is_one_purge(writer, publish, varnish_receiver):
    """A background re-render commits each article on its own; the cache hears once, at the
    end, with every one of them (a tag on 500 articles had been 500 purges)."""
    from articles import publishing
    from articles.models import PublishedArticle

    for slug in ("calf-cramps", "shin-splints", "knee-pain"):
        article = ArticleFactory(author=writer, slug=slug)
        SectionFactory(article=article)
        publish(article)
    varnish_receiver.requests.clear()
    assert publishing.rerender(PublishedArticle.objects.all()) == 3
    assert varnish_receiver.purged_keys() == [
        LISTINGS | {"article:calf-cramps", "article:shin-splints", "article:knee-pain"}
    ]


@pytest.mark.parametrize("rename", [False, True])
def test_the_purge_goes_out_once_the_replicas_have_the_change(
    approved,
    writer,
    editor,
    varnish_receiver,
    monkeypatch,
    rename,
    django_capture_on_commit_callbacks,
):
    """A purge sent before a replica has the change would let a cache refill from it: the wait
    for the replicas (config/replicas.py) comes first, even for a rename, whose old slugs are
    asked to be purged before the move is written."""
    purges_sent_when_waiting = []
    wait = replicas.make_move_visible

    def waiting():
        purges_sent_when_waiting.append(len(varnish_receiver.requests))
        wait()

    monkeypatch.setattr(replicas, "make_move_visible", waiting)
    article, approve = approved
    if rename:
        workflow.publish(article=article, by=editor)
        article = approve(edit(article, writer, slug="calf-pain"))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article=article, by=editor)
    assert purges_sent_when_waiting[0] == 0
    assert len(varnish_receiver.requests) == 1
