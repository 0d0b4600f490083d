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
import itertools
import json
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import URLValidator, validate_slug
from django.db.models import Max
from django.utils.text import slugify

from articles import import_batches, import_pool, list_limits, publishing, workflow
from articles.chunks import chunks
from articles.import_batches import parse_moment
from articles.markdown_limits import check_article
from articles.models import Article, ArticleSlugAlias, PublishedArticle, Reference, Section
from articles.models.content import SUMMARY_MAX_LENGTH, validate_not_in_future
from articles.rendering import count_words, links_in
from config.plain_text import validate_plain_text
from images import bulk, processing
from images.models import Image
from images.tasks import generate_renditions
from reviewers.models import Reviewer
from tags.models import Tag

# Lines per batch: each batch is one transaction, short enough for other writers to get in
# between on SQLite, long enough for bulk inserts to pay.
BATCH_SIZE = 200
REQUIRED = ("title", "slug", "summary", "author", "reviewer", "sections")
# The fields of a line that are text when present.
TEXTS = ("title", "slug", "summary", "author", "intro", "byline", "published_at", "updated_at",
         "first_published_at")  # fmt: skip
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
    resumed: int = 0  # drafts an earlier run created and did not publish, published now
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    images: list[int] = field(default_factory=list)  # ids of the hero images created
    seconds: float = 0.0  # from the first line read to the last article written (or live)
    rendition_seconds: float = 0.0  # making the renditions here, and rendering again
    renditions_made: bool = False  # here, or else queued for the task workers

    @property
    def done(self):
        """Articles this run took as far as it was asked: published, or else created."""
        return self.published or self.created

    @property
    def per_second(self):
        return self.done / self.seconds if self.seconds else 0.0


def read_lines(path):
    """(line number, parsed object or the BadLine it raised) for each non-empty line."""
    with open(path, "rb") as stream:
        for number, raw in enumerate(stream, start=1):
            if raw.strip():
                yield number, _parse_line(raw)


def _parse_line(raw):
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return BadLine("not UTF-8 text")
    except json.JSONDecodeError as error:
        return BadLine(f"not valid JSON ({error.msg})")
    except ValueError as error:  # an integer of more than 4,300 digits, say
        return BadLine(f"not a line this import can read ({error})")
    except RecursionError:
        return BadLine("nested too deeply")
    if not isinstance(data, dict):
        return BadLine("each line must be a JSON object")
    for text in _strings_in(data):
        if "\x00" in text:
            return BadLine("contains a NUL character, which no text may hold")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return BadLine("contains half of a surrogate pair (\\ud800-\\udfff), which is not text")
    return data


def _strings_in(data):
    """Every string of a parsed line, keys too, walked without recursion."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def import_file(
    path, *, publish=False, dry_run=False, progress=None, jobs=1, wait_renditions=True
):  # fmt: skip
    """Import the JSON Lines file at `path`; return an ImportReport.

    `progress(phase, total=, unit=)`, if given, returns a counter with `update(n)` and
    `close()` (a tqdm bar, say) for each phase. With `jobs` over 1, lines are checked, hero
    images cleaned and documents rendered in that many processes (import_pool). The hero
    images' renditions are made last, by `jobs` threads here if `wait_renditions`, else by
    the task workers.
    """
    path = Path(path)
    progress = progress or _NoProgress
    report = ImportReport()
    started = time.perf_counter()
    known = set(Article.objects.values_list("slug", flat=True))
    in_file, lines = set(), 0
    for _, data in read_lines(path):
        lines += 1
        if _has_slug(data):
            in_file.add(data["slug"])
    # Drafts an earlier run created and did not get to publish (it was stopped, or failed):
    # with `publish`, this run finishes them instead of counting them unchanged.
    stranded = import_batches.stranded_drafts(in_file) if publish and not dry_run else set()
    context = import_pool.Context(
        base=path.parent,
        slugs=known | in_file,
        known=known - stranded,
        # Links to the file's own articles work once they are published with it; drafts
        # have no readers yet, so without `publish` there is nothing to warn about.
        linkable=(in_file | _live_slugs()) if publish else None,
    )
    with import_pool.start(jobs, context) as pool:
        bar = progress("Checking and creating", total=lines)
        created = _check_and_create(path, pool, report, known, stranded, dry_run, bar)
        if dry_run or not created:
            return report
        for batch in chunks(created, BATCH_SIZE):
            left_out = import_batches.attach_related(batch)
            report.warnings += [
                f"line {item.line}: related article {slug} was refused: left out"
                for item, slug in left_out
            ]
        if publish:
            report.published = _publish(created, pool, report, progress)
    report.seconds = time.perf_counter() - started
    report.images = [item.image_id for item in created if item.image_id]
    _make_renditions(report.images, wait=wait_renditions, threads=jobs, progress=progress)
    report.renditions_made = wait_renditions
    report.rendition_seconds = time.perf_counter() - started - report.seconds
    return report


def _make_renditions(image_ids, *, wait, threads, progress):
    """The renditions of new images: made here, then the live documents showing them
    rendered again once; or left to the task workers, one task per image."""
    if not image_ids:
        return
    if not wait:
        for image_id in image_ids:
            generate_renditions.enqueue(image_id)
        return
    bar = progress("Making renditions", total=len(image_ids), unit=" images")
    bulk.make_renditions(image_ids, threads=threads, progress=bar)
    bar.close()
    for ids in chunks(image_ids, BATCH_SIZE):
        publishing.rerender(PublishedArticle.objects.filter(revision__hero_image__in=ids))


def _check_and_create(path, pool, report, known, stranded, dry_run, bar):
    """Check every line (in the pool) and create the drafts of good new ones, a batch at a
    time; the next batch is checked while this one is written. Lines of `stranded` drafts
    are taken up as they are."""
    people = import_batches.People()
    created, first_line = [], {}
    checking = None
    for batch in itertools.chain(chunks(read_lines(path), BATCH_SIZE), [None]):
        next_checking = pool.check(batch) if batch is not None else None
        if checking is not None:
            lines, resumed = [], []
            for number, data, prepared, error in checking.result():
                bar.update()
                if error is None and data["slug"] in first_line:
                    error = f"the slug {data['slug']} is on line {first_line[data['slug']]} too"
                if error is not None:
                    report.errors.append(f"line {number}: {error}")
                    continue
                first_line[data["slug"]] = number
                if data["slug"] in stranded:
                    resumed.append((number, data, prepared))
                elif data["slug"] in known:
                    report.unchanged += 1
                else:
                    known.add(data["slug"])
                    lines.append((number, data, prepared))
                    report.warnings += [f"line {number}: {w}" for w in prepared.warnings]
            report.created += len(lines)
            if lines and not dry_run:
                created += _create(lines, people, report)
            taken, changed = import_batches.take_up_drafts(resumed, people)
            created += taken
            report.resumed += len(taken)
            report.errors += [
                f"line {number}: an earlier import created this article and did not publish "
                "it, and the line has changed since: delete the draft to import the line anew"
                for number in changed
            ]
        checking = next_checking
    bar.close()
    return created


def _create(lines, people, report):
    try:
        return import_batches.create_drafts(lines, people)
    except ValidationError as error:
        report.created -= len(lines)
        first, last = lines[0][0], lines[-1][0]
        report.errors.append(f"lines {first} to {last}: {' '.join(error.messages)}")
        return []


def _publish(created, pool, report, progress):
    """Publish the created articles a batch at a time, each document rendered once with every
    article of the import known as live; then render again what links to them from before."""
    people = import_batches.People()
    people.reviewers = {
        reviewer.slug: reviewer
        for reviewer in Reviewer.objects.select_related("user").filter(
            slug__in={item.reviewer_slug for item in created}
        )
    }
    going_live = {item.target["slug"]: item.target for item in created}
    live_before = PublishedArticle.objects.aggregate(last=Max("pk"))["last"] or 0
    published, refused = [], []
    bar = progress("Publishing", total=len(created))
    for batch in chunks(created, BATCH_SIZE):
        try:
            import_batches.publish(batch, people, going_live=going_live, render_all=pool.render)
            published += batch
        except workflow.WorkflowError:
            # One refused article must not hold up its batch: publish those one at a time.
            for item in batch:
                try:
                    import_batches.publish(
                        [item], people, going_live=going_live, render_all=pool.render
                    )
                    published.append(item)
                except workflow.WorkflowError as error:
                    refused.append(item)
                    report.errors.append(f"line {item.line}: created, not published: {error}")
        bar.update(len(batch))
    bar.close()
    # Articles already live that link to the new ones render again, and, if any was refused,
    # those that linked to it expecting it live.
    publishing.rerender_linking_to(
        [item.target["slug"] for item in published], live_up_to=live_before
    )
    if refused:
        publishing.rerender_linking_to([item.target["slug"] for item in refused])
    return len(published)


class _NoProgress:
    def __init__(self, phase, *, total=None, unit=None):
        pass

    def update(self, count=1):
        pass

    def close(self):
        pass


def _has_slug(data):
    return isinstance(data, dict) and isinstance(data.get("slug"), str)


def check_line(data, *, base, slugs):
    """Raise BadLine with the first problem of a line, if it has one; else return the Markdown
    tokens of its intro and sections, parsed for the check (markdown_limits)."""
    missing = [name for name in REQUIRED if not data.get(name)]
    if missing:
        raise BadLine(f"missing {', '.join(missing)}")
    for name in TEXTS:
        if data.get(name) is not None and not isinstance(data[name], str):
            raise BadLine(f"{name} must be text")
    hero = data.get("hero_image")
    if hero and (not isinstance(hero, dict) or not isinstance(hero.get("file"), str)):
        raise BadLine("hero_image must be an object with a file name")
    _check_lists(data)
    for index, name in enumerate(data.get("tags", []), start=1):
        if not slugify(name, allow_unicode=True):
            raise BadLine(f"tag {index} has no letters or digits")
    _check(validate_slug, data["slug"], "slug")
    if len(data["summary"]) > SUMMARY_MAX_LENGTH:
        raise BadLine(f"summary is longer than {SUMMARY_MAX_LENGTH} characters")
    reviewer = data["reviewer"]
    if not isinstance(reviewer, dict) or not reviewer.get("name") or not reviewer.get("slug"):
        raise BadLine("reviewer needs a name and a slug")
    _check(validate_slug, reviewer["slug"], "reviewer slug")
    if isinstance(reviewer["name"], str) and _same_name(reviewer["name"], data["author"]):
        raise BadLine("the author cannot be the reviewer of their own article")
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
    markdown = check_article(intro, sections)
    if markdown:
        raise BadLine(markdown.messages()[0])
    for name in ("published_at", "updated_at", "first_published_at"):
        if data.get(name):
            _check_moment(data[name], name)
    try:
        validate_not_in_future(parse_moment(data.get("first_published_at")))
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
    _check_hero_image(data.get("hero_image"), base)
    return markdown.tokens


def _same_name(one, other):
    """Whether two names are the same person's as written: case, accents' forms and spacing
    aside."""

    def plain(name):
        return " ".join(unicodedata.normalize("NFKC", name).casefold().split())

    return plain(one) == plain(other)


def _check_moment(value, name):
    try:
        moment = parse_moment(value)
    except ValueError:  # well formed, but no such day or time (February 30th)
        moment = None
    if moment is None:
        raise BadLine(f"{name} is not an ISO 8601 date and time")
    try:
        moment.astimezone(datetime.UTC)
    except OverflowError as error:
        raise BadLine(f"{name} is out of range once in UTC") from error


def _check_hero_image(hero, base):
    """A hero image names a file inside the JSONL file's folder (nothing else on the machine
    is read), within the upload size limit."""
    if not hero:
        return
    if not hero.get("alt"):
        raise BadLine("hero_image needs alt text")
    path = (base / hero["file"]).resolve()
    if not path.is_relative_to(base.resolve()):
        raise BadLine("hero_image file must be inside the folder of the .jsonl file")
    if not path.is_file():
        raise BadLine(f"hero_image file not found: {hero['file']}")
    if path.stat().st_size > settings.MAX_UPLOAD_MB * 1024 * 1024:
        raise BadLine(
            f"hero_image {hero['file']} is {path.stat().st_size / 1024 / 1024:.1f} MB; the "
            f"limit is {settings.MAX_UPLOAD_MB} MB"
        )


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
    yield "byline", _text(data, "byline"), most(Article, "byline")
    for name in ("name", "slug", "credentials", "specialty"):
        yield f"reviewer {name}", _text(data["reviewer"], name), most(Reviewer, name)
    for index, section in enumerate(data["sections"], start=1):
        yield f"section {index} heading", section["heading"], most(Section, "heading")
    for index, name in enumerate(data.get("tags", []), start=1):
        yield f"tag {index}", name, most(Tag, "name")
    for index, reference in enumerate(data.get("references", []), start=1):
        # A reference without a label is stored with its URL as the label.
        label = reference.get("label") or _text(reference, "url")
        yield f"reference {index} label", label, most(Reference, "label")
        yield f"reference {index} URL", _text(reference, "url"), most(Reference, "url")
        publisher = _text(reference, "publisher")
        yield f"reference {index} publisher", publisher, most(Reference, "publisher")
    hero = data.get("hero_image") or {}
    yield "hero_image alt", _text(hero, "alt"), most(Image, "alt")
    yield "hero_image credit", _text(hero, "credit"), most(Image, "credit")


def _text(container, key):
    """A line's value at `key` as stored: absent or null is empty; anything else as it is (the
    caller refuses what is not text)."""
    value = container.get(key)
    return "" if value is None else value


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


@dataclass(frozen=True)
class Prepared:
    """What a new article's line needs computed before it is written: its hero image cleaned,
    its sections' word counts, and what to warn about."""

    hero_image: object  # processing.CleanImage or None
    word_counts: list
    links: set  # the slugs its `article:` links name
    warnings: list  # sentences about what the line keeps but readers will not get


def prepare_line(number, data, context):
    """(number, data, Prepared or None, error or None) for one line: its checks, and, if its
    article is new, the CPU-bound work of writing it. Runs in the pool."""
    try:
        if isinstance(data, BadLine):
            raise data
        tokens = check_line(data, base=context.base, slugs=context.slugs)
        if data["slug"] in context.known:
            return number, data, None, None  # left unchanged: nothing more to prepare
        hero = data.get("hero_image")
        prepared = Prepared(
            hero_image=clean_hero_image(hero, context.base) if hero else None,
            word_counts=[
                count_words(section["body"], parsed)
                for section, parsed in zip(data["sections"], tokens[1:], strict=True)
            ],
            links=(links := {link.slug for parsed in tokens for link in links_in(parsed)}),
            warnings=_dropped_links(links, context.linkable),
        )
        return number, data, prepared, None
    except BadLine as error:
        return number, data, None, str(error)


def _dropped_links(links, linkable):
    """A sentence naming the `article:` links of a line (`links`, their slugs) that lead
    nowhere live, if any: the line is imported (the admin shows the writer the same warning),
    but readers get the link's text without the link."""
    if linkable is None:
        return []
    nowhere = sorted(links - linkable)
    if not nowhere:
        return []
    names = ", ".join(f"article:{slug}" for slug in nowhere)
    return [f"links to {names}, not in the file nor live: readers get the text without the link"]


def _live_slugs():
    """Every slug a live article answers to: its own and its old ones."""
    live = PublishedArticle.objects.values_list("slug", flat=True)
    old = ArticleSlugAlias.objects.filter(article__published__isnull=False)
    return {*live, *old.values_list("slug", flat=True)}


def clean_hero_image(hero, base):
    """The processing.CleanImage of a line's hero image; BadLine if it is unsafe."""
    path = base / hero["file"]
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    try:
        clean = processing.clean_upload(upload)
    except ValidationError as error:
        raise BadLine(f"hero_image {hero['file']}: {' '.join(error.messages)}") from error
    return clean
