"""The review page's boxes for comments beside each part of the document it shows."""

from django import template

register = template.Library()


@register.inclusion_tag("admin/articles/includes/part_comment.html", takes_context=True)
def comment_beside(context, part):
    """The box for a comment on `part` ("title", "summary", "intro" or a section's anchor)
    and the comments already made on it, when the page asked for them with `part_comments`;
    nothing on the other pages that show the document."""
    slots = context.get("part_comments") or {}
    noun = part if part in ("title", "summary", "intro") else "section"
    return {"slot": slots.get(part), "noun": noun}
