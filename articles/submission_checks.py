"""What a writer should look at before submitting an article for review.

Warnings, not errors: the reviewer may still be asked to look at an article that has them, but
each one is something readers would notice (a dead link, a card that will not show, an image
screen readers cannot describe, a summary cut short in search results, text too hard to read).
"""

import re

from articles.readability import PATIENT_GRADE, readability_of_rendering

# Alt text that names the kind of thing rather than what it shows.
PLACEHOLDER_ALT = {"image", "img", "photo", "picture", "hero", "hero image", "untitled", "alt"}
FILE_NAME = re.compile(r"\.(jpe?g|png|webp|gif)$")

# Search results and link previews show about this many characters of a summary.
SUMMARY_SHOWN_LENGTH = 160


def submission_warnings(article):
    """Sentences describing each problem of `article`'s working copy, in reading order."""
    rendered = article.render()
    warnings = [f"Broken link: {problem}" for problem in rendered.problems]
    warnings += _related_topic_warnings(article)
    if article.hero_image is not None and not _describes_something(article.hero_image.alt):
        warnings.append(
            f"The hero image's alt text “{article.hero_image.alt}” does not describe it, so "
            "screen readers cannot either: say what the picture shows."
        )
    if len(article.summary) > SUMMARY_SHOWN_LENGTH:
        warnings.append(
            f"The summary has {len(article.summary)} characters; search results and cards "
            f"show about {SUMMARY_SHOWN_LENGTH}, so the end will be cut off."
        )
    grade = readability_of_rendering(rendered)
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
        f"The related topic “{topic.to_article.title}” is not published, so readers will not "
        "see its card."
        for topic in topics
        if topic.to_article.live_revision_id is None
    ]
