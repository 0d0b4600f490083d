import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Sum
from django.db.models.functions import Coalesce, Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.text import normalize_newlines, slugify
from taggit.managers import TaggableManager
from taggit.models import ItemBase

from articles.identifiers import normal_doi, normal_pmid, validate_doi, validate_pmid
from articles.rendering import (
    LinkResolver,
    article_links,
    count_words,
    reading_time_minutes,
    render_article_text,
)
from config.plain_text import validate_plain_text
from tags.models import Tag

SUMMARY_MAX_LENGTH = 300

# Columns only the workflow module writes.
WORKFLOW_FIELDS = {"state", "version", "current_revision", "live_revision", "publish_at",
                   "scheduled_by", "unpublish_at", "unpublish_scheduled_by"}  # fmt: skip

# Rows are renumbered one at a time, and (article, position) is unique: moving the rows being
# renumbered this far out first means no intermediate state collides.
PARKING_OFFSET = 1_000_000


def frontend_article_url(slug):
    """The URL at which readers find the article `slug` on the frontend."""
    return settings.FRONTEND_URL + settings.FRONTEND_ARTICLE_PATH.format(slug=slug)


def validate_not_in_future(moment):
    if moment is not None and moment > timezone.now():
        raise ValidationError(
            "The original publication date cannot be in the future: give the date the article "
            "first appeared, or leave it blank.",
            code="future",
        )


class ArticleQuerySet(models.QuerySet):
    def for_admin_list(self):
        return self.select_related("author", "hero_image").annotate(
            sections_word_count=Coalesce(Sum("sections__word_count"), 0),
            next_review_due=F("published__next_review_due"),
        )

    def visible_to(self, user, *, also=None):
        """Working copies `user` may read: editors all, others their own and those they review.

        `also` (a Q) widens the set for a purpose, such as picking any live article as a
        related topic. A subquery rather than a join keeps rows unique without DISTINCT.
        """
        if user.has_perm("articles.publish_article"):
            return self
        reviewing = self.model.objects.filter(revisions__reviews__reviewer__user=user).values("pk")
        visible = models.Q(author=user) | models.Q(pk__in=reviewing)
        return self.filter(visible | also if also is not None else visible)

    def for_editorial_api(self):
        return self.select_related(
            "author", "current_revision", "live_revision", "hero_image", "published"
        ).prefetch_related(
            "tags", "sections", "references", "related_topics__to_article",
            "hero_image__renditions", "review_reminders",
        )  # fmt: skip

    def due_for_publication(self, now):
        return self.filter(state=ArticleState.SCHEDULED, publish_at__lte=now)

    def due_for_withdrawal(self, now):
        return self.filter(live_revision__isnull=False, unpublish_at__lte=now)

    def link_resolver(self, slugs):
        """A LinkResolver for `article:` links to any of `slugs` that are live among these
        rows, by their slug or by an old slug they still answer to; the others that exist are
        known as not live yet."""
        rows = self.filter(slug__in=slugs).values_list("slug", "pk", "live_revision")
        pks = {slug: pk for slug, pk, _ in rows}
        live_pks = {pk for _, pk, live_revision in rows if live_revision is not None}
        slug_of = {slug: slug for slug in pks}
        alias_model = self.model.slug_aliases.field.model
        renamed = alias_model.objects.filter(
            slug__in=set(slugs) - pks.keys(), article__in=self
        ).values_list("slug", "article_id", "article__slug", "article__live_revision")
        for old_slug, pk, slug, live_revision in renamed:
            pks[old_slug], slug_of[old_slug] = pk, slug
            if live_revision is not None:
                live_pks.add(pk)
        targets = {slug: set() for slug, pk in pks.items() if pk in live_pks}
        named = {}
        for slug, pk in pks.items():
            named.setdefault(pk, []).append(slug)
        anchors = Section.objects.filter(article_id__in=live_pks).values_list(
            "article_id", "anchor"
        )
        for pk, anchor in anchors:
            for slug in named[pk]:
                targets[slug].add(anchor)
        return LinkResolver(
            targets=targets,
            url_for=lambda slug: frontend_article_url(slug_of[slug]),
            not_live=pks.keys() - targets.keys(),
        )


class ArticleState(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


# How the pending edit of a live article stands, after "Live · ".
PENDING_EDIT = {
    ArticleState.DRAFT: "changes in draft",
    ArticleState.IN_REVIEW: "changes in review",
    ArticleState.CHANGES_REQUESTED: "changes requested",
    ArticleState.APPROVED: "changes approved",
    ArticleState.SCHEDULED: "changes scheduled",
}


class Article(models.Model):
    """The working copy of an article, as writers edit it."""

    State = ArticleState

    title = models.CharField(
        validators=[validate_plain_text], max_length=200, help_text="The headline readers see."
    )
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The last part of the article's URL. Other articles link to it as article:SLUG.",
    )
    summary = models.CharField(
        validators=[validate_plain_text],
        max_length=SUMMARY_MAX_LENGTH,
        help_text=(
            f"At most {SUMMARY_MAX_LENGTH} characters, plain text. Shown on cards, in search "
            "results and as the page's meta description."
        ),
    )
    intro = models.TextField(
        blank=True,
        help_text="The opening paragraph above the table of contents. Markdown.",
    )
    hero_image = models.ForeignKey(
        "images.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The large image at the top. Its alt text and credit are part of the review.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="articles",
        help_text="The writer's account; the byline shows its name unless a byline is set.",
    )
    # The two fields below carry over what an article migrated from elsewhere already had.
    # Editors set them; they are part of the snapshot, so a change to them is reviewed.
    byline = models.CharField(
        validators=[validate_plain_text],
        max_length=200,
        blank=True,
        help_text="The author name readers see, when it is not the writer account's name "
        "(for an article first published elsewhere, say). Blank: the account's name.",
    )
    first_published_at = models.DateTimeField(
        "originally published",
        null=True,
        blank=True,
        validators=[validate_not_in_future],
        help_text="When an article first published elsewhere first appeared; readers and "
        "search engines see it as the publication date. Blank: when it first goes live here.",
    )
    tags = TaggableManager(
        through="TaggedArticle",
        blank=True,
        help_text="Specialties, conditions and symptoms readers can browse by.",
    )
    state = models.CharField(
        max_length=20, choices=ArticleState.choices, default=ArticleState.DRAFT, editable=False
    )
    disclaimer = models.TextField(
        validators=[validate_plain_text],
        blank=True,
        help_text="Replaces the site-wide medical disclaimer for this article. Usually blank.",
    )
    review_interval_months = models.PositiveSmallIntegerField(
        default=12,
        # The same range as the check constraint, so forms and the API say it before the
        # database has to.
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="How long an approval stays current before the article is due for re-review.",
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up with every saved edit, so that an edit based on an old copy is refused.",
    )
    current_revision = models.ForeignKey(
        "ArticleRevision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The revision last submitted for review.",
    )
    live_revision = models.ForeignKey(
        "ArticleRevision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The revision readers see, if the article is live.",
    )
    publish_at = models.DateTimeField(null=True, blank=True, editable=False)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    unpublish_at = models.DateTimeField(
        "expires (taken down) at",
        null=True,
        blank=True,
        editable=False,
        help_text="When the live article is to be taken down, if an editor set an expiry.",
    )
    unpublish_scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        permissions = [("publish_article", "Can publish, schedule and unpublish articles")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(slug=""), name="article_slug_not_empty"),
            models.CheckConstraint(
                condition=models.Q(state__in=ArticleState.values),
                name="article_state_valid",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("summary"), SUMMARY_MAX_LENGTH),
                name="article_summary_max_length",
                violation_error_message=f"The summary must be at most {SUMMARY_MAX_LENGTH} "
                "characters.",
            ),
            models.CheckConstraint(
                condition=models.Q(state=ArticleState.SCHEDULED, publish_at__isnull=False)
                | (~models.Q(state=ArticleState.SCHEDULED) & models.Q(publish_at__isnull=True)),
                name="article_publish_at_only_when_scheduled",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=ArticleState.PUBLISHED)
                | models.Q(live_revision__isnull=False),
                name="article_published_has_live_revision",
            ),
            models.CheckConstraint(
                condition=models.Q(unpublish_at__isnull=True)
                | models.Q(live_revision__isnull=False),
                name="article_unpublish_at_only_when_live",
            ),
            models.CheckConstraint(
                condition=models.Q(review_interval_months__range=(1, 60)),
                name="article_review_interval_range",
                violation_error_message="The review interval must be between 1 and 60 months.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.intro = normalize_newlines(self.intro)  # one form, however a client typed it
        self.disclaimer = normalize_newlines(self.disclaimer)
        # The workflow owns these columns and changes them with targeted updates. Saving an
        # instance loaded before a transition must not write the old values back.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in WORKFLOW_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return frontend_article_url(self.slug)

    @property
    def state_label(self):
        """The state as people are shown it: a live article with an edit under way says both
        ("Live · changes in draft"), since its own state only tells where the edit stands."""
        if self.live_revision_id is None or self.state not in PENDING_EDIT:
            return self.get_state_display()
        recertifying = self.current_revision_id == self.live_revision_id
        if recertifying and self.state == ArticleState.IN_REVIEW:
            return "Live · re-certification in review"
        return f"Live · {PENDING_EDIT[self.state]}"

    @property
    def word_count(self):
        """Words in the intro and every section (summed by `for_admin_list()` when it loaded us)."""
        sections_word_count = getattr(self, "sections_word_count", None)
        if sections_word_count is None:
            sections_word_count = sum(section.word_count for section in self.sections.all())
        return count_words(self.intro) + sections_word_count

    @property
    def reading_time_minutes(self):
        return reading_time_minutes(self.word_count)

    def snapshot(self, *, related_by_slug=False):
        """The working copy as plain data: exactly what a revision freezes and a review covers.

        Tags are named by slug and related topics by the id of the article they point to:
        renaming a tag, or retitling or renaming a related article, is not an edit of this
        article's medical content. `related_by_slug` names related topics by slug instead, as
        revisions recorded before 2026-11-29 did, to compare the working copy with one of them.
        """
        # values_list(): plain tuples, no model instances; the workflow takes a snapshot three
        # times on the way to publishing.
        related = "to_article__slug" if related_by_slug else "to_article_id"
        return _snapshot(
            self,
            self.hero_image if self.hero_image_id else None,
            parts={
                "tags": self.tags.values_list("slug", flat=True),
                "sections": self.sections.values_list(*SNAPSHOT_SECTION),
                "related_topics": self.related_topics.values_list(related, "blurb"),
                "references": self.references.values_list(*SNAPSHOT_REFERENCE),
            },
            related_by_slug=related_by_slug,
        )

    def article_links(self):
        """Every `article:` link in the intro and the sections, in reading order."""
        texts = [self.intro, *(section.body for section in self.sections.all())]
        return [link for text in texts for link in article_links(text)]

    def link_resolver(self):
        """A LinkResolver that knows every article this one links to and that exists."""
        slugs = {link.slug for link in self.article_links()}
        resolver = Article.objects.link_resolver(slugs)
        # Links within the article itself work whether or not it is live yet.
        if self.slug in slugs:
            resolver.targets[self.slug] = {section.anchor for section in self.sections.all()}
        return resolver

    def render(self):
        """The intro and sections as readers will see them: sanitized HTML, links resolved."""
        sections = [
            {"anchor": section.anchor, "heading": section.heading, "body": section.body}
            for section in self.sections.all()
        ]
        return render_article_text(self.intro, sections, self.link_resolver())

    def link_problems(self):
        """Sentences naming each `article:` link that points to no article or no section."""
        return self.render().problems


SNAPSHOT_SECTION = ("anchor", "heading", "body")
SNAPSHOT_REFERENCE = ("label", "url", "publisher", "accessed_on", "doi", "pmid")


def _snapshot(article, image, *, parts, related_by_slug=False):
    """Article.snapshot() from the article's row, its hero image and the rows of its parts
    (tag slugs, and tuples of SNAPSHOT_SECTION, related topic and blurb, SNAPSHOT_REFERENCE,
    in position order)."""
    return {
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "intro": article.intro,
        "author_id": article.author_id,
        "hero_image": image and {"id": image.pk, "alt": image.alt, "credit": image.credit},
        "review_interval_months": article.review_interval_months,
        "disclaimer": article.disclaimer,
        # Only when set: the snapshot (and so the hash) of every article without them stays
        # what it was before these fields existed.
        **({"byline": article.byline} if article.byline else {}),
        # In UTC, as the database gives it back: the same moment hashes the same.
        **(
            {"first_published_at": article.first_published_at.astimezone(datetime.UTC).isoformat()}
            if article.first_published_at
            else {}
        ),
        "tags": sorted(parts["tags"]),
        "sections": [
            {"anchor": anchor, "heading": heading, "body": body}
            for anchor, heading, body in parts["sections"]
        ],
        "related_topics": [
            {"slug" if related_by_slug else "article_id": target, "blurb": blurb}
            for target, blurb in parts["related_topics"]
        ],
        "references": [
            {
                "label": label,
                "url": url,
                "publisher": publisher,
                "accessed_on": accessed_on.isoformat() if accessed_on else None,
                # Only when set: a snapshot without them hashes as it did before they existed.
                **({"doi": doi} if doi else {}),
                **({"pmid": pmid} if pmid else {}),
            }
            for label, url, publisher, accessed_on, doi, pmid in parts["references"]
        ],
    }


def snapshots(articles):
    """{article id: Article.snapshot()} of `articles` (rows with their hero_image selected),
    in one query per kind of part, for a batch."""
    ids = [article.pk for article in articles]
    parts = {pk: {"tags": [], "sections": [], "related_topics": [], "references": []} for pk in ids}
    rows = {
        "tags": TaggedArticle.objects.filter(content_object_id__in=ids).values_list(
            "content_object_id", "tag__slug"
        ),
        "sections": Section.objects.filter(article_id__in=ids).values_list(
            "article_id", *SNAPSHOT_SECTION
        ),
        "related_topics": RelatedTopic.objects.filter(from_article_id__in=ids).values_list(
            "from_article_id", "to_article_id", "blurb"
        ),
        "references": Reference.objects.filter(article_id__in=ids).values_list(
            "article_id", *SNAPSHOT_REFERENCE
        ),
    }
    for kind, values in rows.items():
        for pk, *value in values:
            parts[pk][kind].append(value[0] if kind == "tags" else tuple(value))
    return {
        article.pk: _snapshot(
            article, article.hero_image if article.hero_image_id else None, parts=parts[article.pk]
        )
        for article in articles
    }


class TaggedArticle(ItemBase):
    """Taggit's through model, with real foreign keys on both sides."""

    content_object = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="tagged_items"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="tagged_article_unique_tag"
            ),
        ]

    def __str__(self):
        return f"{self.content_object_id} tagged {self.tag_id}"


class PositionedQuerySet(models.QuerySet):
    def park(self):
        """Move these rows out of the way so they can be renumbered one at a time."""
        return self.update(position=models.F("position") + PARKING_OFFSET)


class Section(models.Model):
    """One H2 section of an article: a heading, its anchor and a Markdown body."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    heading = models.CharField(
        validators=[validate_plain_text],
        max_length=200,
        help_text="Shown as the section's title and in the table of contents.",
    )
    anchor = models.SlugField(
        max_length=100,
        blank=True,
        help_text=(
            "The #fragment that links to this section. Filled in from the heading when left "
            "blank, and kept when the heading changes so that links keep working."
        ),
    )
    body = models.TextField(
        help_text=(
            "Markdown: **bold**, - bullet lists, [links](https://…). Link to another article "
            "with [text](article:its-slug) or to one of its sections with "
            "[text](article:its-slug#anchor)."
        )
    )
    word_count = models.PositiveIntegerField(default=0, editable=False)

    objects = PositionedQuerySet.as_manager()

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="section_unique_position"),
            models.UniqueConstraint(
                fields=["article", "anchor"],
                name="section_unique_anchor",
                violation_error_message="Another section of this article has this anchor.",
            ),
            models.CheckConstraint(condition=~models.Q(anchor=""), name="section_anchor_not_empty"),
        ]

    def __str__(self):
        return self.heading

    def save(self, *args, **kwargs):
        if not self.anchor:
            self.anchor = self.derive_anchor()
        self.body = normalize_newlines(self.body)  # one form, however a client typed it
        self.word_count = count_words(self.body)
        super().save(*args, **kwargs)

    def derive_anchor(self):
        """A slug of the heading that no other section of the article uses yet."""
        taken = set(
            Section.objects.filter(article_id=self.article_id)
            .exclude(pk=self.pk)
            .values_list("anchor", flat=True)
        )
        return unique_anchor(self.heading, taken)


def unique_anchor(heading, taken):
    """A slug of `heading` that is not in `taken`: "treatment", then "treatment-2"…"""
    base = slugify(heading)[:90].strip("-") or "section"
    anchor, number = base, 2
    while anchor in taken:
        anchor, number = f"{base}-{number}", number + 1
    return anchor


class RelatedTopic(models.Model):
    """A "Recommended topics" card at the end of an article, pointing to another article."""

    from_article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="related_topics"
    )
    to_article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="related_from",
        verbose_name="article",
        help_text="The article the card points to.",
    )
    position = models.PositiveIntegerField()
    blurb = models.CharField(
        validators=[validate_plain_text],
        max_length=SUMMARY_MAX_LENGTH,
        blank=True,
        help_text="Optional one-liner for the card; the target's summary is used when blank.",
    )

    objects = PositionedQuerySet.as_manager()

    class Meta:
        ordering = ["from_article", "position"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_article=models.F("to_article")),
                name="related_topic_not_self",
                violation_error_message="An article cannot be a related topic of itself.",
            ),
            models.UniqueConstraint(
                fields=["from_article", "to_article"],
                name="related_topic_unique_pair",
                violation_error_message="This article is already a related topic.",
            ),
            models.UniqueConstraint(
                fields=["from_article", "position"], name="related_topic_unique_position"
            ),
        ]

    def __str__(self):
        return f"{self.from_article} → {self.to_article}"


class Reference(models.Model):
    """A source the article cites, listed under "References"."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveIntegerField()
    label = models.CharField(
        validators=[validate_plain_text],
        max_length=300,
        help_text="The cited page or paper's title.",
    )
    url = models.URLField("URL", max_length=500, help_text="An http or https address.")
    publisher = models.CharField(
        validators=[validate_plain_text],
        max_length=200,
        blank=True,
        help_text='Who publishes it, e.g. "MedlinePlus".',
    )
    accessed_on = models.DateField(
        null=True, blank=True, help_text="When the writer last checked the source."
    )
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        validators=[validate_doi],
        help_text="For a paper: its DOI, e.g. 10.1056/NEJMoa2034577.",
    )
    pmid = models.CharField(
        "PubMed ID",
        max_length=60,  # room for a pasted PubMed link; stored as the bare number
        blank=True,
        validators=[validate_pmid],
        help_text="For a paper indexed in PubMed: its PMID, e.g. 31978945.",
    )

    objects = PositionedQuerySet.as_manager()

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="reference_unique_position"
            ),
            models.CheckConstraint(
                condition=models.Q(url__startswith="http://")
                | models.Q(url__startswith="https://"),
                name="reference_url_http",
                violation_error_message="References must be http or https addresses.",
            ),
        ]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        # Pasted as links or with a "doi:" prefix; stored bare, as the snapshot prints them.
        self.doi, self.pmid = normal_doi(self.doi), normal_pmid(self.pmid)
        super().save(*args, **kwargs)
