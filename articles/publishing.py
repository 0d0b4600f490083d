"""The read model's one writer: what readers get of a live article, written from the revision a
reviewer approved, rendered again when something it prints changes, and taken down.

The workflow decides when an article goes live or comes down and calls in here; the background
tasks call `rerender` when a tag, a reviewer or an image changes. Nothing here checks who may do
what or moves an article between states, and nothing here imports the workflow or the tasks.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.chunks import chunks
from articles.documents import BatchLookups, build_document, card, next_review_due
from articles.models import (
    Article,
    PublishedArticle,
    PublishedArticleTag,
    PublishedLink,
    mark_read_model_changed,
)
from articles.public_cache import json_bytes
from frontend_cache.purge import purge_articles_on_commit
from reviewers.models import Credential
from tags.models import Tag


def write_read_model(
    article, revision, approval, published_at, updated_at, *, purge=True, lookups=None
):
    """Write the live row of `article` from `revision`, with its tags and links; return it.
    Its pages are purged from the HTTP cache once this commits, unless `purge` is false (the
    caller purges them with others). `lookups`: see documents.render_document."""
    rendering = build_document(
        revision=revision,
        approval=approval,
        published_at=published_at,
        updated_at=updated_at,
        lookups=lookups,
    )
    live, created = PublishedArticle.objects.update_or_create(
        article=article,
        defaults=_live_columns(rendering, revision, approval, published_at, updated_at),
    )
    _write_tags(live, revision.snapshot["tags"])
    _write_links(live, rendering)
    mark_read_model_changed(live_delta=1 if created else 0)
    if purge:
        purge_articles_on_commit([live.slug])
    return live


def _live_columns(rendering, revision, approval, published_at, updated_at):
    snapshot, document = revision.snapshot, rendering.document
    return {
        "revision": revision,
        "approval": approval,
        "reviewer": approval.reviewer,
        "slug": snapshot["slug"],
        "title": snapshot["title"],
        "summary": snapshot["summary"],
        "published_at": published_at,
        "updated_at": updated_at,
        "last_reviewed_at": approval.decided_at,
        "next_review_due": next_review_due(approval.decided_at, snapshot["review_interval_months"]),
        "reading_time_minutes": document["reading_time_minutes"],
        "anchors": [section["anchor"] for section in snapshot["sections"]],
        "search_text": rendering.search_text,
        "card": card(document),
        "document_json": json_bytes(document).decode(),
        "rendered_at": timezone.now(),
    }


def write_new_read_models(entries):
    """Write the live rows of articles that have none yet, in bulk: `entries` are
    (article, revision, approval, published_at, updated_at, rendering), the rendering made
    with every target the batch makes live known. Their pages are purged once this commits."""
    rows = PublishedArticle.objects.bulk_create(
        PublishedArticle(
            article=article,
            **_live_columns(rendering, revision, approval, published_at, updated_at),
        )
        for article, revision, approval, published_at, updated_at, rendering in entries
    )
    renderings = [entry[-1] for entry in entries]
    tag_slugs = {slug for entry in entries for slug in entry[1].snapshot["tags"]}
    tag_ids = dict(Tag.objects.filter(slug__in=tag_slugs).values_list("slug", "pk"))
    PublishedArticleTag.objects.bulk_create(
        PublishedArticleTag(published_article=live, tag_id=tag_ids[slug])
        for live, entry in zip(rows, entries, strict=True)
        for slug in entry[1].snapshot["tags"]
        if slug in tag_ids
    )
    PublishedLink.objects.bulk_create(
        link
        for live, rendering in zip(rows, renderings, strict=True)
        for link in _links(live, rendering)
    )
    mark_read_model_changed(live_delta=len(rows))
    purge_articles_on_commit([live.slug for live in rows])
    return rows


def _write_tags(live, slugs):
    PublishedArticleTag.objects.filter(published_article=live).delete()
    PublishedArticleTag.objects.bulk_create(
        PublishedArticleTag(published_article=live, tag=tag)
        for tag in Tag.objects.filter(slug__in=slugs)
    )


def _write_links(live, rendering):
    """What `live` points to, so that publishing or unpublishing a target renders it again."""
    PublishedLink.objects.filter(source=live).delete()
    PublishedLink.objects.bulk_create(_links(live, rendering))


def _links(live, rendering):
    return [
        *(PublishedLink(source=live, target_slug=slug) for slug in sorted(rendering.linked_slugs)),
        *(
            PublishedLink(source=live, target_article_id=pk)
            for pk in sorted(rendering.related_articles)
        ),
    ]


def take_down(live):
    """Delete the live row `live`: readers no longer get the article."""
    live.delete()
    mark_read_model_changed(live_delta=-1)


def rerender(published_articles):
    """Render live articles again from their own approved revisions; return how many.

    For changes around the text that need no new review: a tag renamed, a reviewer's profile
    edited, the site-wide disclaimer changed, or a new version of the renderer.
    """
    rendered = []
    rows = published_articles.select_related(
        "article", "revision", "approval__reviewer"
    ).prefetch_related("approval__reviewer__held_credentials")
    try:
        # Never all live articles in memory at once; what the documents print from outside
        # their snapshots is read once per chunk.
        for chunk in chunks(rows.iterator(chunk_size=RERENDER_CHUNK), RERENDER_CHUNK):
            lookups = BatchLookups([live.revision.snapshot for live in chunk])
            for live in chunk:
                with transaction.atomic():
                    write_read_model(
                        live.article,
                        live.revision,
                        live.approval,
                        live.published_at,
                        live.updated_at,
                        purge=False,
                        lookups=lookups,
                    )
                rendered.append(live.slug)
    finally:
        # One purge for all of them (a tag on 500 articles was 500 purges), including those
        # rendered before a failure: each committed in its own transaction.
        if rendered:
            purge_articles_on_commit(rendered)
    return len(rendered)


RERENDER_CHUNK = 200


def rerender_linking_to(slugs, *, article=None, besides=None, live_up_to=None):
    """Render again, from their own revisions, the live articles that link to any of `slugs`
    or to the article that now has one of them, or that name `article` as a related topic;
    `besides` (an article) is left out: it was just rendered. With `live_up_to` (a live row's
    id), only rows up to it are: those live before a bulk import, which rendered its own.

    `slugs` are asked about a chunk at a time (an import's 20,000 would pass SQLite's limit
    of variables in one query); each linking article is rendered once."""
    rows = PublishedArticle.objects.all()
    if besides is not None:
        rows = rows.exclude(article=besides)
    if live_up_to is not None:
        rows = rows.filter(pk__lte=live_up_to)
    linking = set()
    for chunk in chunks(sorted(set(slugs)), RERENDER_CHUNK) if slugs else [[]]:
        # One query for each way a link points: joined by OR, neither index is used, and
        # every chunk read the whole table of links (an import of 20,000 spent 40 s here).
        pointing = [
            Q(target_slug__in=chunk),
            Q(target_article__in=Article.objects.filter(slug__in=chunk).values("pk")),
        ]
        if article is not None:
            pointing.append(Q(target_article=article))
        for way in pointing:
            sources = PublishedLink.objects.filter(way).values("source_id")
            linking |= set(rows.filter(pk__in=sources).values_list("pk", flat=True))
    return sum(
        rerender(PublishedArticle.objects.filter(pk__in=ids))
        for ids in chunks(sorted(linking), RERENDER_CHUNK)
    )


def rerender_for_lapsed_credentials(*, today=None):
    """Render again the live documents still printing a credential that has run out: time
    passing saves nothing, so no signal does it. Those rendered before a credential's last
    day ended are the ones; once rendered again they are not, so each is done once."""
    today = today or timezone.localdate()
    lapsed = Credential.objects.filter(
        verified_at__isnull=False, valid_until__lt=today, valid_until__gte=today - LAPSED_WINDOW
    )
    stale = Q()
    for reviewer_id, valid_until in lapsed.values_list("reviewer_id", "valid_until"):
        day_after = datetime.datetime.combine(
            valid_until + datetime.timedelta(days=1),
            datetime.time(),
            timezone.get_current_timezone(),
        )
        stale |= Q(reviewer_id=reviewer_id, rendered_at__lt=day_after)
    if not stale:
        return 0
    return rerender(PublishedArticle.objects.filter(stale))


# How far back `rerender_for_lapsed_credentials` looks: run at least this often, it misses none.
LAPSED_WINDOW = datetime.timedelta(days=30)
