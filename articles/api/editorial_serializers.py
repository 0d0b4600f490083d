"""Representations of the editorial API: working copies, reviews and history, for staff."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles import list_limits, workflow
from articles.api.public_serializers import ImageSerializer
from articles.editing import ARTICLE_FIELDS, EDITOR_ONLY_FIELDS, WorkingCopy
from articles.identifiers import normal_doi, normal_pmid
from articles.markdown_limits import check_article
from articles.media_urls import absolute_image
from articles.models import (
    Article,
    ArticleRevision,
    Reference,
    Review,
    ReviewComment,
    Transition,
)
from articles.reminders import review_schedule
from config.plain_text import validate_plain_text
from images import processing
from reviewers.models import Reviewer
from tags.models import Tag

# The longest note recorded with a move: a few screens of text.
MOVE_NOTE_MAX_LENGTH = 5000


class EditorialSectionSerializer(serializers.Serializer):
    anchor = serializers.SlugField(
        max_length=100, required=False, allow_blank=True, help_text="Derived when left out."
    )
    heading = serializers.CharField(
        max_length=200, validators=[validate_plain_text], help_text="The section's H2 heading."
    )
    body = serializers.CharField(help_text="Markdown; link articles with article:SLUG#anchor.")


RELATED_TOPIC_SCHEMA = {
    "oneOf": [
        {"type": "string", "description": "The related article's slug."},
        {
            "type": "object",
            "properties": {
                "slug": {"type": "string", "description": "The related article's slug."},
                "blurb": {"type": "string", "description": "Text for the card (optional)."},
            },
            "required": ["slug"],
        },
    ]
}


@extend_schema_field(RELATED_TOPIC_SCHEMA)
class RelatedTopicField(serializers.Field):
    """A related topic given as a slug, or as {"slug": …, "blurb": …}."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = {"slug": data}
        if not isinstance(data, dict) or not isinstance(data.get("slug"), str):
            raise serializers.ValidationError('Give a slug, or an object with "slug" and "blurb".')
        blurb = data.get("blurb") or ""
        if not isinstance(blurb, str) or len(blurb) > 300:
            raise serializers.ValidationError("A blurb is text of at most 300 characters.")
        try:
            validate_plain_text(blurb)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return {"slug": data["slug"], "blurb": blurb}

    def to_representation(self, topic):
        return {"slug": topic.to_article.slug, "blurb": topic.blurb}


class EditorialReferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reference
        fields = ("label", "url", "publisher", "accessed_on", "doi", "pmid")

    def validate_url(self, url):
        if not url.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("References must be http or https addresses.")
        return url

    def validate_doi(self, doi):
        return normal_doi(doi)  # the field's validator has taken it in any usual form

    def validate_pmid(self, pmid):
        return normal_pmid(pmid)


ARTICLE_LISTS = {
    "tags": list_limits.TAGS,
    "sections": list_limits.SECTIONS,
    "related_topics": list_limits.RELATED_TOPICS,
    "references": list_limits.REFERENCES,
}


def refuse_long_lists(data, limits):
    """Raise a ValidationError naming each list of `data` longer than its limit in `limits`
    (field name to ListLimit), with the count sent.

    Counted before any item is looked at: DRF checks a ListField's max_length only after it has
    validated every item, so 100,000 tags would cost 100,000 validations to refuse. The fields'
    own max_length stays for form input (the browsable API), where lists arrive as separate
    form fields rather than as JSON lists, and gives list fields a maxItems in the schema.
    """
    if not isinstance(data, dict):
        return
    errors = {}
    for name, limit in limits.items():
        if sentence := limit.refusal(data.get(name)):
            errors[name] = [sentence]
    if errors:
        raise serializers.ValidationError(errors)


def capped(limit, description):
    """A list field's length limit (from articles/list_limits.py), its sentence when passed,
    and its description saying so."""
    return {
        "max_length": limit.maximum,
        "error_messages": {"max_length": limit.sentence()},
        "help_text": f"{description} At most {limit.maximum}.",
    }


class ArticleWriteSerializer(serializers.ModelSerializer):
    """What a writer sends to create or change a working copy. Lists replace what is there."""

    tags = serializers.ListField(
        child=serializers.SlugField(),
        required=False,
        **capped(list_limits.TAGS, "Slugs of existing tags."),
    )
    sections = EditorialSectionSerializer(
        many=True,
        required=False,
        **capped(list_limits.SECTIONS, "All the sections, in order; replaces the old ones."),
    )
    related_topics = serializers.ListField(
        child=RelatedTopicField(),
        required=False,
        **capped(
            list_limits.RELATED_TOPICS,
            "Related articles in order, as slugs or {slug, blurb}; replaces the old ones.",
        ),
    )
    references = EditorialReferenceSerializer(
        many=True,
        required=False,
        **capped(list_limits.REFERENCES, "Cited sources in order; replaces the old ones."),
    )
    version = serializers.IntegerField(
        required=False,
        write_only=True,
        help_text="The version this edit is based on (or send If-Match with the ETag).",
    )

    class Meta:
        model = Article
        fields = (*ARTICLE_FIELDS, "tags", "sections", "related_topics", "references", "version")
        extra_kwargs = {
            name: {
                "help_text": f"{Article._meta.get_field(name).help_text} Only editors may "
                "change it; a writer sending another value gets 403."
            }
            for name in EDITOR_ONLY_FIELDS
        }

    def to_representation(self, instance):
        # Only the browsable API reads a write serializer (to fill its PATCH form), and tags
        # and related topics are managers this class's list fields cannot read: show the
        # article as the read serializer does, in the fields a write takes.
        shown = EditorialArticleSerializer(instance, context=self.context).data
        return {name: shown[name] for name in self.fields if name in shown}

    def to_internal_value(self, data):
        refuse_long_lists(data, ARTICLE_LISTS)
        return super().to_internal_value(data)

    def validate_tags(self, slugs):
        tags = list(Tag.objects.filter(slug__in=slugs))
        missing = sorted(set(slugs) - {tag.slug for tag in tags})
        if missing:
            raise serializers.ValidationError(f"No tag has the slug: {', '.join(missing)}.")
        return tags

    def validate_sections(self, sections):
        anchors = [section["anchor"] for section in sections if section.get("anchor")]
        if len(anchors) != len(set(anchors)):
            raise serializers.ValidationError("Two sections have the same anchor.")
        return sections

    def validate_related_topics(self, topics):
        slugs = [topic["slug"] for topic in topics]
        if len(slugs) != len(set(slugs)):
            raise serializers.ValidationError("An article is listed twice.")
        if self.instance is not None and self.instance.slug in slugs:
            raise serializers.ValidationError("An article cannot be a related topic of itself.")
        targets = Article.objects.in_bulk(slugs, field_name="slug")
        missing = [slug for slug in slugs if slug not in targets]
        if missing:
            raise serializers.ValidationError(f"No article has the slug: {', '.join(missing)}.")
        return [{"article": targets[t["slug"]], "blurb": t["blurb"]} for t in topics]

    def validate(self, data):
        if self.instance is None:
            missing = [name for name in ("title", "slug", "summary") if name not in data]
            if missing:
                raise serializers.ValidationError(
                    {name: "This field is required." for name in missing}
                )
        self._check_editor_only_fields(data)
        self._check_markdown_limits(data)
        return data

    def _check_editor_only_fields(self, data):
        """Refuse a writer's change to a field only editors set; sending the stored value
        back (a whole article, read and written again) is not a change."""
        if workflow.is_editor(self.context["request"].user):
            return
        for name in EDITOR_ONLY_FIELDS:
            stored = getattr(self.instance, name) if self.instance else None
            if name in data and (data[name] or None) != (stored or None):
                raise workflow.NotAllowed(
                    "Only editors can set the byline and the original publication date."
                )

    def _check_markdown_limits(self, data):
        """Refuse Markdown over the limits, naming the section and the limit; the total counts
        the stored intro or sections when only the other is sent."""
        if "intro" not in data and "sections" not in data:
            return
        stored = self.instance
        intro = data.get("intro", stored.intro if stored else "")
        if "sections" in data:
            sections = [(section["heading"], section["body"]) for section in data["sections"]]
        else:
            sections = list(stored.sections.values_list("heading", "body")) if stored else []
        problems = check_article(intro, sections)
        if not problems:
            return
        errors = {}
        if problems.intro:
            errors["intro"] = [problems.intro]
        if problems.sections and "sections" in data:
            errors["sections"] = [
                {"body": [problems.sections[index]]} if index in problems.sections else {}
                for index in range(len(sections))
            ]
        elif problems.sections:  # stored sections over a limit, sent unchanged by omission
            errors["sections"] = [problems.sections[index] for index in sorted(problems.sections)]
        if problems.article:
            errors["non_field_errors"] = problems.article
        raise serializers.ValidationError(errors)

    def working_copy(self):
        data = self.validated_data
        return WorkingCopy(
            fields={name: data[name] for name in ARTICLE_FIELDS if name in data},
            tags=data.get("tags"),
            sections=data.get("sections"),
            related_topics=data.get("related_topics"),
            references=data.get("references"),
        )


class ImageUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A JPEG, PNG or WebP image.")
    alt = serializers.CharField(
        max_length=300,
        validators=[validate_plain_text],
        help_text="What the image shows. Required.",
    )
    credit = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_plain_text],
        help_text="Who made it.",
    )
    focal_x = serializers.FloatField(
        min_value=0, max_value=1, required=False, allow_null=True, default=None,
        help_text="Horizontal point to keep in view when cropping, 0 to 1.",
    )  # fmt: skip
    focal_y = serializers.FloatField(
        min_value=0, max_value=1, required=False, allow_null=True, default=None,
        help_text="Vertical point to keep in view when cropping, 0 to 1.",
    )  # fmt: skip

    def to_internal_value(self, data):
        # A multipart form may repeat a field; which copy would win is not the sender's choice.
        if hasattr(data, "getlist"):
            repeated = [name for name in self.fields if len(data.getlist(name)) > 1]
            if repeated:
                raise serializers.ValidationError(
                    {name: ["Send this field once."] for name in repeated}
                )
        return super().to_internal_value(data)

    def validate_file(self, upload):
        try:
            self.clean_picture = processing.clean_upload(upload)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return upload

    def validate(self, data):
        if (data["focal_x"] is None) != (data["focal_y"] is None):
            raise serializers.ValidationError("A focal point needs both focal_x and focal_y.")
        return data


class RenditionSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="width (scaled) or square (cropped at the focal point).")
    format = serializers.CharField(help_text="webp or the original's format.")
    width = serializers.IntegerField(help_text="Width in pixels.")
    height = serializers.IntegerField(help_text="Height in pixels.")
    src = serializers.CharField(
        allow_null=True, help_text="Its URL, or null while it is being made in the background."
    )


class EditorialImageSerializer(ImageSerializer):
    renditions = RenditionSerializer(many=True, help_text="Every rendition, made or planned.")
    locked_at = serializers.DateTimeField(
        allow_null=True,
        help_text=(
            "When a revision submitted for review first used the image; from then on its alt "
            "text, credit and focal point never change (edits make a new image). Null before."
        ),
    )


class EditorialArticleSerializer(serializers.ModelSerializer):
    """A working copy as staff see it, with where it stands in the workflow."""

    author = serializers.CharField(source="author.get_username", help_text="The writer's username.")
    tags = serializers.SerializerMethodField(help_text="Slugs of the article's tags.")
    sections = EditorialSectionSerializer(many=True, help_text="The sections, in order.")
    related_topics = serializers.SerializerMethodField(
        help_text="Related articles, in order, by slug with an optional blurb."
    )
    references = EditorialReferenceSerializer(many=True, help_text="Cited sources, in order.")
    current_revision = serializers.IntegerField(
        source="current_revision.number",
        default=None,
        allow_null=True,
        help_text="The number of the revision last submitted, or null.",
    )
    live_revision = serializers.IntegerField(
        source="live_revision.number",
        default=None,
        allow_null=True,
        help_text="The number of the revision readers see, or null when not live.",
    )
    moves = serializers.SerializerMethodField(help_text="Moves the requesting user may make now.")
    review = serializers.SerializerMethodField(
        help_text="Where a live article's review stands, and the reminders sent."
    )
    hero_image = serializers.SerializerMethodField(help_text="The hero image, or null.")

    class Meta:
        model = Article
        fields = (
            "id",
            "version",
            "state",
            *ARTICLE_FIELDS,
            "author",
            "tags",
            "sections",
            "related_topics",
            "references",
            "current_revision",
            "live_revision",
            "publish_at",
            "unpublish_at",
            "moves",
            "review",
            "created_at",
            "updated_at",
        )
        extra_kwargs = {
            "id": {"help_text": "The article's id in the editorial API."},
            "state": {"help_text": "Where the working copy is in the review workflow."},
            "publish_at": {"help_text": "When a scheduled article goes live, else null."},
            "unpublish_at": {"help_text": "When a live article is taken down, if set, else null."},
            "created_at": {"help_text": "When the article was created."},
            "updated_at": {"help_text": "When the working copy was last saved."},
        }

    def get_tags(self, article) -> list[str]:
        return sorted(tag.slug for tag in article.tags.all())

    @extend_schema_field(
        {"type": "array", "items": RELATED_TOPIC_SCHEMA["oneOf"][1], "description": "Related."}
    )
    def get_related_topics(self, article):
        return [
            {"slug": topic.to_article.slug, "blurb": topic.blurb}
            for topic in article.related_topics.all()
        ]

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_hero_image(self, article):
        if not article.hero_image_id:
            return None
        return absolute_image(article.hero_image.as_public(), self.context["request"])

    def get_moves(self, article) -> list[str]:
        return sorted(workflow.allowed_moves(self.context["request"].user, article))

    @extend_schema_field(
        {
            "type": ["object", "null"],
            "description": "For a live article: next_review_due, status (current, due_soon or "
            "overdue) and reminders_sent for that date (days_before, sent_at); null otherwise.",
        }
    )
    def get_review(self, article):
        return review_schedule(article)


class SubmitSerializer(serializers.Serializer):
    reviewers = serializers.ListField(
        child=serializers.SlugField(),
        allow_empty=False,
        **capped(list_limits.REVIEWERS, "Slugs of reviewers."),
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=MOVE_NOTE_MAX_LENGTH,
        help_text="A note for the reviewers.",
    )
    unresolved_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=MOVE_NOTE_MAX_LENGTH,
        help_text="Why you submit while comments of the last review are unresolved; required "
        "then, and recorded with the move.",
    )
    scope_override = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=1000,
        help_text="Editors: why a reviewer outside the article's specialties reviews it; "
        "required then, and recorded with the move.",
    )

    def to_internal_value(self, data):
        refuse_long_lists(data, {"reviewers": list_limits.REVIEWERS})
        return super().to_internal_value(data)

    def validate_reviewers(self, slugs):
        reviewers = Reviewer.objects.in_bulk(slugs, field_name="slug")
        missing = [slug for slug in slugs if slug not in reviewers]
        if missing:
            raise serializers.ValidationError(f"No reviewer has the slug: {', '.join(missing)}.")
        return [reviewers[slug] for slug in dict.fromkeys(slugs)]


class PublishSerializer(serializers.Serializer):
    publish_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Omit to publish now."
    )


class PreviewTokenSerializer(serializers.Serializer):
    revision = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2_147_483_647,  # what a revision number column holds on every database
        help_text="A revision number; omit for the working copy.",
    )


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=MOVE_NOTE_MAX_LENGTH,
        help_text="Recorded with the move.",
    )


class ScheduleUnpublishSerializer(CommentSerializer):
    unpublish_at = serializers.DateTimeField(
        allow_null=True, help_text="When readers stop seeing the article; null cancels it."
    )


class ApproveSerializer(CommentSerializer):
    conflict_declared = serializers.BooleanField(
        required=False,
        default=False,
        help_text="You have a conflict of interest with this article; readers are shown it.",
    )
    conflict_note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=1000,
        validators=[validate_plain_text],
        help_text="What the conflict is; required with conflict_declared.",
    )


class RecertifySerializer(SubmitSerializer):
    # The live version goes back unchanged: no comments of a review to answer first.
    unresolved_reason = None


class RequestChangesSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=MOVE_NOTE_MAX_LENGTH,
        help_text="What needs to change. Required unless the review has comments on its parts "
        "(POST …/comments/ first).",
    )


class ReviewCommentSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="The reviewer's username."
    )
    resolved_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Who resolved it; null while open."
    )
    replied_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Who wrote the reply; null without one."
    )
    resolved = serializers.BooleanField(
        source="is_resolved", read_only=True, help_text="Whether the writer has resolved it."
    )

    class Meta:
        model = ReviewComment
        fields = (
            "id",
            "target",
            "section_anchor",
            "section_heading",
            "body",
            "created_by",
            "created_at",
            "reply",
            "replied_by",
            "replied_at",
            "resolved",
            "resolved_by",
            "resolved_at",
        )
        read_only_fields = (
            "id",
            "section_heading",
            "created_by",
            "created_at",
            "reply",
            "replied_by",
            "replied_at",
            "resolved_by",
            "resolved_at",
        )
        extra_kwargs = {
            "id": {"help_text": "The comment's id, for …/comments/{id}/resolve/."},
            "created_at": {"help_text": "When the reviewer wrote it."},
            "reply": {"help_text": "The writer's answer; empty without one."},
            "replied_at": {"help_text": "When the reply was written."},
            "resolved_at": {"help_text": "When it was resolved; null while open."},
            "target": {"help_text": "What the comment is about: title, summary, intro or section."},
            "section_anchor": {
                "required": False,
                "help_text": "The section's anchor in the revision; only with target section.",
            },
            "section_heading": {
                "help_text": "That section's heading in the revision commented on."
            },
            "body": {"help_text": "The comment.", "max_length": workflow.COMMENT_MAX_LENGTH},
        }


class ResolveCommentSerializer(serializers.Serializer):
    reply = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=workflow.COMMENT_MAX_LENGTH,
        help_text="What you changed, or why you left it; kept with the comment.",
    )


class ReviewSerializer(serializers.ModelSerializer):
    article = serializers.IntegerField(
        source="revision.article_id", read_only=True, help_text="The article's id."
    )
    article_title = serializers.CharField(
        source="revision.article.title", read_only=True, help_text="The article's current title."
    )
    revision = serializers.IntegerField(
        source="revision.number", read_only=True, help_text="The revision under review."
    )
    content_hash = serializers.CharField(
        source="revision.content_hash",
        read_only=True,
        help_text="SHA-256 of the revision's snapshot: what an approval covers.",
    )
    reviewer = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="The assigned reviewer's slug."
    )

    class Meta:
        model = Review
        fields = (
            "id",
            "article",
            "article_title",
            "revision",
            "content_hash",
            "reviewer",
            "kind",
            "decision",
            "comment",
            "assigned_at",
            "decided_at",
            "conflict_declared",
            "conflict_note",
            "reviewer_disclosure",
            "author_disclosure",
        )
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The review's id."},
            "decision": {"help_text": "pending until the reviewer decides."},
            "comment": {"help_text": "The reviewer's comment."},
            "assigned_at": {"help_text": "When the review was requested."},
            "decided_at": {"help_text": "When the reviewer decided, else null."},
        }


class RevisionSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(
        source="created_by.get_username", help_text="Who submitted it."
    )

    class Meta:
        model = ArticleRevision
        fields = ("number", "content_hash", "created_by", "created_at", "snapshot")
        extra_kwargs = {
            "number": {"help_text": "1 for the first submission, then 2, 3…"},
            "content_hash": {"help_text": "SHA-256 of the canonical JSON snapshot."},
            "created_at": {"help_text": "When it was submitted."},
            "snapshot": {"help_text": "The frozen working copy, exactly as reviewed."},
        }


class TransitionSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.get_username", help_text="Who made the move.")
    revision = serializers.IntegerField(
        source="revision.number", default=None, help_text="The revision it concerned."
    )

    class Meta:
        model = Transition
        fields = ("at", "by", "action", "from_state", "to_state", "revision", "comment")
        extra_kwargs = {
            "at": {"help_text": "When."},
            "action": {"help_text": "submit, approve, publish, edit, unpublish…"},
            "from_state": {"help_text": "The state before."},
            "to_state": {"help_text": "The state after."},
            "comment": {"help_text": "What the person wrote with the move."},
        }


class HistorySerializer(serializers.Serializer):
    transitions = TransitionSerializer(many=True, help_text="Every move, newest first.")
    revisions = RevisionSerializer(many=True, help_text="Every revision, newest first.")


class PreviewLinkSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The signed token.")
    api_url = serializers.CharField(help_text="The public preview endpoint for the token.")
    expires_at = serializers.DateTimeField(help_text="When the link stops working.")
