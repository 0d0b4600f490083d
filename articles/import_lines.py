"""The lines of an import file: each read and parsed, checked, and, for a new article, made
ready to write (its hero image cleaned, its sections' words counted, its links found).

This is the CPU-bound part of an import, run in its worker processes (import_pool): nothing
here writes to the database. A line that cannot be imported raises or yields a BadLine, whose
message says why.
"""

import datetime
import json
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import URLValidator, validate_slug
from django.utils.text import slugify

from articles import list_limits
from articles.identifiers import validate_doi, validate_pmid
from articles.import_batches import parse_moment
from articles.markdown_limits import check_article
from articles.models import Article, Reference, Section
from articles.models.content import SUMMARY_MAX_LENGTH, validate_not_in_future
from articles.rendering import count_words, links_in
from config.plain_text import validate_plain_text
from images import processing
from images.models import Image
from reviewers.models import Reviewer
from tags.models import Tag

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
    for reference in data.get("references", []):  # each is text by now
        _check(validate_doi, _text(reference, "doi"), "reference DOI")
        _check(validate_pmid, _text(reference, "pmid"), "reference PubMed ID")
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
        yield f"reference {index} DOI", _text(reference, "doi"), most(Reference, "doi")
        yield f"reference {index} PubMed ID", _text(reference, "pmid"), most(Reference, "pmid")
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


def clean_hero_image(hero, base):
    """The processing.CleanImage of a line's hero image; BadLine if it is unsafe."""
    path = base / hero["file"]
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    try:
        clean = processing.clean_upload(upload)
    except ValidationError as error:
        raise BadLine(f"hero_image {hero['file']}: {' '.join(error.messages)}") from error
    return clean
