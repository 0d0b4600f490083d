import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from articles import image_cleanup, preview, reminders, word_diff, workflow
from articles.admin import comment_answers, previews
from articles.admin.audit import workflow_history
from articles.admin.forms import (
    ArticleAdminForm,
    PublishForm,
    RecertifyForm,
    ScheduleUnpublishForm,
    SubmitForm,
    UnpublishForm,
    WithdrawForm,
)
from articles.admin.inlines import ReferenceInline, RelatedTopicInline, SectionInline
from articles.editing import EDITOR_ONLY_FIELDS
from articles.models import Article, RelatedTopic, Transition
from articles.rendering import link_warning
from articles.submission_checks import submission_warnings
from articles.whole_numbers import parse_whole_number
from config import replicas
from tags.models import Tag


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


# The largest number a revision can have (a PositiveIntegerField on every database).
MAX_REVISION_NUMBER = 2_147_483_647
EDITORS_ONLY = (
    "Only editors publish, schedule and unpublish articles. Ask an editor to do it; the article "
    "is unchanged."
)
# How long before its review date a live article is offered for re-certification.
RECERTIFY_AHEAD = datetime.timedelta(days=30)


@dataclass(frozen=True)
class Move:
    """A workflow move offered on the article page: its form and the workflow call it makes."""

    label: str
    form: type
    run: Callable
    done: str
    # Publishing (and scheduling, through the same form) and unpublishing are editors' moves;
    # anyone else who opens the URL gets a 403 saying so rather than a form they cannot use.
    editors_only: bool = False


MOVES = {
    "submit": Move(
        label="Submit for review",
        form=SubmitForm,
        run=lambda article, by, data: workflow.submit(
            article=article,
            by=by,
            reviewers=data["reviewers"],
            comment=data["comment"],
            unresolved_reason=data.get("unresolved_reason", ""),
            scope_override=data.get("scope_override", ""),
        ),
        done="Submitted for review.",
    ),
    "withdraw": Move(
        label="Withdraw from review",
        form=WithdrawForm,
        run=lambda article, by, data: workflow.withdraw(
            article=article, by=by, comment=data["comment"]
        ),
        done="Withdrawn from review; the article is a draft again.",
    ),
    "publish": Move(
        label="Publish",
        form=PublishForm,
        run=lambda article, by, data: workflow.publish(
            article=article, by=by, at=data["publish_at"]
        ),
        done="Done.",
        editors_only=True,
    ),
    "recertify": Move(
        label="Send for re-certification",
        form=RecertifyForm,
        run=lambda article, by, data: workflow.recertify(
            article=article,
            by=by,
            reviewers=data["reviewers"],
            comment=data["comment"],
            scope_override=data.get("scope_override", ""),
        ),
        done="Sent for re-certification; the live version stays up meanwhile.",
    ),
    "unpublish": Move(
        label="Unpublish",
        form=UnpublishForm,
        run=lambda article, by, data: workflow.unpublish(
            article=article, by=by, comment=data["comment"]
        ),
        done="Unpublished: readers no longer see the article.",
        editors_only=True,
    ),
    "schedule_unpublish": Move(
        label="Set an expiry",
        form=ScheduleUnpublishForm,
        run=lambda article, by, data: workflow.schedule_unpublish(
            article=article, by=by, at=data["unpublish_at"], comment=data["comment"]
        ),
        done="Done.",
        editors_only=True,
    ),
}


class MineFilter(admin.SimpleListFilter):
    title = "whose"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("yes", "My articles")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(author=request.user)
        return queryset


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review due"
    parameter_name = "review_due"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("30", "Within 30 days")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(published__next_review_due__lt=today)
        if self.value() == "30":
            return queryset.filter(
                published__next_review_due__gte=today,
                published__next_review_due__lte=today + datetime.timedelta(days=30),
            )
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "hero_thumbnail", "title", "state_shown", "author", "reading_time", "next_review",
        "updated_at",
    ]  # fmt: skip
    list_display_links = ["hero_thumbnail", "title"]
    ordering = ["-updated_at", "-pk"]
    list_filter = [MineFilter, "state", ReviewDueFilter, TagFilter, "author"]
    search_fields = ["title", "summary", "intro", "sections__heading", "sections__body"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SectionInline, RelatedTopicInline, ReferenceInline]
    autocomplete_fields = ["hero_image"]
    readonly_fields = [
        "hero_preview",
        "state",
        "unpublish_at",
        "review_schedule",
        "author",
        "reading_time",
        "link_check",
        "preview_link",
        "workflow_history",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "intro", "tags", "based_on_version"]}),
        ("Hero image", {"fields": ["hero_image", "hero_preview"]}),
        (
            "Status",
            {
                "fields": [
                    "state",
                    "author",
                    *EDITOR_ONLY_FIELDS,
                    "unpublish_at",
                    "review_schedule",
                    "review_interval_months",
                    "disclaimer",
                    "reading_time",
                    "link_check",
                    "preview_link",
                ]
            },
        ),
        ("History", {"fields": ["workflow_history"], "classes": ["collapse"]}),
    ]

    class Media:
        css = {"all": ["articles/admin/preview.css"]}
        js = ["articles/admin/section_order.js", "articles/admin/live_preview.js"]

    def get_queryset(self, request):
        # Writers and reviewers see their own articles and those they review; any live article
        # may also be picked as a related topic.
        also = Q(live_revision__isnull=False) if _picking_related_topic(request) else None
        return super().get_queryset(request).visible_to(request.user, also=also).for_admin_list()

    def _visible_or_404(self, request, object_id, queryset=Article.objects):
        if not self.has_view_permission(request):
            raise PermissionDenied
        # Another writer's draft is "not found", as in the editorial API.
        return get_object_or_404(queryset.visible_to(request.user), pk=object_id)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if workflow.is_editor(request.user):
            return readonly
        return [*readonly, *EDITOR_ONLY_FIELDS]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        # A live article must be unpublished (with a reason, recorded) before it can go.
        if obj is not None and obj.live_revision_id is not None:
            return False
        return super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        article = self.get_object(request, object_id)
        if article is not None and article.live_revision_id is not None:
            self.message_user(
                request,
                "A live article cannot be deleted. Unpublish it first (with a reason); its "
                "reviewed revisions then stay on record.",
                messages.ERROR,
            )
            return redirect("admin:articles_article_change", article.pk)
        return super().delete_view(request, object_id, extra_context)

    def view_on_site(self, article):
        # The frontend only has pages for live articles.
        if article.live_revision_id is not None:
            return article.get_absolute_url()
        return None

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            return self._tags_formfield(db_field, request)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _tags_formfield(self, db_field, request):
        # Taggit's own field is a comma-separated text box; writers pick from the tags that exist
        # (editors also get the + button to add one), so a misspelt duplicate tag is not created.
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        if comments := comment_answers.open_for(request, obj):
            kwargs["form"] = comment_answers.form_with_answers(self.form, comments)
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if comments := comment_answers.open_for(request, obj):
            # Right after the text fields the comments are about.
            return [fieldsets[0], comment_answers.fieldset(comments), *fieldsets[1:]]
        return fieldsets

    def save_model(self, request, obj, form, change):
        if change:
            # Checked again here, atomically, for a save that raced past the form's check.
            version = form.cleaned_data["based_on_version"]
            workflow.begin_edit(article=obj, by=request.user, version=version)
        else:
            obj.author = request.user
        super().save_model(request, obj, form, change)
        if "hero_image" in form.changed_data:
            image_cleanup.delete_if_unused([form.initial.get("hero_image")], by=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The first save counts too: the review page says who wrote the article, and when.
        before = form.instance.state
        article = workflow.record_edit(article=form.instance, by=request.user)
        if change:
            comment_answers.record(
                form, comment_answers.open_for(request, form.instance), request.user
            )
            if article.state != before:
                message = (
                    "The article now differs from the revision last submitted for review, so it "
                    "is a draft again and needs a new review."
                )
                if article.live_revision_id is not None:
                    message += " Readers keep seeing the published version meanwhile."
                self.message_user(request, message, messages.WARNING)
        for problem in form.instance.link_problems():
            self.message_user(request, link_warning(problem), messages.WARNING)

    @admin.display(description="")
    def hero_thumbnail(self, article):
        if article.hero_image is None:
            return ""
        return format_html(
            '<img src="{}" alt="{}" style="width:64px;height:48px;object-fit:cover">',
            article.hero_image.file.url,
            article.hero_image.alt,
        )

    @admin.display(description="state", ordering="state")
    def state_shown(self, article):
        return article.state_label

    @admin.display(description="current image")
    def hero_preview(self, article):
        image = article.hero_image
        if image is None:
            return "None. Upload one under Images, then pick it above by its alt text."
        return format_html(
            '<img src="{}" alt="{}" style="max-width:240px;max-height:160px"><br>{}<br>{}',
            image.file.url,
            image.alt,
            image.alt,
            image.credit,
        )

    @admin.display(description="next review")
    def review_schedule(self, article):
        schedule = article.pk and reminders.review_schedule(article)
        if not schedule:
            return "Set when it goes live."
        due = datetime.date.fromisoformat(schedule["next_review_due"])
        status = schedule["status"].replace("_", " ")
        sent = ", ".join(f"{r['days_before']} days before" for r in schedule["reminders_sent"])
        return f"Due {due:%d %b %Y} ({status}). Reminders sent: {sent or 'none yet'}."

    @admin.display(description="reading time")
    def reading_time(self, article):
        if article.pk is None:
            return "—"
        return f"{article.reading_time_minutes} min ({article.word_count} words)"

    @admin.display(description="next review", ordering="next_review_due")
    def next_review(self, article):
        due = article.next_review_due
        if due is None:
            return "—"
        today = timezone.localdate()
        shown = (
            format_html('<strong class="errornote">Overdue since {}</strong>', due)
            if due < today
            else due
        )
        if article.state != Article.State.PUBLISHED or due > today + RECERTIFY_AHEAD:
            return shown
        url = reverse("admin:articles_article_move", args=[article.pk, "recertify"])
        return format_html('{}<br><a href="{}">Send for re-certification</a>', shown, url)

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
        api_url = reverse("api:preview", args=[preview.issue_token(article=article)])
        return format_html(
            '<a href="{}">Preview the article as readers will see it</a><br>'
            'Frontend preview (JSON, valid for {} minutes): <a href="{}">{}</a>',
            url,
            settings.PREVIEW_TOKEN_MAX_AGE // 60,
            api_url,
            api_url[:60] + "…",
        )

    @admin.display(description="workflow history")
    def workflow_history(self, article):
        if article.pk is None:
            return "—"
        transitions = Transition.objects.filter(article=article).select_related("by", "revision")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    timezone.localtime(t.at).strftime("%Y-%m-%d %H:%M"),
                    t.by,
                    t.from_state,
                    t.to_state,
                    t.action,
                    self._diff_link(article, t.revision),
                    t.comment,
                )
                for t in transitions
            ),
        )
        return format_html(
            "<table><thead><tr><th>When</th><th>Who</th><th>State</th><th>Move</th>"
            "<th>Revision</th><th>Comment</th></tr></thead><tbody>{}</tbody></table>",
            rows or mark_safe("<tr><td colspan=6>No moves yet.</td></tr>"),
        )

    def _diff_link(self, article, revision):
        if revision is None:
            return "—"
        url = reverse("admin:articles_article_diff", args=[article.pk])
        return format_html(
            '<a href="{}?revision={}">#{}</a>', url, revision.number, revision.number
        )

    def get_urls(self):
        def view(name, function, route):
            return path(
                route, self.admin_site.admin_view(function), name=f"articles_article_{name}"
            )

        return [
            view("preview", self.preview_view, "<int:object_id>/preview/"),
            view("live_preview", self.live_preview_view, "<int:object_id>/preview/live/"),
            view("new_live_preview", self.live_preview_view, "preview/live/"),
            view("diff", self.diff_view, "<int:object_id>/diff/"),
            view("move", self.move_view, "<int:object_id>/move/<str:move>/"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        extra_context = dict(extra_context or {})
        if article is not None:
            allowed = workflow.allowed_moves(request.user, article)
            extra_context["workflow_moves"] = [
                (name, move.label) for name, move in MOVES.items() if name in allowed
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        # Django's change log shows saves only; the workflow's own record comes first.
        article = self._visible_or_404(request, object_id)
        extra_context = {**(extra_context or {}), "workflow_history": workflow_history(article)}
        return super().history_view(request, object_id, extra_context)

    def move_view(self, request, object_id, move):
        if move not in MOVES:
            raise Http404("No such move.")
        article = self._visible_or_404(request, object_id)
        spec = MOVES[move]
        if spec.editors_only and not workflow.is_editor(request.user):
            raise PermissionDenied(EDITORS_ONLY)
        data = request.POST if request.method == "POST" else None
        form = spec.form(data, article=article, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                with replicas.unconfirmed_moves() as behind, transaction.atomic():
                    article = spec.run(article, request.user, form.cleaned_data)
            except workflow.WorkflowError as error:
                form.add_error(None, str(error))
            else:
                done = spec.done
                if move == "publish":
                    done = _publish_message(article)
                elif move == "schedule_unpublish":
                    done = _expiry_message(article)
                self.message_user(request, done, messages.SUCCESS)
                warn_if_readers_may_lag(self, request, behind)
                return redirect("admin:articles_article_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{spec.label}: {article.title}",
            "opts": self.opts,
            "original": article,
            "form": form,
            "move_label": spec.label,
            "warnings": submission_warnings(article) if move == "submit" else [],
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/articles/article/move.html", context)

    def diff_view(self, request, object_id):
        article = self._visible_or_404(
            request, object_id, Article.objects.select_related("live_revision")
        )
        number = request.GET.get("revision")
        if number:
            number = parse_whole_number(number)
            if number is None or number > MAX_REVISION_NUMBER:
                raise Http404("No such revision.")
            revision = get_object_or_404(article.revisions, number=number)
            new, new_label = revision.snapshot, f"Revision {revision.number}"
        else:
            new, new_label = article.snapshot(), "Working copy"
        live = article.live_revision
        context = {
            **self.admin_site.each_context(request),
            "title": f"Changes: {article.title}",
            "opts": self.opts,
            "original": article,
            "revisions": article.revisions.all(),
            "comparison_title": (
                f"{new_label} compared with the live version, revision {live.number}"
                if live
                else f"{new_label}: not live yet, so all of it is new"
            ),
            # Word by word, as the review page shows it; nothing to compare before a first
            # publication.
            "changes": word_diff.compare(live.snapshot, new) if live else None,
        }
        return TemplateResponse(request, "admin/articles/article/diff.html", context)

    def preview_view(self, request, object_id):
        article = self._visible_or_404(request, object_id)
        return self._preview_page(request, article, previews.preview_context(article))

    def live_preview_view(self, request, object_id=None):
        """The form as it stands, unsaved, as readers would see it: a fragment for the change
        page's live preview (fetch), or a whole page for the no-JavaScript button."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._visible_or_404(request, object_id) if object_id else None
        if not (
            self.has_change_permission(request, article)
            if article
            else self.has_add_permission(request)
        ):
            raise PermissionDenied
        snapshot, errors = previews.unsaved_snapshot(self, request, article)
        context = {"form_errors": errors, "unsaved": True}
        if snapshot is not None:
            context |= previews.preview_context(article or Article(author=request.user), snapshot)
        if request.headers.get("X-Requested-With") == "fetch":
            return TemplateResponse(request, "admin/articles/includes/live_preview.html", context)
        return self._preview_page(request, article, context)

    def _preview_page(self, request, article, context):
        title = article.title if article else "New article"
        context = {
            **self.admin_site.each_context(request),
            "title": f"Preview: {title}",
            "opts": self.opts,
            "original": article,
            **context,
        }
        return TemplateResponse(request, "admin/articles/article/preview.html", context)


def _picking_related_topic(request):
    """Whether `request` is the autocomplete lookup of the related-topic picker."""
    return (
        request.resolver_match is not None
        and request.resolver_match.url_name == "autocomplete"
        and request.GET.get("model_name") == RelatedTopic._meta.model_name
    )


def warn_if_readers_may_lag(model_admin, request, replicas_behind):
    """After a move: tell the editor when some readers may not get it yet."""
    if replicas_behind:
        warning = replicas.unconfirmed_warning(replicas_behind)
        model_admin.message_user(request, warning, messages.WARNING)


def _expiry_message(article):
    if article.unpublish_at is None:
        return "Expiry cancelled: the article stays live."
    when = timezone.localtime(article.unpublish_at).strftime("%Y-%m-%d %H:%M")
    return f"Expiry set: readers stop seeing the article at {when}."


def _publish_message(article):
    if article.state == Article.State.SCHEDULED:
        when = timezone.localtime(article.publish_at).strftime("%Y-%m-%d %H:%M")
        return f"Scheduled: the article goes live at {when}."
    return "Published: readers now see the approved revision."
