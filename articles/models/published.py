"""The read model: what readers get, written only by publishing.

A `PublishedArticle` holds the full public document of one live article, rendered from the
revision a reviewer approved, plus the columns the public API filters and sorts on. Drafts have
no row here, so no public query can reach them.
"""

import datetime
import json
import time
from typing import NamedTuple

from django.conf import settings
from django.db import connections, models, router
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models.content import Article, frontend_article_url
from articles.models.revisions import ArticleRevision, Review
from articles.public_cache import json_bytes
from config import replicas
from reviewers.models import Reviewer
from tags.models import Tag

# The two reads every public detail and list request makes go through a plain cursor: on
# SQLite, compiling an ORM query costs ten times running these (0.21 ms against 0.02 ms).
DOCUMENT_SQL = "SELECT document_json, rendered_at, next_review_due FROM {table} WHERE slug = %s"
STATE_SQL = "SELECT changed_at, live_count FROM {table} WHERE id = 1"
# The public list's own order, newest first (the published_by_date index serves it as it is).
LIST_ORDER = ("-published_at", "-pk")
# The page is chosen among ids first, then only its rows bring their cards: otherwise
# PostgreSQL, for a deep page, reads and converts the card of every row it skips.
LIST_PAGE_SQL = (
    "SELECT CAST(p.card AS text) FROM {table} p JOIN ("
    "SELECT id FROM {table} ORDER BY published_at DESC, id DESC LIMIT %s OFFSET %s"
    ") page ON page.id = p.id ORDER BY p.published_at DESC, p.id DESC"
)


def aware(value):
    """A datetime from a raw query: SQLite hands back naive text."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return timezone.make_aware(value, datetime.UTC) if timezone.is_naive(value) else value


class LiveCards:
    """Every live article's card in LIST_ORDER, as a sequence Django's Paginator can page
    through: `count` comes from the read-model state, each slice is one raw query."""

    def __init__(self, count):
        self._count = count

    def count(self):
        return self._count

    def __getitem__(self, page):
        start, stop = page.start or 0, page.stop
        return PublishedArticle.objects.card_json_slice(start, stop - start)


class ReadModelState(models.Model):
    """One row: when public content last changed, and how many articles are live.

    Written in the transaction that changes the read model, so every process and server reads
    the same answer the moment it commits: Last-Modified for lists, the key their cached pages
    are filed under, and a list's total without counting rows.
    """

    changed_at = models.DateTimeField()
    live_count = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.live_count} live, changed {self.changed_at:%Y-%m-%d %H:%M:%S}"


def mark_read_model_changed(live_delta=0):
    """Record, in the current transaction, that public content changed now; once it commits,
    the call waits for the read replicas to have it (config/replicas.py)."""
    replicas.move_starting()
    now = timezone.now()
    rows = ReadModelState.objects.filter(pk=1)
    if not rows.update(changed_at=now, live_count=models.F("live_count") + live_delta):
        # Only an emptied database (a test flush) lacks the row: start it again from the truth.
        ReadModelState.objects.create(
            pk=1, changed_at=now, live_count=PublishedArticle.objects.count()
        )


def read_model_state():
    """(when public content last changed, how many articles are live), or (now, None) if that
    was never recorded. Lists ask on every request."""
    row = _fetch_one(ReadModelState, STATE_SQL, [])
    if row is None:
        return timezone.now(), None
    changed_at, live_count = row
    return aware(changed_at), live_count


def read_model_changed_at():
    return read_model_state()[0]


class LiveDocument(NamedTuple):
    """A live article's document as the stored JSON text, and the dates its answer carries."""

    json: str
    rendered_at: datetime.datetime
    next_review_due: datetime.date


def live_document(slug):
    """The LiveDocument of the live article at `slug`, or None; read wherever the router sends
    public reads."""
    row = _fetch_one(PublishedArticle, DOCUMENT_SQL, [slug])
    if row is None:
        return None
    text, rendered_at, next_review_due = row
    return LiveDocument(text, aware(rendered_at), next_review_due)


def _fetch_one(model, sql, params):
    with connections[router.db_for_read(model)].cursor() as cursor:
        cursor.execute(sql.format(table=model._meta.db_table), params)
        return cursor.fetchone()


def is_overdue(next_review_due):
    """Whether a review due on `next_review_due` is overdue today: the one rule for the API,
    the admin and the review_overdue() queryset."""
    return next_review_due < local_today()


def review_status(next_review_due):
    """ "overdue" once `next_review_due` has passed, "due_soon" within the first of
    REVIEW_REMINDER_DAYS before it (when the first reminder goes), else "current"."""
    if is_overdue(next_review_due):
        return "overdue"
    soon = local_today() + datetime.timedelta(days=max(settings.REVIEW_REMINDER_DAYS))
    return "due_soon" if next_review_due <= soon else "current"


class _Today:
    date = zone = None
    starts = ends = 0.0  # the local day, as timestamps


def local_today():
    """timezone.localdate(), worked out again only when the clock leaves the local day it was
    worked out in (or the time zone changes): the time zone conversion was a tenth of a
    document response's own work."""
    now, zone = time.time(), timezone.get_current_timezone()
    if not (_Today.starts <= now < _Today.ends and _Today.zone is zone):
        start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        end = start + datetime.timedelta(days=1)  # wall-clock arithmetic: the next midnight
        _Today.date, _Today.zone = start.date(), zone
        _Today.starts, _Today.ends = start.timestamp(), end.timestamp()
    return _Today.date


class PublishedArticleQuerySet(models.QuerySet):
    def for_cards(self):
        """Just what a list needs: the stored card, and the columns lists filter and sort on."""
        return self.only("pk", "card").order_by(*LIST_ORDER)

    def for_card_json(self):
        """Like for_cards(), but each row's `card_json` is the stored card as JSON text, to be
        written out as it is, never decoded."""
        return (
            self.only("pk")
            .annotate(card_json=Cast("card", models.TextField()))
            .order_by(*LIST_ORDER)
        )

    def card_json_slice(self, offset, limit):
        """Cards `offset` to `offset + limit` of the whole list in LIST_ORDER, as JSON text.

        The unfiltered list is what frontends and crawlers read most, so like the document it
        is read with a plain cursor: compiling an ORM query costs more than running it.
        """
        with connections[self.db].cursor() as cursor:
            cursor.execute(LIST_PAGE_SQL.format(table=self.model._meta.db_table), [limit, offset])
            return [text for (text,) in cursor.fetchall()]

    def review_overdue(self, today=None):
        return self.filter(next_review_due__lt=today or local_today())


class PublishedArticle(models.Model):
    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="published")
    revision = models.ForeignKey(ArticleRevision, on_delete=models.PROTECT, related_name="+")
    approval = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="published")
    slug = models.SlugField(max_length=200, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    published_at = models.DateTimeField(help_text="When the article first went live.")
    updated_at = models.DateTimeField(help_text="When the live content last changed.")
    last_reviewed_at = models.DateTimeField()
    next_review_due = models.DateField()
    reading_time_minutes = models.PositiveSmallIntegerField()
    tags = models.ManyToManyField(Tag, through="PublishedArticleTag", related_name="+")
    anchors = models.JSONField(default=list, help_text="Section anchors other articles may use.")
    search_text = models.TextField()
    card = models.JSONField(
        default=dict, help_text="The article as a card in lists, as the API serves it."
    )
    document_json = models.TextField(
        help_text=(
            "The full public document as the JSON text the API sends: the detail view sends "
            "it as it is, never decoded and encoded again (`document` is it as a dict)."
        ),
    )
    rendered_at = models.DateTimeField()

    objects = PublishedArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        indexes = [
            # Each list order, ending in the id that breaks ties, so pages come from the index
            # in order with no sort.
            models.Index(fields=["-published_at", "-id"], name="published_by_date"),
            models.Index(fields=["-updated_at", "-id"], name="published_by_update"),
            models.Index(fields=["title", "id"], name="published_by_title"),
            models.Index(fields=["next_review_due"], name="published_by_review_due"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return frontend_article_url(self.slug)

    @property
    def document(self):
        return json.loads(self.document_json)

    @document.setter
    def document(self, value):
        self.document_json = json_bytes(value).decode()

    @property
    def review_is_overdue(self):
        """One row's answer to the queryset's review_overdue()."""
        return is_overdue(self.next_review_due)


class PublishedArticleTag(models.Model):
    published_article = models.ForeignKey(PublishedArticle, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="published_articles")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["published_article", "tag"], name="published_tag_unique"
            ),
        ]

    def __str__(self):
        return f"{self.published_article_id} tagged {self.tag_id}"


class PublishedLink(models.Model):
    """A live article's inline link to another slug, or related topic naming another article,
    live or not.

    Kept so that publishing or unpublishing an article can re-render the live articles that
    point to it. Each row has a slug (an inline link, or a related topic of a revision recorded
    before related topics were named by article) or an article (a related topic).
    """

    source = models.ForeignKey(PublishedArticle, on_delete=models.CASCADE, related_name="links")
    target_slug = models.SlugField(max_length=200, blank=True, db_index=True)
    target_article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target_slug"],
                condition=~models.Q(target_slug=""),
                name="published_link_unique",
            ),
            models.UniqueConstraint(
                fields=["source", "target_article"], name="published_link_unique_article"
            ),
            models.CheckConstraint(
                condition=models.Q(target_slug="", target_article__isnull=False)
                | (~models.Q(target_slug="") & models.Q(target_article__isnull=True)),
                name="published_link_slug_or_article",
            ),
        ]

    def __str__(self):
        return f"{self.source_id} → {self.target_slug or f'article {self.target_article_id}'}"


class ArticleSlugAlias(models.Model):
    """A slug an article was published under before; the public API redirects it."""

    slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="slug_aliases")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "article slug aliases"

    def __str__(self):
        return f"{self.slug} → {self.article_id}"
