"""The inline rows of the article form: sections, related topics and references."""

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.html import format_html, format_html_join

from articles import list_limits, workflow
from articles.admin import comment_answers
from articles.admin.forms import TypedText
from articles.markdown_limits import check_article
from articles.models import PARKING_OFFSET, Reference, RelatedTopic, Section


class PositionedInlineForm(forms.ModelForm):
    order = forms.IntegerField(
        min_value=0,
        required=False,
        help_text="Rows are shown in this order; leave blank to add at the end.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["order"].initial = self.instance.position


class PositionedInlineFormSet(forms.BaseInlineFormSet):
    """Orders inline rows by an "order" number the writer types, and saves them as positions.

    The stored position is unique within an article. Validating it form by form would refuse a
    plain swap of two rows (each form would see the other's old row), so the form carries a
    separate `order` field, and saving renumbers every row 1, 2, 3… after moving the old rows
    out of the way.
    """

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        kept = [
            form
            for form in self.forms
            if form not in self.deleted_forms and (form.instance.pk or form.has_changed())
        ]
        kept.sort(key=self._order_key)
        for position, form in enumerate(kept, start=1):
            form.instance.position = position
        siblings = self.model.objects.filter(**{self.fk.name: self.instance})
        siblings.park()
        saved = super().save()
        for form in kept:
            if form.instance.pk and form.instance not in saved:
                form.instance.save(update_fields=["position"])
        # Rows the writer's form did not show (added by someone else meanwhile) go last.
        left_out = siblings.filter(position__gte=PARKING_OFFSET).order_by("position")
        for position, row in enumerate(left_out, start=len(kept) + 1):
            row.position = position
            row.save(update_fields=["position"])
        return saved

    def _order_key(self, form):
        order = form.cleaned_data.get("order")
        return (order is None, order or 0, self.forms.index(form))


class SectionForm(PositionedInlineForm):
    # Help text per section anchor: the reviewer's open comments on that section.
    comments_by_anchor = {}

    class Meta:
        field_classes = {"body": TypedText}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        comments = self.comments_by_anchor.get(self.instance.anchor) if self.instance.pk else None
        if comments:
            said = format_html_join(" ", "{}", ((comment,) for comment in comments))
            body = self.fields["body"]
            body.help_text = format_html("{}<br>{}", body.help_text, said)

    def clean(self):
        cleaned_data = super().clean()
        # A blank anchor means "derive it from the heading". Derive it now rather than in
        # save(), so that the constraint checks see the anchor that will be stored.
        if not cleaned_data.get("anchor") and cleaned_data.get("heading"):
            self.instance.heading = cleaned_data["heading"]
            cleaned_data["anchor"] = self.instance.derive_anchor()
        return cleaned_data


class WorkingCopyInline:
    """Inline rows are part of the article: only those who may edit the article may edit them.

    Each inline holds at most its list limit of rows (`max_num`): the admin's "Add another"
    goes away at the limit, and a form sent with more rows (or an article stored with more
    before the limit) is refused with the limit's sentence above the rows.
    """

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_max=True, **kwargs)

    def _may_edit(self, request, article):
        return article is None or workflow.can_edit(request.user, article)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)


class SectionFormSet(PositionedInlineFormSet):
    default_error_messages = {"too_many_forms": list_limits.SECTIONS.sentence()}

    def clean(self):
        super().clean()
        self.check_markdown_limits()

    def check_markdown_limits(self):
        """Each section's body against the limits, and the article's Markdown as a whole.

        The admin cleans the article's form before its inlines, so the instance already holds
        the intro as typed (or as stored, when the typed one was refused).
        """
        kept = [
            form
            for form in self.forms
            if hasattr(form, "cleaned_data")
            and form not in self.deleted_forms
            and (form.instance.pk or form.has_changed())
        ]
        sections = [
            (form.cleaned_data.get("heading", ""), form.cleaned_data.get("body", ""))
            for form in kept
        ]
        problems = check_article(self.instance.intro, sections)
        for index, problem in problems.sections.items():
            kept[index].add_error("body", problem)
        if problems.article:
            raise forms.ValidationError(problems.article)


class SectionInline(WorkingCopyInline, admin.StackedInline):
    model = Section
    form = SectionForm
    formset = SectionFormSet
    fields = ["order", "heading", "anchor", "body"]
    extra = 1
    max_num = list_limits.SECTIONS.maximum
    # "Add another" disappears at the limit: the heading says why before it does.
    verbose_name_plural = f"sections (at most {list_limits.SECTIONS.maximum})"
    classes = ["sections"]

    def get_formset(self, request, obj=None, **kwargs):
        if obj is not None and workflow.can_edit(request.user, obj):
            comments = comment_answers.section_comments(comment_answers.open_for(request, obj))
            if comments:
                kwargs["form"] = type("SectionForm", (self.form,), {"comments_by_anchor": comments})
        return super().get_formset(request, obj, **kwargs)


class RelatedTopicFormSet(PositionedInlineFormSet):
    default_error_messages = {"too_many_forms": list_limits.RELATED_TOPICS.sentence()}

    def clean(self):
        super().clean()
        for form in self.forms:
            target = form.cleaned_data.get("to_article") if hasattr(form, "cleaned_data") else None
            if target is not None and self.instance.pk and target.pk == self.instance.pk:
                form.add_error("to_article", "An article cannot be a related topic of itself.")


class RelatedTopicInline(WorkingCopyInline, admin.TabularInline):
    model = RelatedTopic
    fk_name = "from_article"
    form = PositionedInlineForm
    formset = RelatedTopicFormSet
    fields = ["order", "to_article", "blurb"]
    autocomplete_fields = ["to_article"]
    extra = 0
    max_num = list_limits.RELATED_TOPICS.maximum
    verbose_name = "related topic"
    verbose_name_plural = (
        "related topics (the “Recommended topics” cards, at most "
        f"{list_limits.RELATED_TOPICS.maximum})"
    )


class ReferenceFormSet(PositionedInlineFormSet):
    default_error_messages = {"too_many_forms": list_limits.REFERENCES.sentence()}


class ReferenceInline(WorkingCopyInline, admin.TabularInline):
    model = Reference
    form = PositionedInlineForm
    formset = ReferenceFormSet
    fields = ["order", "label", "url", "publisher", "accessed_on", "doi", "pmid"]
    # A URL typed without a scheme is taken as https, as Django 6 will do by default.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 0
    max_num = list_limits.REFERENCES.maximum
    verbose_name_plural = f"references (at most {list_limits.REFERENCES.maximum})"
