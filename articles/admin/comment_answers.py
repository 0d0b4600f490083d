"""The writer's side of a reviewer's comments on parts of a revision, in the article's form.

Each open comment gets a "resolved" box and a reply box in a fieldset of its own, and its text
is repeated in the help of the field (title, summary, intro or section body) it is about.
Saving the article records the answers through the workflow.
"""

from django import forms
from django.utils.html import format_html

from articles import workflow

FIELDSET_TITLE = "Reviewer's comments to answer"


def open_for(request, article):
    """The open comments `article`'s writer has to answer, if the user may answer them: read
    once per request, since the form, its fieldsets and the sections all ask."""
    if article is None or article.pk is None or not workflow.can_edit(request.user, article):
        return []
    cache = request.__dict__.setdefault("_open_review_comments", {})
    if article.pk not in cache:
        cache[article.pk] = list(
            workflow.open_comments(article).select_related("created_by").order_by("pk")
        )
    return cache[article.pk]


def names(comment):
    return f"answer_{comment.pk}_resolved", f"answer_{comment.pk}_reply"


def said(comment):
    """The comment as help text (the admin shows help text unescaped, so it is escaped here)."""
    return format_html(
        "<strong>{} on the {}:</strong> “{}”",
        comment.created_by.get_full_name() or comment.created_by.get_username(),
        comment.where,
        comment.body,
    )


def form_with_answers(base, comments):
    """`base` (the article's form class) with a resolved box and a reply box per comment."""
    fields = {}
    for comment in comments:
        resolved, reply = names(comment)
        fields[resolved] = forms.BooleanField(
            label="Resolved", required=False, help_text=said(comment)
        )
        fields[reply] = forms.CharField(
            label="Reply",
            required=False,
            initial=comment.reply,
            max_length=workflow.COMMENT_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
            help_text="What you changed, or why you left it as it is.",
        )

    def __init__(self, *args, **kwargs):
        base.__init__(self, *args, **kwargs)
        for comment in comments:
            if comment.target != "section" and comment.target in self.fields:
                field = self.fields[comment.target]
                field.help_text = format_html("{} {}", field.help_text, said(comment))

    return type(base.__name__, (base,), {**fields, "__init__": __init__})


def fieldset(comments):
    return (
        FIELDSET_TITLE,
        {
            "fields": [names(comment) for comment in comments],
            "description": "Mark each comment resolved once you have dealt with it, or reply "
            "to say why not. You cannot submit the article again while one is open unless "
            "you give a reason.",
        },
    )


def record(form, comments, by):
    """Record what the writer answered on each comment in the saved form."""
    for comment in comments:
        resolved, reply = names(comment)
        is_resolved = form.cleaned_data.get(resolved, False)
        text = form.cleaned_data.get(reply, "").strip()
        # A reply left as it was, on a comment still open, is no new answer.
        if is_resolved or (text and text != comment.reply):
            workflow.answer_comment(comment=comment, by=by, reply=text, resolve=is_resolved)


def section_comments(comments):
    """Help text per section anchor, for the section forms."""
    by_anchor = {}
    for comment in comments:
        if comment.target == "section":
            by_anchor.setdefault(comment.section_anchor, []).append(said(comment))
    return by_anchor
