"""What a writer should look at before submitting an article for review.

Warnings, not errors: the reviewer may still be asked to look at an article that has them, but
each one is something readers would notice (a dead link, a card that will not show, an image
screen readers cannot describe, a summary cut short in search results, text too hard to read).
"""

import re

from articles.models import Article
from articles.readability import (
    PATIENT_GRADE,
    readability_of_document,
    readability_of_rendering,
)
from articles.rendering import link_warning

# Alt text that names the kind of thing rather than what it shows.
PLACEHOLDER_ALT = {"image", "img", "photo", "picture", "hero", "hero image", "untitled", "alt"}
FILE_NAME = re.compile(r"\.(jpe?g|png|webp|gif)$")

# Search results and link previews show about this many characters of a summary.
SUMMARY_SHOWN_LENGTH = 160


def submission_warnings(article):
    """Sentences describing each problem of `article`'s working copy, in reading order."""
    rendered = article.render()
    warnings = [link_warning(problem) for problem in rendered.problems]
    warnings += _related_topic_warnings(article)
    alt = article.hero_image.alt if article.hero_image is not None else None
    return warnings + _text_warnings(alt, article.summary, readability_of_rendering(rendered))


def revision_warnings(snapshot, rendering):
    """The same sentences for a submitted revision's `snapshot`, rendered as `rendering` (a
    documents.Rendering): what its writer was warned about when submitting it."""
    warnings = [link_warning(problem) for problem in rendering.problems]
    related_ids = [
        topic["article_id"] for topic in snapshot["related_topics"] if "article_id" in topic
    ]
    unpublished = Article.objects.filter(pk__in=related_ids, live_revision__isnull=True)
    warnings += [_unpublished_topic(title) for title in unpublished.values_list("title", flat=True)]
    alt = (snapshot.get("hero_image") or {}).get("alt")
    grade = readability_of_document(rendering.document)
    return warnings + _text_warnings(alt, snapshot["summary"], grade)


def _text_warnings(alt, summary, grade):
    """Warnings about the hero image's alt text (None: no image), the summary and the grade."""
    warnings = []
    if alt is not None and not _describes_something(alt):
        warnings.append(
            f"The hero image's alt text “{alt}” does not describe it, so "
            "screen readers cannot either: say what the picture shows."
        )
    if len(summary) > SUMMARY_SHOWN_LENGTH:
        warnings.append(
            f"The summary has {len(summary)} characters; search results and cards "
            f"show about {SUMMARY_SHOWN_LENGTH}, so the end will be cut off."
        )
    if grade is not None and not grade.suits_patients:
        warnings.append(
            f"The text reads at grade {grade.grade}; patient material should read at grade "
            f"{PATIENT_GRADE} or below."
        )
    return warnings


def _describes_something(alt):
    """False for alt text that is a file name or a word like "image" rather than a description."""
    text = alt.strip().lower()
    return bool(text) and text not in PLACEHOLDER_ALT and not FILE_NAME.search(text)


def _related_topic_warnings(article):
    topics = article.related_topics.select_related("to_article")
    return [
        _unpublished_topic(topic.to_article.title)
        for topic in topics
        if topic.to_article.live_revision_id is None
    ]


def _unpublished_topic(title):
    return f"The related topic “{title}” is not published, so readers will not see its card."
