"""Side-by-side differences between two article snapshots, for reviewers and editors."""

import difflib

from django.utils.html import format_html

from articles.models import Article


def snapshot_lines(snapshot):
    """A snapshot as lines of text a person can compare: every field a review covers."""
    if snapshot is None:
        return []
    lines = [
        f"Title: {snapshot['title']}",
        f"Slug: {snapshot['slug']}",
        f"Summary: {snapshot['summary']}",
        f"Tags: {', '.join(snapshot['tags'])}",
        f"Review interval: {snapshot['review_interval_months']} months",
    ]
    # Older snapshots, and articles without them, have neither key.
    if snapshot.get("byline"):
        lines.append(f"Byline: {snapshot['byline']}")
    if snapshot.get("first_published_at"):
        lines.append(f"Originally published: {snapshot['first_published_at']}")
    image = snapshot.get("hero_image")
    if image:
        lines.append(
            f"Hero image: image #{image['id']} (alt: {image['alt']}; credit: {image['credit']})"
        )
    lines += ["", "Intro:", *snapshot["intro"].splitlines()]
    for section in snapshot["sections"]:
        lines += [
            "",
            f"## {section['heading']}  (#{section['anchor']})",
            *section["body"].splitlines(),
        ]
    lines += ["", "Related topics:"]
    slugs = _current_slugs(snapshot["related_topics"])
    lines += [
        f"- {topic.get('slug') or slugs.get(topic['article_id'], '(deleted article)')} "
        f"{topic['blurb']}".rstrip()
        for topic in snapshot["related_topics"]
    ]
    lines += ["", "References:"]
    lines += [
        f"- {ref['label']}, {ref['publisher']} <{ref['url']}> {ref['accessed_on'] or ''}".rstrip()
        for ref in snapshot["references"]
    ]
    return lines


def changed_word_count(old_snapshot, new_snapshot):
    """How many words a reviewer has to read as changed: those added, removed or replaced
    between two snapshots (every word, when there is no old snapshot)."""
    old, new = _reviewed_words(old_snapshot), _reviewed_words(new_snapshot)
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


def _current_slugs(topics):
    """{article id: its slug now} for related topics named by article."""
    ids = [topic["article_id"] for topic in topics if "article_id" in topic]
    return dict(Article.objects.filter(pk__in=ids).values_list("pk", "slug")) if ids else {}


def diff_table(old_snapshot, new_snapshot, *, old_label, new_label):
    """An HTML table comparing two snapshots line by line; all text in it is escaped.

    HtmlDiff pairs up every changed line with every other in a block to find the likeliest
    match, which grows with the block's square: 400 rewritten lines took 50 s. Past
    PAIRING_LIMIT pairs the comparison is a plain unified diff instead, which does not pair.
    """
    old, new = snapshot_lines(old_snapshot), snapshot_lines(new_snapshot)
    if _pairs_to_compare(old, new) > PAIRING_LIMIT:
        return _unified(old, new, old_label=old_label, new_label=new_label)
    return difflib.HtmlDiff(wrapcolumn=60).make_table(
        old, new, fromdesc=old_label, todesc=new_label, context=True, numlines=3
    )


# Line pairs HtmlDiff may weigh up in one rewritten block (about 3 s at worst).
PAIRING_LIMIT = 2_500


def _pairs_to_compare(old, new):
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    return max(
        ((i2 - i1) * (j2 - j1) for tag, i1, i2, j1, j2 in opcodes if tag == "replace"), default=0
    )


def _unified(old, new, *, old_label, new_label):
    lines = difflib.unified_diff(old, new, fromfile=old_label, tofile=new_label, lineterm="")
    return format_html(
        '<p class="help">Too much was rewritten to pair the lines up; the changes as a list '
        '(- removed, + added):</p><pre class="unified-diff">{}</pre>',
        "\n".join(lines),
    )
