from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from articles.models import PARKING_OFFSET, Article, Reference, RelatedTopic, Section
from tags.models import Tag


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
    def clean(self):
        cleaned_data = super().clean()
        # A blank anchor means "derive it from the heading". Derive it now rather than in
        # save(), so that the constraint checks see the anchor that will be stored.
        if not cleaned_data.get("anchor") and cleaned_data.get("heading"):
            self.instance.heading = cleaned_data["heading"]
            cleaned_data["anchor"] = self.instance.derive_anchor()
        return cleaned_data


class SectionInline(admin.StackedInline):
    model = Section
    form = SectionForm
    formset = PositionedInlineFormSet
    fields = ["order", "heading", "anchor", "body"]
    extra = 1
    classes = ["sections"]


class RelatedTopicFormSet(PositionedInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.forms:
            target = form.cleaned_data.get("to_article") if hasattr(form, "cleaned_data") else None
            if target is not None and self.instance.pk and target.pk == self.instance.pk:
                form.add_error("to_article", "An article cannot be a related topic of itself.")


class RelatedTopicInline(admin.TabularInline):
    model = RelatedTopic
    fk_name = "from_article"
    form = PositionedInlineForm
    formset = RelatedTopicFormSet
    fields = ["order", "to_article", "blurb"]
    autocomplete_fields = ["to_article"]
    extra = 0
    verbose_name = "related topic"
    verbose_name_plural = "related topics (the “Recommended topics” cards)"


class ReferenceInline(admin.TabularInline):
    model = Reference
    form = PositionedInlineForm
    formset = PositionedInlineFormSet
    fields = ["order", "label", "url", "publisher", "accessed_on"]
    # A URL typed without a scheme is taken as https, as Django 6 will do by default.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 0


class TagFilter(admin.SimpleListFilter):
    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        return (
            Tag.objects.filter(tagged_articles__isnull=False).distinct().values_list("slug", "name")
        )

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__slug=self.value())
        return queryset


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "summary",
            "intro",
            "tags",
            "hero_image",
            "hero_image_alt",
            "hero_image_credit",
            "review_interval_months",
        ]
        widgets = {
            "title": forms.TextInput(attrs={"size": 80}),
            "slug": forms.TextInput(attrs={"size": 80}),
            "summary": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "hero_image_alt": forms.TextInput(attrs={"size": 80}),
            "hero_image_credit": forms.TextInput(attrs={"size": 80}),
        }


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "state", "author", "reading_time", "updated_at"]
    list_filter = ["state", TagFilter, "author"]
    search_fields = ["title", "summary", "intro", "sections__heading", "sections__body"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SectionInline, RelatedTopicInline, ReferenceInline]
    readonly_fields = ["state", "author", "reading_time", "link_check", "preview_link"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "intro", "tags"]}),
        ("Hero image", {"fields": ["hero_image", "hero_image_alt", "hero_image_credit"]}),
        (
            "Status",
            {
                "fields": [
                    "state",
                    "author",
                    "review_interval_months",
                    "reading_time",
                    "link_check",
                    "preview_link",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).for_admin_list()

    def view_on_site(self, article):
        # The frontend only has pages for published articles.
        if article.state == Article.State.PUBLISHED:
            return article.get_absolute_url()
        return None

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            return self._tags_formfield(db_field, request)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _tags_formfield(self, db_field, request):
        # Taggit's own field is a comma-separated text box; writers pick from the tags that exist
        # (and can add one with the + button), so a misspelt duplicate tag is not created.
        widget = AutocompleteSelectMultiple(db_field, self.admin_site)
        tag_admin = self.admin_site.get_model_admin(Tag)
        widget = RelatedFieldWidgetWrapper(
            widget,
            db_field.remote_field,
            self.admin_site,
            can_add_related=tag_admin.has_add_permission(request),
            can_change_related=False,
            can_delete_related=False,
            can_view_related=False,
        )
        return forms.ModelMultipleChoiceField(
            queryset=Tag.objects.all(),
            required=False,
            widget=widget,
            help_text=db_field.help_text,
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for problem in form.instance.link_problems():
            self.message_user(request, f"Broken link: {problem}", messages.WARNING)

    @admin.display(description="reading time")
    def reading_time(self, article):
        if article.pk is None:
            return "—"
        return f"{article.reading_time_minutes} min ({article.word_count} words)"

    @admin.display(description="links to other articles")
    def link_check(self, article):
        if article.pk is None:
            return "—"
        problems = article.link_problems()
        if not problems:
            return "All article: links point to existing articles and sections."
        return format_html(
            "<ul class='errorlist'>{}</ul>",
            format_html_join("", "<li>{}</li>", ((p,) for p in problems)),
        )

    @admin.display(description="preview")
    def preview_link(self, article):
        if article.pk is None:
            return "Save the article to preview it."
        url = reverse("admin:articles_article_preview", args=[article.pk])
        return format_html('<a href="{}">Preview the article as readers will see it</a>', url)

    def get_urls(self):
        preview = path(
            "<int:object_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="articles_article_preview",
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request, object_id):
        queryset = Article.objects.select_related("author").prefetch_related(
            "sections", "references", "tags", "related_topics__to_article"
        )
        article = get_object_or_404(queryset, pk=object_id)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"Preview: {article.title}",
            "opts": self.opts,
            "original": article,
            "article": article,
            "rendered": article.render(),
        }
        return TemplateResponse(request, "admin/articles/article/preview.html", context)
