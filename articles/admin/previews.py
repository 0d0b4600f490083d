"""The admin's previews of an article as readers will see it: of the saved working copy, and of
the form as it stands (unsaved), which the change page refreshes while the writer types.

Both render the same public document the API would serve, so the table of contents, the related
topic cards (live articles only, as for readers) and the links are the real ones.
"""

from django.db import IntegrityError, transaction

from articles.documents import render_document
from articles.models import Article, Review
from articles.readability import readability_of_document


def preview_context(article, snapshot=None, *, revision=None):
    """What the preview templates need for `article`: its working copy, or `snapshot` of it,
    or a submitted `revision` of it, rendered as publishing would render it."""
    if revision is not None:
        snapshot = revision.snapshot
    rendering = render_document(
        snapshot or article.snapshot(),
        article_id=article.pk or 0,
        revision_number=revision.number if revision else None,
    )
    return {
        "document": rendering.document,
        "problems": rendering.problems,
        "readability": readability_of_document(rendering.document),
        "review_line": review_line(article) if article.pk else None,
        "rendering": rendering,
    }


def unsaved_snapshot(model_admin, request, article):
    """The snapshot the change form in `request` would save, or None and the form's errors.

    The form and its inlines are saved inside a transaction that is always rolled back, so the
    snapshot is exactly what saving would produce and nothing is kept.
    """
    form_class = model_admin.get_form(request, article, change=article is not None)
    form = form_class(request.POST, request.FILES, instance=article)
    formsets, _ = model_admin._create_formsets(request, form.instance, change=article is not None)
    if not (form.is_valid() and all(formset.is_valid() for formset in formsets)):
        return None, error_sentences(form, formsets)
    try:
        with transaction.atomic():
            instance = form.save(commit=False)
            if instance.author_id is None:
                instance.author = request.user
            instance.save()
            form.save_m2m()
            for formset in formsets:
                formset.instance = instance
                formset.save()
            snapshot = Article.objects.get(pk=instance.pk).snapshot()
            transaction.set_rollback(True)
    except IntegrityError as error:
        return None, [str(error)]
    return snapshot, []


def error_sentences(form, formsets):
    """Each error of the article form and its inline rows, as "field: message"."""
    sentences = [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
    for formset in formsets:
        sentences += list(formset.non_form_errors())
        row_name = formset.model._meta.verbose_name.capitalize()
        for index, row in enumerate(formset.forms, start=1):
            for name, errors in row.errors.items():
                sentences.append(f"{row_name} {index}, {name}: {' '.join(errors)}")
    return sentences


def review_line(article):
    """Who reviewed, or is reviewing, the working copy as it stands."""
    if article.current_revision_id is None or article.state == Article.State.DRAFT:
        return None
    reviews = article.current_revision.reviews.select_related("reviewer")
    approved = next((r for r in reviews if r.decision == Review.Decision.APPROVED), None)
    if approved:
        return f"Reviewed by {approved.reviewer.byline}"
    pending = [r.reviewer.name for r in reviews if r.decision == Review.Decision.PENDING]
    if pending:
        return "Awaiting review by " + ", ".join(pending)
    return None
