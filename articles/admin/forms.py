"""Forms of the article admin: the article itself and each workflow move."""

from dataclasses import dataclass

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils import timezone
from django.utils.text import normalize_newlines

from articles import list_limits, workflow
from articles.markdown_limits import check_article
from articles.models import Article, ReviewComment
from config.plain_text import validate_plain_text
from reviewers.models import Reviewer

# The id of the review page's decision form, which the boxes beside each part name.
DECISION_FORM_ID = "decision"


class TypedText(forms.CharField):
    """Text typed in a browser's textarea, with the line breaks it is stored with (LF), not the
    ones browsers send (CRLF): otherwise every section on the page counted as changed."""

    def to_python(self, value):
        return normalize_newlines(super().to_python(value))


class ArticleAdminForm(forms.ModelForm):
    # The version the writer's page was loaded at: saving over a newer one is refused, so two
    # people editing the same article never silently overwrite each other.
    based_on_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["based_on_version"].required = True
            self.fields["based_on_version"].initial = self.instance.version
        if "tags" in self.fields:
            self.fields["tags"].help_text += (
                f" At most {list_limits.TAGS.maximum}, chosen from those that exist: editors "
                "make new ones, so ask one if a tag you need is missing."
            )

    def clean_based_on_version(self):
        version = self.cleaned_data.get("based_on_version")
        if self.instance.pk and version != Article.objects.values_list("version", flat=True).get(
            pk=self.instance.pk
        ):
            raise forms.ValidationError(
                "Someone saved this article after you opened it. Copy your changes, reload "
                "the page and apply them again."
            )
        return version

    def clean_tags(self):
        tags = self.cleaned_data.get("tags")
        if tags is not None and len(tags) > list_limits.TAGS.maximum:
            raise forms.ValidationError(list_limits.TAGS.sentence(len(tags)))
        return tags

    def clean_intro(self):
        # The intro on its own; what it adds to the whole article is checked with the
        # sections (SectionFormSet), which see every section typed.
        intro = self.cleaned_data.get("intro", "")
        problem = check_article(intro, []).intro
        if problem:
            raise forms.ValidationError(problem)
        return intro

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "summary",
            "intro",
            "tags",
            "hero_image",
            "review_interval_months",
            "disclaimer",
            "byline",
            "first_published_at",
        ]
        field_classes = {"intro": TypedText, "summary": TypedText, "disclaimer": TypedText}
        widgets = {
            "title": forms.TextInput(attrs={"size": 80}),
            "slug": forms.TextInput(attrs={"size": 80}),
            "summary": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "disclaimer": forms.Textarea(attrs={"rows": 3, "cols": 80}),
        }


class MoveForm(forms.Form):
    """The form of one workflow move on one article, for `user`."""

    def __init__(self, *args, article, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        self.user = user


class SubmitForm(MoveForm):
    reviewers = forms.ModelMultipleChoiceField(
        queryset=Reviewer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Each reviewer gets the revision in their queue; the first decision counts. "
            "Reviewers who wrote the article or changed it since it was last approved are not "
            "offered: someone else must review those changes. Nor are those without a "
            "licence or certification an editor verified and in date."
        ),
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        required=False,
        help_text="Anything the reviewer should know.",
    )
    unresolved_reason = forms.CharField(
        label="Submit anyway because",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        required=False,
    )
    scope_override = forms.CharField(
        label="Outside the article's specialties because",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        required=False,
        max_length=1000,
        help_text="Only when a chosen reviewer holds none of the specialties the article's "
        "condition and specialty tags call for: why they review it anyway. Recorded in the "
        "audit trail.",
    )

    def __init__(self, *args, article, user=None, **kwargs):
        super().__init__(*args, article=article, user=user, **kwargs)
        if user is None or not workflow.is_editor(user):
            del self.fields["scope_override"]  # an editor's call
        # Only reviewers who can actually review this article are offered: not its author, nor
        # anyone who changed it since it was last approved.
        self.fields["reviewers"].queryset = Reviewer.objects.able_to_review().exclude(
            user_id__in=self.changed_by()
        )
        # Asked only while the last review's comments on parts of the article are open.
        unresolved = self.unresolved_comments()
        if unresolved:
            self.fields["unresolved_reason"].help_text = (
                f"{unresolved} of the reviewer's comments {'is' if unresolved == 1 else 'are'} "
                "not resolved. Resolve them in the article's form, or say here why you submit "
                "anyway; the reason is recorded in the history."
            )
        else:
            del self.fields["unresolved_reason"]

    def unresolved_comments(self):
        return workflow.open_comments(self.article).count()

    def changed_by(self):
        return workflow.contributors(self.article)


class RecertifyForm(SubmitForm):
    """Send the live version, unchanged, for review again as it comes due."""

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, article=article, **kwargs)
        self.fields["reviewers"].help_text = (
            "The live version goes to their queue unchanged. Approving it renews its review "
            "date; requesting changes sends it back to its author while it stays live."
        )

    def changed_by(self):
        return workflow.contributors(self.article, self.article.live_revision)

    def unresolved_comments(self):
        return 0  # the live version goes back unchanged: nothing to answer first


class WithdrawForm(MoveForm):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        required=False,
        help_text="Why the article is taken back from review.",
    )


class PublishForm(MoveForm):
    publish_at = forms.SplitDateTimeField(
        required=False,
        widget=AdminSplitDateTime,
        help_text="Leave blank to publish now, or choose a time to schedule publication "
        "(date as YYYY-MM-DD, time as HH:MM).",
    )


class UnpublishForm(MoveForm):
    comment = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Recorded in the article's history.",
    )


class ScheduleUnpublishForm(MoveForm):
    unpublish_at = forms.SplitDateTimeField(
        label="Take down at",
        required=False,
        widget=AdminSplitDateTime,
        help_text="When readers stop seeing the article (date as YYYY-MM-DD, time as HH:MM); "
        "leave blank to cancel the expiry set before.",
    )
    comment = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Recorded in the article's history, e.g. the guidance it follows runs out.",
    )

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, article=article, **kwargs)
        if article.unpublish_at:
            self.fields["unpublish_at"].initial = timezone.localtime(article.unpublish_at)


class ReviewDecisionForm(forms.Form):
    """The reviewer's decision. Its boxes for comments on parts, and the boxes to take back
    comments made earlier, are shown beside each part of the document, outside the <form>
    element: they name it in their `form` attribute (DECISION_FORM_ID)."""

    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        required=False,
        help_text="When you request changes, say what needs to change, here for the whole "
        "revision or beside the part it is about.",
    )
    conflict_declared = forms.BooleanField(
        label="I have a conflict of interest with this article",
        required=False,
        help_text="Recorded with your approval and shown to readers with the article.",
    )
    conflict_note = forms.CharField(
        label="What the conflict is",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        required=False,
        max_length=1000,
        validators=[validate_plain_text],
        help_text='e.g. "Consults for the maker of a brace the article mentions."',
    )
    take_back = forms.ModelMultipleChoiceField(
        queryset=ReviewComment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"form": DECISION_FORM_ID}),
    )

    def __init__(self, *args, snapshot, own_comments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if own_comments is not None:
            self.fields["take_back"].queryset = own_comments
        # One optional box per part of the revision: (field name, target, section anchor).
        self.parts = [
            ("on_title", "title", ""),
            ("on_summary", "summary", ""),
            ("on_intro", "intro", ""),
            *(
                (f"on_section_{number}", "section", section["anchor"])
                for number, section in enumerate(snapshot["sections"], start=1)
            ),
        ]
        headings = [section["heading"] for section in snapshot["sections"]]
        labels = ["Title", "Summary", "Intro", *(f"Section “{h}”" for h in headings)]
        for (name, _target, _anchor), label in zip(self.parts, labels, strict=True):
            self.fields[name] = forms.CharField(
                label=f"Your comment on the {label[0].lower()}{label[1:]}",
                required=False,
                max_length=workflow.COMMENT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3, "cols": 60, "form": DECISION_FORM_ID}),
            )

    def part_fields(self):
        return [self[name] for name, _target, _anchor in self.parts]

    def beside_each_part(self, comments):
        """What goes beside each part of the document: its box and the `comments` already
        made on it, keyed by target ("title", "summary", "intro") or a section's anchor."""
        ticked = {str(pk) for pk in self["take_back"].value() or []}
        slots = {
            anchor or target: PartComments(field=self[name], earlier=[])
            for name, target, anchor in self.parts
        }
        for comment in comments:
            slot = slots.get(comment.section_anchor or comment.target)
            if slot is not None:
                slot.earlier.append((comment, str(comment.pk) in ticked))
        return slots

    def part_comments(self):
        """The comments typed on parts, as (target, section anchor, text) for the workflow."""
        return [
            (target, anchor, self.cleaned_data[name])
            for name, target, anchor in self.parts
            if self.cleaned_data.get(name, "").strip()
        ]

    def clean(self):
        cleaned = super().clean()
        if "approve" in self.data and self.part_comments():
            raise forms.ValidationError(
                "Comments on parts go back to the writer with a request for changes; approve "
                "without them, or request changes."
            )
        return cleaned


@dataclass
class PartComments:
    """One part of the document on the review page: the box for a new comment on it, and the
    reviewer's comments already made on it, which they may take back before deciding."""

    field: forms.BoundField
    # (comment, whether its "take back" box is ticked), in the order they were made.
    earlier: list

    @property
    def is_open(self):
        """Unfolded when there is something to see: an error, typed text or a comment."""
        return bool(self.field.errors or self.field.value() or self.earlier)
