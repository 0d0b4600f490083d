"""Writing a whole working copy at once: an article with its sections, tags, related topics and
references, as the editorial API (and any bulk import) sends it.

Each function runs in one transaction and goes through the workflow: an edit is claimed with
`workflow.begin_edit` before anything is written, and `workflow.record_edit` afterwards sends an
article that was under review back to draft.
"""

from dataclasses import dataclass

from django.db import transaction

from articles import image_cleanup, workflow
from articles.models import Article, Reference, RelatedTopic, Section, unique_anchor
from articles.rendering import count_words
from tags.models import Tag

ARTICLE_FIELDS = (
    "title",
    "slug",
    "summary",
    "intro",
    "hero_image",
    "review_interval_months",
    "disclaimer",
    "byline",
    "first_published_at",
)
# What an article migrated from elsewhere keeps: editors set these (they are reviewed as any
# other change), writers see them but cannot change them.
EDITOR_ONLY_FIELDS = ("byline", "first_published_at")


@dataclass
class WorkingCopy:
    """Validated content for an article. A list left as None is left as it is."""

    fields: dict
    tags: list[Tag] | None = None
    sections: list[dict] | None = None
    related_topics: list[dict] | None = None  # {"article": Article, "blurb": str}
    references: list[dict] | None = None


@transaction.atomic
def create_article(*, by, content):
    """Create a draft written by `by` from `content` (a WorkingCopy)."""
    if not by.has_perm("articles.add_article"):
        raise workflow.NotAllowed("You may not create articles.")
    article = Article(author=by, **content.fields)
    article.save()
    _write_parts(article, content)
    # The first save is recorded like every other: the review page says who wrote it.
    workflow.record_edit(article=article, by=by)
    return article


@transaction.atomic
def update_article(*, article, by, content, version=None):
    """Apply `content` to the working copy, if `version` is still the stored one."""
    workflow.begin_edit(article=article, by=by, version=version)
    previous_image = article.hero_image_id
    for name, value in content.fields.items():
        setattr(article, name, value)
    article.save()
    _write_parts(article, content)
    if article.hero_image_id != previous_image:
        image_cleanup.delete_if_unused([previous_image], by=by)
    return workflow.record_edit(article=article, by=by)


def _write_parts(article, content):
    if content.tags is not None:
        article.tags.set(content.tags)
    if content.sections is not None:
        _replace_sections(article, content.sections)
    if content.related_topics is not None:
        article.related_topics.all().delete()
        RelatedTopic.objects.bulk_create(
            RelatedTopic(
                from_article=article,
                to_article=topic["article"],
                blurb=topic.get("blurb", ""),
                position=position,
            )
            for position, topic in enumerate(content.related_topics, start=1)
        )
    if content.references is not None:
        article.references.all().delete()
        Reference.objects.bulk_create(
            Reference(article=article, position=position, **reference)
            for position, reference in enumerate(content.references, start=1)
        )


def _replace_sections(article, sections):
    """Replace the sections, keeping anchors the writer sent and deriving the others."""
    article.sections.all().delete()
    Section.objects.bulk_create(section_rows(article, sections))


def section_rows(article, sections, word_counts=None):
    """Unsaved Section rows of `article` for `sections` (dicts of heading, body and maybe
    anchor): the anchors the writer sent, the others derived from the headings. The bodies'
    `word_counts` are counted here unless given."""
    word_counts = word_counts or [count_words(section["body"]) for section in sections]
    taken = {section["anchor"] for section in sections if section.get("anchor")}
    rows = []
    for position, (section, words) in enumerate(zip(sections, word_counts, strict=True), 1):
        anchor = section.get("anchor") or unique_anchor(section["heading"], taken)
        taken.add(anchor)
        rows.append(
            Section(
                article=article,
                position=position,
                heading=section["heading"],
                anchor=anchor,
                body=section["body"],
                word_count=words,  # what save() would set
            )
        )
    return rows
