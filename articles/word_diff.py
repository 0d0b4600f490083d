"""What changed between two snapshots of an article, word by word, for the review page.

Each text field and each section is compared on its own, over word tokens, with
difflib.SequenceMatcher. The result is HTML in which every piece of the authors' text is
escaped and the only markup is <ins> (added words) and <del> (removed words). Lists (tags,
references, related topics) are compared as sets of items, and the hero image as a whole.
The review queue's size of a change (`changed_word_count`) counts the same words.
"""

import contextvars
import difflib
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import Article
from images.models import Image
from tags.models import Tag

# A word (with its inner apostrophes and hyphens), a run of whitespace, or one other character:
# punctuation changes show on their own, and the whitespace keeps the text's line breaks.
TOKEN = re.compile(r"\w+(?:['’-]\w+)*|\s+|[^\w\s]")  # noqa: RUF001 (typographic apostrophe)

# SequenceMatcher's cost grows with both sides' lengths and with every match it recurses on:
# two 1,000-word paragraphs made of the same few words took 17 s. So texts are matched line by
# line (a Markdown paragraph is a line) first, and only the lines that changed word by word.
# Past this many token (or line) pairs (a paragraph of about 200 words on each side), a block
# is shown removed and added whole, which keeps the worst case near half a second per block.
PAIR_LIMIT = 200_000
# And past this many pairs on one page in all, every block left is shown whole: a writer could
# otherwise fill an article with hundreds of blocks each just under PAIR_LIMIT (one page took
# 100 s). About a second of matching at worst.
PAGE_PAIR_BUDGET = 1_000_000
_pairs_left = contextvars.ContextVar("pairs_left", default=PAGE_PAIR_BUDGET)

# Top-level snapshot fields compared as text, in the order the review page lists them. Fields
# not named here (added to snapshots later) are compared too, after these, under their key.
TEXT_FIELDS = {
    "title": "Title",
    "summary": "Summary",
    "intro": "Intro",
    "slug": "Slug",
    "author_id": "Author",
    "review_interval_months": "Review interval (months)",
    "disclaimer": "Disclaimer",
    "byline": "Byline",
    "first_published_at": "Originally published",
}
# Compared by the functions below, not as text.
STRUCTURED_FIELDS = {"sections", "references", "related_topics", "tags", "hero_image"}


def tokens(text):
    return TOKEN.findall(text)


def same_text(text):
    """`text` with its lines ended the one way. Browsers send a textarea's lines ended by CRLF
    (HTML says so) and JSON clients by LF, so the same words saved through the admin and the
    API differ only there: a reviewer must not see that as a change."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def word_diff(old, new):
    """HTML of `new` with the words removed since `old` in <del> and those added in <ins>."""
    old_lines, new_lines = same_text(old).splitlines(True), same_text(new).splitlines(True)
    parts = []
    for tag, i1, i2, j1, j2 in _opcodes(old_lines, new_lines, junk=lambda line: not line.strip()):
        removed, added = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if tag == "replace":
            parts.append(_changed_words(removed, added))
        else:
            parts.append(_marked(removed, added, tag))
    # Every piece of text went through escape(); the only tags are <ins> and <del>.
    return mark_safe("".join(parts))


def _changed_words(old, new):
    old_tokens, new_tokens = tokens(old), tokens(new)
    opcodes = _opcodes(old_tokens, new_tokens, junk=str.isspace)
    return "".join(
        _marked("".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2]), tag)
        for tag, i1, i2, j1, j2 in _absorb_lone_spaces(opcodes, old_tokens)
    )


def _opcodes(old, new, *, junk):
    """SequenceMatcher's opcodes, or one replacement of everything when that would be slow.

    Junk (whitespace, blank lines) never starts a match, only extends one: otherwise every
    space would match every other and split the texts into single words."""
    pairs = len(old) * len(new)
    if pairs > PAIR_LIMIT or pairs > _pairs_left.get():
        return [("replace", 0, len(old), 0, len(new))]
    _pairs_left.set(_pairs_left.get() - pairs)
    return difflib.SequenceMatcher(junk, old, new, autojunk=False).get_opcodes()


def _marked(removed, added, tag):
    """Escaped HTML of one opcode's text: unchanged, or removed then added."""
    if tag == "equal" or not (removed.strip() or added.strip()):
        return escape(added)  # a change of whitespace alone is not worth marking
    html = f"<del>{escape(removed)}</del>" if removed else ""
    return html + (f"<ins>{escape(added)}</ins>" if added else "")


def _absorb_lone_spaces(opcodes, old_tokens):
    """Fold an unchanged run of whitespace between two changes into one change, so that a
    rewritten phrase reads as one <del> and one <ins> rather than alternating word by word."""
    merged = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        after_change = bool(merged) and merged[-1][0] != "equal"
        before_change = index + 1 < len(opcodes) and opcodes[index + 1][0] != "equal"
        gap = tag == "equal" and not "".join(old_tokens[i1:i2]).strip()
        if after_change and (tag != "equal" or (gap and before_change)):
            _, p1, _, q1, _ = merged[-1]
            merged[-1] = ("replace", p1, i2, q1, j2)
        else:
            merged.append((tag, i1, i2, j1, j2))
    return merged


@dataclass
class TextChange:
    label: str
    html: str


@dataclass
class SectionChange:
    """One section of the new revision (or one removed from it) and how it changed."""

    status: str  # "changed", "added", "removed" or "unchanged"
    heading: str  # HTML: the heading, word-diffed when it changed
    body: str = ""  # HTML: the body, word-diffed when it changed
    # For a run of unchanged sections collapsed into one line: their headings.
    unchanged_headings: list = field(default_factory=list)


@dataclass
class Comparison:
    """Everything that differs between two snapshots, ready for the review page."""

    fields: list  # TextChange for each changed text field
    sections: list  # SectionChange in reading order, unchanged runs collapsed
    hero_image: tuple | None  # (before, after) public images, either may be None; or None
    tags: dict  # {"added": [...], "removed": [...]} names
    references: dict  # {"added": [...], "removed": [...]} one line each
    related_topics: dict  # {"added": [...], "removed": [...]} one line each

    @property
    def has_changes(self):
        return bool(
            self.fields
            or any(section.status != "unchanged" for section in self.sections)
            or self.hero_image
            or any(self.tags.values())
            or any(self.references.values())
            or any(self.related_topics.values())
        )


def compare(old, new):
    """A Comparison of snapshot `old` (or None: nothing before) with snapshot `new`, within
    PAGE_PAIR_BUDGET pairs of matching."""
    budget = _pairs_left.set(PAGE_PAIR_BUDGET)
    try:
        return _compare(old or {}, new)
    finally:
        _pairs_left.reset(budget)


def _compare(old, new):
    return Comparison(
        fields=_text_changes(old, new),
        sections=_section_changes(old.get("sections", []), new["sections"]),
        hero_image=_hero_change(old.get("hero_image"), new.get("hero_image")),
        tags=_added_removed(_tag_names(old.get("tags", [])), _tag_names(new.get("tags", []))),
        references=_added_removed(
            [_reference_line(ref) for ref in old.get("references", [])],
            [_reference_line(ref) for ref in new["references"]],
        ),
        related_topics=_added_removed(
            _topic_lines(old.get("related_topics", [])), _topic_lines(new["related_topics"])
        ),
    )


def _text_changes(old, new):
    keys = list(TEXT_FIELDS) + sorted(
        key for key in {*old, *new} if key not in TEXT_FIELDS and key not in STRUCTURED_FIELDS
    )
    authors = _author_names([old.get("author_id"), new.get("author_id")])
    changes = []
    for key in keys:
        before, after = old.get(key), new.get(key)
        if before == after or (
            isinstance(before, str)
            and isinstance(after, str)
            and same_text(before) == same_text(after)
        ):
            continue
        if key == "author_id":
            before, after = authors.get(before), authors.get(after)
        label = TEXT_FIELDS.get(key) or key.replace("_", " ").capitalize()
        changes.append(TextChange(label, word_diff(_text(before), _text(after))))
    return changes


def _text(value):
    return "" if value is None else str(value)


def _author_names(ids):
    users = get_user_model().objects.filter(pk__in=[pk for pk in ids if pk is not None])
    return {user.pk: user.get_full_name() or user.get_username() for user in users}


def _section_changes(old_sections, new_sections):
    """Sections matched by anchor; where anchors differ in the same place (a renamed
    section), the sections are paired up in order and compared word by word."""
    matcher = difflib.SequenceMatcher(
        None, [s["anchor"] for s in old_sections], [s["anchor"] for s in new_sections],
        autojunk=False,
    )  # fmt: skip
    changes = []
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        olds, news = old_sections[i1:i2], new_sections[j1:j2]
        for before, after in zip(olds, news, strict=False):
            changes.append(_compare_section(before, after))
        for after in news[len(olds) :]:
            changes.append(_whole_section("added", after, "ins"))
        for before in olds[len(news) :]:
            changes.append(_whole_section("removed", before, "del"))
    return _collapse_unchanged(changes)


def _compare_section(before, after):
    if before["heading"] == after["heading"] and same_text(before["body"]) == same_text(
        after["body"]
    ):
        return SectionChange("unchanged", escape(after["heading"]))
    return SectionChange(
        "changed",
        word_diff(before["heading"], after["heading"]),
        word_diff(before["body"], after["body"]),
    )


def _whole_section(status, section, tag):
    return SectionChange(
        status,
        mark_safe(f"<{tag}>{escape(section['heading'])}</{tag}>"),
        mark_safe(f"<{tag}>{escape(section['body'])}</{tag}>") if section["body"] else "",
    )


def _collapse_unchanged(changes):
    collapsed = []
    for change in changes:
        if change.status != "unchanged":
            collapsed.append(change)
        elif collapsed and collapsed[-1].status == "unchanged":
            collapsed[-1].unchanged_headings.append(change.heading)
        else:
            collapsed.append(SectionChange("unchanged", "", unchanged_headings=[change.heading]))
    return collapsed


def _hero_change(before, after):
    """(before, after) as public images with the reviewed alt text and credit, when the image
    or its alt text or credit changed; None when they are the same."""
    if before == after:
        return None
    ids = [image["id"] for image in (before, after) if image]
    images = Image.objects.prefetch_related("renditions").in_bulk(ids)

    def public(reviewed):
        image = images.get(reviewed["id"]) if reviewed else None
        if image is None:
            return None
        return image.as_public(alt=reviewed["alt"], credit=reviewed["credit"])

    return public(before), public(after)


def _added_removed(old_items, new_items):
    old_set, new_set = set(old_items), set(new_items)
    return {
        "added": [item for item in new_items if item not in old_set],
        "removed": [item for item in old_items if item not in new_set],
    }


def _tag_names(slugs):
    names = dict(Tag.objects.filter(slug__in=slugs).values_list("slug", "name"))
    return [names.get(slug, slug) for slug in slugs]


def _reference_line(reference):
    line = reference["label"]
    if reference.get("publisher"):
        line += f", {reference['publisher']}"
    line += f" <{reference['url']}>"
    if reference.get("accessed_on"):
        line += f" (accessed {reference['accessed_on']})"
    if reference.get("doi"):
        line += f" DOI {reference['doi']}"
    if reference.get("pmid"):
        line += f" PMID {reference['pmid']}"
    return line


def _topic_lines(topics):
    """One line per related topic: the article's title now, and the blurb. Older revisions
    name the article by slug, newer ones by id."""
    ids = [topic["article_id"] for topic in topics if "article_id" in topic]
    slugs = [topic["slug"] for topic in topics if "slug" in topic]
    by_id = dict(Article.objects.filter(pk__in=ids).values_list("pk", "title")) if ids else {}
    by_slug = (
        dict(Article.objects.filter(slug__in=slugs).values_list("slug", "title")) if slugs else {}
    )
    lines = []
    for topic in topics:
        if "article_id" in topic:
            title = by_id.get(topic["article_id"], "(deleted article)")
        else:
            title = by_slug.get(topic["slug"], topic["slug"])
        lines.append(f"{title}: {topic['blurb']}" if topic.get("blurb") else title)
    return lines


def changed_word_count(old_snapshot, new_snapshot):
    """How many words a reviewer has to read as changed: those added, removed or replaced
    between two snapshots (every word, when there is no old snapshot)."""
    old, new = _reviewed_words(old_snapshot), _reviewed_words(new_snapshot)
    if not old:
        return len(new)  # all of it new: what the diff would say, without making one
    matcher = difflib.SequenceMatcher(None, old, new)
    return sum(
        max(old_end - old_start, new_end - new_start)
        for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes()
        if tag != "equal"
    )


def _reviewed_words(snapshot):
    """The words of what readers read in a snapshot, in reading order, without field labels."""
    if snapshot is None:
        return []
    image = snapshot.get("hero_image") or {}
    texts = [
        snapshot["title"],
        snapshot["summary"],
        " ".join(snapshot["tags"]),
        image.get("alt", ""),
        image.get("credit", ""),
        snapshot["intro"],
        *(f"{section['heading']} {section['body']}" for section in snapshot["sections"]),
        *(topic["blurb"] for topic in snapshot["related_topics"]),
        *(f"{ref['label']} {ref['publisher']} {ref['url']}" for ref in snapshot["references"]),
    ]
    return " ".join(texts).split()
