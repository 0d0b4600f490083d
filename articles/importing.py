"""Bringing a publisher's existing articles in from JSON Lines, one article per line.

The file is read three times, one line at a time, so memory does not grow with it:
1. collect the slugs it contains (related topics and links may point further down the file);
2. check each line and create its article, with its sections, tags, references and hero image,
   in one transaction per article: a bad line is reported with its number and reason, and
   nothing of that article is written;
3. attach related topics, then, with `publish`, take each new article through the real workflow:
   submitted by its author, approved by its reviewer, published with its own dates.

Articles whose slug already exists are left alone, so importing the same file again changes
nothing.
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import URLValidator, validate_slug
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from articles import editing, list_limits, publishing, workflow
from articles.markdown_limits import check_article
from articles.models import Article, Reference, RelatedTopic, Review, Section
from articles.models.content import SUMMARY_MAX_LENGTH, validate_not_in_future
from config.plain_text import validate_plain_text
from images.models import Image
from images.tasks import generate_renditions
from reviewers.models import Reviewer
from tags.models import Tag

IMPORTER_USERNAME = "importer"
REQUIRED = ("title", "slug", "summary", "author", "reviewer", "sections")
# The lists of a line, with their limits and the type of their items (sections are checked
# item by item below, with their position).
LISTS = {
    "sections": (list_limits.SECTIONS, None),
    "references": (list_limits.REFERENCES, dict),
    "related": (list_limits.RELATED_TOPICS, str),
    "tags": (list_limits.TAGS, str),
}


class BadLine(Exception):
    """A line that cannot be imported; the message says why."""


@dataclass
class ImportReport:
    created: int = 0
    unchanged: int = 0
    published: int = 0
    errors: list[str] = field(default_factory=list)


def read_lines(path):
    """(line number, parsed object or the BadLine it raised) for each non-empty line."""
    with open(path, encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                yield number, BadLine(f"not valid JSON ({error.msg})")
                continue
            if not isinstance(data, dict):
                yield number, BadLine("each line must be a JSON object")
                continue
            yield number, data


def import_file(path, *, publish=False, dry_run=False, progress=None):
    """Import the JSON Lines file at `path`; return an ImportReport.

    `progress(phase)`, if given, returns a counter with `update()` and `close()` (a tqdm bar,
    say) for each phase.
    """
    path = Path(path)
    progress = progress or _NoProgress
    report = ImportReport()
    known = set(Article.objects.values_list("slug", flat=True))
    in_file = {data["slug"] for _, data in read_lines(path) if _has_slug(data)}
    created = []
    bar = progress("Checking and creating")
    for number, data in read_lines(path):
        bar.update()
        try:
            if isinstance(data, BadLine):
                raise data
            check_line(data, base=path.parent, slugs=known | in_file)
            if data["slug"] in known:
                report.unchanged += 1
                continue
            if not dry_run:
                create_article(data, base=path.parent)
                created.append(number)
            known.add(data["slug"])
            report.created += 1
        except BadLine as error:
            report.errors.append(f"line {number}: {error}")
    bar.close()
    if dry_run or not created:
        return report
    wanted = set(created)
    for number, data in read_lines(path):
        if number in wanted:
            attach_related(data)
    if publish:
        bar = progress("Publishing")
        published_slugs = []
        for number, data in read_lines(path):
            if number in wanted:
                publish_imported(data)
                published_slugs.append(data["slug"])
                report.published += 1
                bar.update()
        bar.close()
        # Articles published early in the file could not yet link to later ones: render every
        # live article that links to an imported one again, once.
        publishing.rerender_linking_to(published_slugs)
    return report


class _NoProgress:
    def __init__(self, phase):
        pass

    def update(self):
        pass

    def close(self):
        pass


def _has_slug(data):
    return isinstance(data, dict) and isinstance(data.get("slug"), str)


def check_line(data, *, base, slugs):
    """Raise BadLine with the first problem of a line, if it has one."""
    missing = [name for name in REQUIRED if not data.get(name)]
    if missing:
        raise BadLine(f"missing {', '.join(missing)}")
    _check_lists(data)
    _check(validate_slug, data["slug"], "slug")
    if len(data["summary"]) > SUMMARY_MAX_LENGTH:
        raise BadLine(f"summary is longer than {SUMMARY_MAX_LENGTH} characters")
    reviewer = data["reviewer"]
    if not isinstance(reviewer, dict) or not reviewer.get("name") or not reviewer.get("slug"):
        raise BadLine("reviewer needs a name and a slug")
    _check(validate_slug, reviewer["slug"], "reviewer slug")
    for index, section in enumerate(data["sections"], start=1):
        if not isinstance(section, dict) or not section.get("heading") or not section.get("body"):
            raise BadLine(f"section {index} needs a heading and a body")
    intro = data.get("intro") or ""
    if not isinstance(intro, str) or not all(
        isinstance(section["heading"], str) and isinstance(section["body"], str)
        for section in data["sections"]
    ):
        raise BadLine("the intro, section headings and bodies must be text")
    sections = [(section["heading"], section["body"]) for section in data["sections"]]
    limits_broken = check_article(intro, sections).messages()
    if limits_broken:
        raise BadLine(limits_broken[0])
    for name in ("published_at", "updated_at", "first_published_at"):
        if data.get(name) and (
            not isinstance(data[name], str) or parse_datetime(data[name]) is None
        ):
            raise BadLine(f"{name} is not an ISO 8601 date and time")
    try:
        validate_not_in_future(_datetime(data.get("first_published_at")))
    except ValidationError as error:
        raise BadLine(f"first_published_at: {' '.join(error.messages)}") from error
    unknown = [slug for slug in data.get("related", []) if slug not in slugs]
    if unknown:
        raise BadLine(f"related articles not found: {', '.join(unknown)}")
    if data["slug"] in data.get("related", []):
        raise BadLine("an article cannot be a related topic of itself")
    if len(set(data.get("related", []))) != len(data.get("related", [])):
        raise BadLine("related lists an article twice")
    for reference in data.get("references", []):
        _check(URLValidator(schemes=["http", "https"]), reference.get("url", ""), "reference URL")
    for name, value, max_length in _limited_texts(data):
        if not isinstance(value, str):
            raise BadLine(f"{name} must be text")
        if len(value) > max_length:
            raise BadLine(
                f"{name} is {len(value):,} characters long; at most {max_length:,} are allowed"
            )
    for name, value in _plain_texts(data):
        _check(validate_plain_text, value, name)
    hero = data.get("hero_image")
    if hero:
        if not hero.get("alt"):
            raise BadLine("hero_image needs alt text")
        if not (base / hero.get("file", "")).is_file():
            raise BadLine(f"hero_image file not found: {hero.get('file')}")


def _check_lists(data):
    """Each list's length against its limit, before any of its items is looked at."""
    for name, (limit, item_type) in LISTS.items():
        items = data.get(name, [])
        if not isinstance(items, list):
            raise BadLine(f"{name} must be a list")
        if sentence := limit.refusal(items):
            raise BadLine(sentence)
        if item_type and not all(isinstance(item, item_type) for item in items):
            kind = "objects" if item_type is dict else "strings"
            raise BadLine(f"{name} must be a list of {kind}")


def _limited_texts(data):
    """(name, value, most characters its column holds) of each text a line stores."""

    def most(model, field_name):
        return model._meta.get_field(field_name).max_length

    yield "title", data["title"], most(Article, "title")
    yield "slug", data["slug"], most(Article, "slug")
    yield "byline", data.get("byline") or "", most(Article, "byline")
    for name in ("name", "slug", "credentials", "specialty"):
        yield f"reviewer {name}", data["reviewer"].get(name) or "", most(Reviewer, name)
    for index, section in enumerate(data["sections"], start=1):
        yield f"section {index} heading", section["heading"], most(Section, "heading")
    for index, name in enumerate(data.get("tags", []), start=1):
        yield f"tag {index}", name, most(Tag, "name")
    for index, reference in enumerate(data.get("references", []), start=1):
        # A reference without a label is stored with its URL as the label.
        label = reference.get("label") or reference.get("url") or ""
        yield f"reference {index} label", label, most(Reference, "label")
        yield f"reference {index} URL", reference.get("url") or "", most(Reference, "url")
        publisher = reference.get("publisher") or ""
        yield f"reference {index} publisher", publisher, most(Reference, "publisher")
    hero = data.get("hero_image") or {}
    yield "hero_image alt", hero.get("alt") or "", most(Image, "alt")
    yield "hero_image credit", hero.get("credit") or "", most(Image, "credit")


def _plain_texts(data):
    """(name, value) of every plain-text field of a line, for the markup check."""
    yield from ((name, data.get(name) or "") for name in ("title", "summary", "author", "byline"))
    for name in ("name", "credentials", "specialty"):
        yield f"reviewer {name}", data["reviewer"].get(name) or ""
    yield from ((f"tag {index}", tag) for index, tag in enumerate(data.get("tags", []), 1))
    for index, section in enumerate(data["sections"], start=1):
        yield f"section {index} heading", section["heading"]
    for index, reference in enumerate(data.get("references", []), start=1):
        for name in ("label", "publisher"):
            yield f"reference {index} {name}", reference.get(name) or ""
    for name in ("alt", "credit"):
        yield f"hero_image {name}", (data.get("hero_image") or {}).get(name) or ""


def _check(validator, value, name):
    try:
        validator(value)
    except ValidationError as error:
        raise BadLine(f"{name} {value!r}: {' '.join(error.messages)}") from error


@transaction.atomic
def create_article(data, *, base):
    author = _writer(data["author"])
    content = editing.WorkingCopy(
        fields={
            "title": data["title"],
            "slug": data["slug"],
            "summary": data["summary"],
            "intro": data.get("intro", ""),
            "hero_image": _hero_image(data.get("hero_image"), base, author),
            "byline": data.get("byline") or "",
            "first_published_at": _datetime(data.get("first_published_at")),
        },
        tags=_tags(data.get("tags", [])),
        sections=[
            {"heading": section["heading"], "body": section["body"]} for section in data["sections"]
        ],
        references=[
            {
                "label": reference.get("label") or reference["url"],
                "url": reference["url"],
                "publisher": reference.get("publisher", ""),
            }
            for reference in data.get("references", [])
        ],
    )
    _reviewer(data["reviewer"])
    try:
        return editing.create_article(by=author, content=content)
    except ValidationError as error:
        raise BadLine(" ".join(error.messages)) from error


def attach_related(data):
    slugs = data.get("related", [])
    if not slugs:
        return
    targets = Article.objects.in_bulk(slugs, field_name="slug")
    article = Article.objects.get(slug=data["slug"])
    RelatedTopic.objects.bulk_create(
        RelatedTopic(from_article=article, to_article=targets[slug], position=position)
        for position, slug in enumerate(slugs, start=1)
    )


@transaction.atomic
def publish_imported(data):
    """Submit, approve and publish one imported article through the workflow."""
    article = Article.objects.get(slug=data["slug"])
    reviewer = Reviewer.objects.get(slug=data["reviewer"]["slug"])
    article = workflow.submit(article=article, by=article.author, reviewers=[reviewer])
    review = Review.objects.get(revision=article.current_revision)
    workflow.approve(review=review, by=reviewer.user, comment="Approved on import.")
    published_at = _datetime(data.get("published_at"))
    updated_at = _datetime(data.get("updated_at")) or published_at
    workflow.publish(
        article=article,
        by=_importer(),
        dates=(published_at, updated_at),
        rerender_dependents=False,
    )


def _datetime(value):
    if not value:
        return None
    moment = parse_datetime(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def _staff_user(username, display_name, group_name):
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


def _writer(display_name):
    return _staff_user(f"writer-{slugify(display_name)}", display_name, "Writers")


def _importer():
    return _staff_user(IMPORTER_USERNAME, "Article importer", "Editors")


def _reviewer(data):
    reviewer = Reviewer.objects.filter(slug=data["slug"]).first()
    if reviewer is None:
        reviewer = Reviewer.objects.create(
            slug=data["slug"],
            name=data["name"],
            credentials=data.get("credentials", ""),
            specialty=data.get("specialty", ""),
            user=_staff_user(f"reviewer-{data['slug']}", data["name"], "Reviewers"),
        )
    return reviewer


def _tags(names):
    tags = []
    for name in names:
        slug = slugify(name)
        tag = Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name__iexact=name).first()
        tags.append(tag or Tag.objects.create(name=name, slug=slug))
    return tags


def _hero_image(hero, base, author):
    if not hero:
        return None
    path = base / hero["file"]
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    try:
        image = Image.from_upload(
            upload, alt=hero["alt"], credit=hero.get("credit", ""), uploaded_by=author
        )
    except ValidationError as error:
        raise BadLine(f"hero_image {hero['file']}: {' '.join(error.messages)}") from error
    image.save()
    transaction.on_commit(lambda: generate_renditions.enqueue(image.pk))
    return image
