"""Writing checked import lines to the database in batches: drafts with their parts, then
related topics, then publishing through `workflow.publish_many`.

Each batch is one short transaction of bulk inserts (on SQLite, a long one would keep the web
server's and the task workers' writes waiting past their timeout). People, tags and reviewer
profiles are looked up once per import and kept; everything else is one query per batch.
"""

import datetime
import hashlib
import sys
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, F
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from articles import workflow
from articles.editing import section_rows
from articles.identifiers import normal_doi, normal_pmid
from articles.models import (
    Article,
    ArticleEdit,
    ArticleState,
    Reference,
    RelatedTopic,
    Section,
    content_hash,
)
from articles.models.content import TaggedArticle, snapshots
from images.models import Image
from reviewers.models import Reviewer
from tags.models import Tag

IMPORTER_USERNAME = "importer"


@dataclass
class Created:
    """What the later phases need of an article a batch created."""

    line: int
    article_id: int
    image_id: int | None
    reviewer_slug: str
    dates: tuple
    links: frozenset
    related: tuple
    slug: str


@dataclass
class People:
    """Writers, reviewers and tags met so far in an import, each created the first time."""

    writers: dict = field(default_factory=dict)
    reviewers: dict = field(default_factory=dict)
    tags: dict = field(default_factory=dict)

    def writer(self, display_name):
        if display_name not in self.writers:
            self.writers[display_name] = staff_user(
                writer_username(display_name), display_name, "Writers"
            )
        return self.writers[display_name]

    def reviewer(self, data):
        slug = data["slug"]
        if slug not in self.reviewers:
            reviewer = Reviewer.objects.select_related("user").filter(slug=slug).first()
            self.reviewers[slug] = reviewer or Reviewer.objects.create(
                slug=slug,
                name=data["name"],
                credentials=(data.get("credentials") or ""),
                specialty=(data.get("specialty") or ""),
                user=staff_user(f"reviewer-{slug}", data["name"], "Reviewers"),
            )
        return self.reviewers[slug]

    def tag(self, name):
        if name not in self.tags:
            slug = slugify(name)
            tag = (
                Tag.objects.filter(slug=slug).first()
                or Tag.objects.filter(name__iexact=name).first()
            )
            self.tags[name] = tag or Tag.objects.create(name=name, slug=slug)
        return self.tags[name]


@transaction.atomic
def create_drafts(numbered_lines, people):
    """Create the drafts of checked lines ((number, data, import_lines.Prepared)), with their
    sections, tags, references and hero images, as `editing.create_article` would one at a
    time; return a Created for each."""
    numbers = [number for number, _, _ in numbered_lines]
    lines = [(data, prepared) for _, data, prepared in numbered_lines]
    authors = [people.writer(data["author"]) for data, _ in lines]
    for data, _ in lines:
        people.reviewer(data["reviewer"])
    images = [
        _image(data["hero_image"], prepared.hero_image, author) if prepared.hero_image else None
        for (data, prepared), author in zip(lines, authors, strict=True)
    ]
    Image.objects.bulk_create(image for image in images if image)
    articles = Article.objects.bulk_create(
        Article(
            author=author,
            title=data["title"],
            slug=data["slug"],
            summary=data["summary"],
            intro=(data.get("intro") or ""),
            hero_image=image,
            byline=data.get("byline") or "",
            first_published_at=parse_moment(data.get("first_published_at")),
        )
        for (data, _), author, image in zip(lines, authors, images, strict=True)
    )
    sections = [
        section_rows(article, data["sections"], prepared.word_counts)
        for article, (data, prepared) in zip(articles, lines, strict=True)
    ]
    Section.objects.bulk_create(row for rows in sections for row in rows)
    _write_tags_and_references(articles, [data for data, _ in lines], people)
    # The first save is recorded like every other, as `workflow.record_edit` does.
    snapshot_of = snapshots(articles)
    ArticleEdit.objects.bulk_create(
        ArticleEdit(article=article, by=article.author, content_hash=content_hash(snapshot_of[pk]))
        for article in articles
        if (pk := article.pk)
    )
    return [
        _created(number, article, data, prepared)
        for number, article, (data, prepared) in zip(numbers, articles, lines, strict=True)
    ]


def _write_tags_and_references(articles, lines, people):
    TaggedArticle.objects.bulk_create(
        TaggedArticle(content_object=article, tag=tag)
        for article, data in zip(articles, lines, strict=True)
        # Two names may be one tag ("Knee" and "knee"): each tag once, as tags.set() would.
        for tag in {people.tag(name).pk: people.tag(name) for name in data.get("tags", [])}.values()
    )
    Reference.objects.bulk_create(
        Reference(
            article=article,
            position=position,
            label=reference.get("label") or reference["url"],
            url=reference["url"],
            publisher=(reference.get("publisher") or ""),
            doi=normal_doi(reference.get("doi")),
            pmid=normal_pmid(reference.get("pmid")),
        )
        for article, data in zip(articles, lines, strict=True)
        for position, reference in enumerate(data.get("references", []), start=1)
    )


def _image(hero, clean, author):
    """An unsaved Image of a cleaned picture (images.processing.CleanImage), its file stored."""
    image = Image(alt=hero["alt"], credit=(hero.get("credit") or ""), uploaded_by=author)
    image.format, image.placeholder = clean.format, clean.placeholder
    image.file.save(f"upload.{clean.extension}", ContentFile(clean.content), save=False)
    image.width, image.height = clean.width, clean.height  # after the file: it resets them
    return image


def _created(number, article, data, prepared):
    published_at = parse_moment(data.get("published_at"))
    # Slugs interned: held once however many articles name them, so that what an import keeps
    # of each article until it is published stays small next to the file.
    return Created(
        line=number,
        article_id=article.pk,
        image_id=article.hero_image_id,
        reviewer_slug=sys.intern(data["reviewer"]["slug"]),
        dates=(published_at, parse_moment(data.get("updated_at")) or published_at),
        related=tuple(sys.intern(slug) for slug in data.get("related", [])),
        links=frozenset(sys.intern(slug) for slug in prepared.links),
        slug=sys.intern(article.slug),
    )


def stranded_drafts(slugs):
    """The slugs, among `slugs`, of drafts an import created and did not publish (it was
    stopped, or a check refused them), untouched since: never submitted, saved once, by a
    writer account an import made (one that cannot sign in, so the draft is not someone's
    work in the admin), with a hero image nobody reworded."""
    drafts = (
        Article.objects.filter(
            slug__in=slugs, state=ArticleState.DRAFT, current_revision__isnull=True,
            author__username__startswith="writer-",
            author__password__startswith=UNUSABLE_PASSWORD_PREFIX,
        )
        .annotate(
            saves=Count("edits", distinct=True),
            image_edits=Count("hero_image__edited_by", distinct=True),
        )
        .filter(saves=1, image_edits=0, edits__by=F("author"))
    )  # fmt: skip
    return set(drafts.values_list("slug", flat=True))


def take_up_drafts(numbered_lines, people):
    """(a Created for each stranded draft of `numbered_lines` ((number, data, Prepared)) that
    still says what its line says, so that it goes on as if this run had created it; the
    numbers of the lines that changed since)."""
    if not numbered_lines:
        return [], []
    articles = Article.objects.select_related("hero_image").in_bulk(
        [data["slug"] for _, data, _ in numbered_lines], field_name="slug"
    )
    snapshot_of = snapshots(list(articles.values()))
    taken, changed = [], []
    for number, data, prepared in numbered_lines:
        article = articles[data["slug"]]
        if _says(snapshot_of[article.pk], article) != _says_line(data, people):
            changed.append(number)
            continue
        people.reviewer(data["reviewer"])
        taken.append(_created(number, article, data, prepared))
    return taken, changed


def _says(snapshot, article):
    """What a draft says, as comparable with a line (`_says_line`)."""
    image = snapshot["hero_image"] or {}
    return (
        snapshot["title"], snapshot["summary"], snapshot["intro"], snapshot.get("byline", ""),
        article.author.get_full_name() or article.author.get_username(),
        [(section["heading"], section["body"]) for section in snapshot["sections"]],
        snapshot["tags"],
        [(r["label"], r["url"], r["publisher"]) for r in snapshot["references"]],
        (image.get("alt"), image.get("credit")),
    )  # fmt: skip


def _says_line(data, people):
    hero = data.get("hero_image") or {}
    return (
        data["title"], data["summary"], data.get("intro") or "", data.get("byline") or "",
        people.writer(data["author"]).get_full_name(),
        [(section["heading"], section["body"]) for section in data["sections"]],
        sorted({people.tag(name).slug for name in data.get("tags", [])}),
        [(r.get("label") or r["url"], r["url"], r.get("publisher") or "")
         for r in data.get("references", [])],
        (hero.get("alt"), hero.get("credit") or "") if hero else (None, None),
    )  # fmt: skip


@transaction.atomic
def attach_related(created):
    """The related topics of a batch of created articles, in their order; return the
    (Created, slug) of those left out because no article has the slug (its line was refused)."""
    slugs = {slug for item in created for slug in item.related}
    ids = dict(Article.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    # A draft taken up from an earlier run may have its related topics already.
    done = set(
        RelatedTopic.objects.filter(
            from_article_id__in=[item.article_id for item in created]
        ).values_list("from_article_id", flat=True)
    )
    RelatedTopic.objects.bulk_create(
        RelatedTopic(from_article_id=item.article_id, to_article_id=ids[slug], position=position)
        for item in created
        if item.article_id not in done
        for position, slug in enumerate([s for s in item.related if s in ids], start=1)
    )
    return [(item, slug) for item in created for slug in item.related if slug not in ids]


def publish(created, people, *, going_live, render_all):
    """Submit, approve and publish a batch of created articles through the workflow."""
    drafts = [
        workflow.NewArticle(
            article=Article(pk=item.article_id),
            reviewer=people.reviewers[item.reviewer_slug],
            dates=item.dates,
            links=item.links,
        )
        for item in created
    ]
    return workflow.publish_many(
        drafts,
        by=staff_user(IMPORTER_USERNAME, "Article importer", "Editors"),
        approval_comment="Approved on import.",
        going_live=going_live,
        render_all=render_all,
    )


def writer_username(display_name):
    """The account of a writer the file names: "writer-" and the name's letters, any script's
    (one name in Chinese must not become another's); a name without letters or digits (an
    emoji) by a digest of it."""
    letters = slugify(display_name, allow_unicode=True)
    return f"writer-{letters or hashlib.sha256(display_name.encode()).hexdigest()[:12]}"


def parse_moment(value):
    """An import line's date and time, in UTC when it names no time zone; None if empty or
    not a date and time (ValueError if well formed but impossible: February 30th)."""
    moment = parse_datetime(value) if value else None
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def staff_user(username, display_name, group_name):
    User = get_user_model()
    first, _, last = display_name.partition(" ")
    user, created = User.objects.get_or_create(
        username=username[:150],
        defaults={"first_name": first[:150], "last_name": last[:150], "is_staff": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=group_name))
    return user
