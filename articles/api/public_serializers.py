"""Public representations. Cards and documents are rendered once, at publishing, and stored in
the read model; the serializers for them describe that stored shape for the OpenAPI schema.
Tags and reviewers are serialized from their rows."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.media_urls import absolute_image
from reviewers.models import Credential, Reviewer
from tags.models import CodeSystem, Tag, TagCode


class TagCodeSerializer(serializers.ModelSerializer):
    system = serializers.ChoiceField(
        choices=CodeSystem.choices, help_text="The terminology: ICD-10-CM, SNOMED-CT or MeSH."
    )
    code = serializers.CharField(help_text="The code in it, e.g. M54.50; used in ?code=.")
    display = serializers.CharField(help_text="The term the terminology gives the code.")

    class Meta:
        model = TagCode
        fields = ("system", "code", "display")


class TagRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="The tag's identifier, used in ?tag=.")
    name = serializers.CharField(help_text="The tag as printed.")
    kind = serializers.ChoiceField(choices=Tag.Kind.choices, help_text="What sort of label it is.")
    codes = TagCodeSerializer(
        many=True,
        required=False,
        help_text="What the tag names in clinical terminologies (absent from documents "
        "rendered before tags had codes).",
    )


class CredentialSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=Credential.Kind.choices, help_text="licence, board_certification or registration."
    )
    name = serializers.CharField(help_text='The kind as printed, e.g. "Board certification".')
    issuing_body = serializers.CharField(help_text="Who issued it and keeps its register.")
    region = serializers.CharField(help_text="Where it is valid; empty if nationwide.")
    valid_until = serializers.DateField(
        allow_null=True, help_text="Its last valid day; null if it does not expire."
    )
    number = serializers.CharField(
        allow_null=True, help_text="The licence number, only if the reviewer chose to show it."
    )
    verified_on = serializers.DateField(help_text="When an editor checked it with the issuer.")


class DisclosuresSerializer(serializers.Serializer):
    reviewer = serializers.CharField(
        help_text="The reviewer's disclosures when they approved this version; may be empty."
    )
    author = serializers.CharField(help_text="The author's disclosures then; may be empty.")
    conflict_declared = serializers.BooleanField(
        help_text="The reviewer declared a conflict of interest for this article."
    )
    conflict = serializers.CharField(help_text="What that conflict is; empty if none.")


class ReviewerRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="The reviewer's identifier.")
    name = serializers.CharField(help_text="Full name without titles.")
    credentials = serializers.CharField(help_text='Degrees as printed, e.g. "MD, FAAOS".')
    specialty = serializers.CharField(help_text="Medical specialty.")
    byline = serializers.CharField(help_text='Name and credentials: "Jane Roe, MD".')
    verified_credentials = CredentialSerializer(
        many=True,
        required=False,
        help_text="Licences and certifications an editor verified, in date when the document "
        "was rendered (absent from documents rendered before credentials were recorded).",
    )


class FocalPointSerializer(serializers.Serializer):
    x = serializers.FloatField(help_text="0 (left) to 1 (right).")
    y = serializers.FloatField(help_text="0 (top) to 1 (bottom).")


class ImageSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The image's id.")
    src = serializers.CharField(help_text="The cleaned original, without metadata.")
    width = serializers.IntegerField(help_text="The original's width in pixels.")
    height = serializers.IntegerField(help_text="The original's height in pixels.")
    format = serializers.CharField(help_text="jpeg, png or webp.")
    alt = serializers.CharField(help_text="Text describing the image.")
    credit = serializers.CharField(help_text="Who made the image.")
    placeholder = serializers.CharField(help_text="A tiny blurred data URI to show first.")
    focal_point = FocalPointSerializer(
        allow_null=True, help_text="Where to keep in view when cropping, if set."
    )
    srcset = serializers.CharField(help_text="WebP renditions as an HTML srcset (may be empty).")
    srcset_original_format = serializers.CharField(
        help_text="The same widths in the original format, as a srcset."
    )
    square_srcset = serializers.CharField(
        help_text="Square WebP crops around the focal point, as a srcset."
    )


class ArticleCardSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="The article's identifier in the API and the frontend.")
    url = serializers.URLField(help_text="The article's page on the frontend.")
    title = serializers.CharField(help_text="The headline.")
    summary = serializers.CharField(help_text="One or two sentences; also the meta description.")
    tags = TagRefSerializer(many=True, help_text="The article's tags, by name.")
    reviewer = ReviewerRefSerializer(help_text="The physician who approved this version.")
    published_at = serializers.DateTimeField(
        help_text="When the article first appeared: its original publication date if it was "
        "first published elsewhere, else when it first went live here."
    )
    updated_at = serializers.DateTimeField(help_text="When its live content last changed.")
    reading_time_minutes = serializers.IntegerField(help_text="Minutes to read, rounded up.")
    hero_image = ImageSerializer(allow_null=True, help_text="The lead image, if there is one.")


class TocEntrySerializer(serializers.Serializer):
    anchor = serializers.SlugField(help_text="The section's #fragment.")
    heading = serializers.CharField(help_text="The section's heading.")


class SectionSerializer(serializers.Serializer):
    anchor = serializers.SlugField(help_text="The section's #fragment, stable across edits.")
    heading = serializers.CharField(help_text="The section's H2 heading.")
    html = serializers.CharField(
        help_text="The body as sanitized HTML; links to other articles point to frontend URLs."
    )


class RelatedTopicSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="The related article's identifier.")
    title = serializers.CharField(help_text="Its headline.")
    summary = serializers.CharField(help_text="A line about it for the card.")
    url = serializers.URLField(help_text="Its page on the frontend.")


class ReferenceSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The cited source's title.")
    url = serializers.URLField(help_text="Where the source is.")
    publisher = serializers.CharField(help_text="Who publishes it.")
    accessed_on = serializers.DateField(allow_null=True, help_text="When the writer checked it.")
    doi = serializers.CharField(
        allow_null=True, required=False, help_text="The paper's DOI, e.g. 10.1056/NEJMoa2034577."
    )
    pmid = serializers.CharField(
        allow_null=True, required=False, help_text="The paper's PubMed ID, e.g. 31978945."
    )


class AuthorSerializer(serializers.Serializer):
    name = serializers.CharField(
        help_text="The name for the byline: the reviewed byline if the article has one, else "
        "the writer's name."
    )


class ArticleDocumentSerializer(ArticleCardSerializer):
    intro_html = serializers.CharField(help_text="The opening paragraph, sanitized HTML.")
    author = AuthorSerializer(allow_null=True, help_text="The writer.")
    disclosures = DisclosuresSerializer(
        required=False,
        help_text="Conflict-of-interest disclosures as they stood when this version was "
        "approved (absent from documents rendered before disclosures were recorded).",
    )
    last_reviewed_at = serializers.DateTimeField(help_text="When the reviewer approved it.")
    next_review_due = serializers.DateField(help_text="When the content is due for re-review.")
    review_overdue = serializers.BooleanField(help_text="True once next_review_due has passed.")
    review_status = serializers.ChoiceField(
        choices=["current", "due_soon", "overdue"],
        help_text="Where the review stands today: due_soon within REVIEW_REMINDER_DAYS' first "
        "(30 days by default) of next_review_due, overdue once it has passed.",
    )
    robots = serializers.CharField(
        allow_null=True,
        help_text='"noindex" for an overdue article when the site asks search engines not to '
        "index those (OVERDUE_POLICY=noindex); else null.",
    )
    word_count = serializers.IntegerField(help_text="Words in the intro and sections.")
    toc = TocEntrySerializer(many=True, help_text="The table of contents, in order.")
    sections = SectionSerializer(many=True, help_text="The sections, in order.")
    related_topics = RelatedTopicSerializer(
        many=True, help_text="Recommended articles, in order; only live ones are listed."
    )
    references = ReferenceSerializer(many=True, help_text="Cited sources, in order.")
    disclaimer = serializers.CharField(help_text="The medical disclaimer to print with it.")
    json_ld = serializers.DictField(help_text="schema.org MedicalWebPage markup, ready to embed.")
    revision = serializers.IntegerField(help_text="Which reviewed revision this is.")


class ArticlePreviewSerializer(ArticleDocumentSerializer):
    """A preview has the document's shape; parts that only exist once approved may be null."""

    reviewer = ReviewerRefSerializer(allow_null=True, help_text="Null until approved.")
    disclosures = DisclosuresSerializer(
        allow_null=True,
        required=False,
        help_text="Conflict-of-interest disclosures as they stood at approval; null until "
        "approved (absent from documents rendered before disclosures were recorded).",
    )
    published_at = serializers.DateTimeField(
        allow_null=True,
        help_text="The original publication date if set, else null until published.",
    )
    updated_at = serializers.DateTimeField(allow_null=True, help_text="Null until published.")
    last_reviewed_at = serializers.DateTimeField(allow_null=True, help_text="Null until approved.")
    next_review_due = serializers.DateField(allow_null=True, help_text="Null until approved.")
    review_overdue = serializers.BooleanField(help_text="Always false in a preview.")
    review_status = serializers.ChoiceField(
        choices=["current", "due_soon", "overdue"], help_text='Always "current" in a preview.'
    )
    robots = serializers.CharField(allow_null=True, help_text="Always null in a preview.")
    revision = serializers.IntegerField(
        allow_null=True, help_text="The revision shown, or null for the working copy."
    )


class TagSerializer(serializers.ModelSerializer):
    codes = TagCodeSerializer(
        many=True, read_only=True, help_text="What the tag names in clinical terminologies."
    )
    article_count = serializers.IntegerField(help_text="How many live articles carry the tag.")

    class Meta:
        model = Tag
        fields = ("slug", "name", "kind", "description", "codes", "article_count")
        extra_kwargs = {
            "slug": {"help_text": "The tag's identifier, used in ?tag=."},
            "name": {"help_text": "The tag as printed."},
        }


class ReviewerSerializer(serializers.ModelSerializer):
    photo = serializers.SerializerMethodField(help_text="The reviewer's photo, or null.")
    verified_credentials = serializers.SerializerMethodField(
        help_text="Licences and certifications an editor verified that are in date today."
    )
    article_count = serializers.IntegerField(help_text="Live articles this reviewer approved.")

    class Meta:
        model = Reviewer
        fields = ("slug", "name", "credentials", "specialty", "byline", "verified_credentials",
                  "bio", "photo", "article_count")  # fmt: skip

    @extend_schema_field(CredentialSerializer(many=True))
    def get_verified_credentials(self, reviewer):
        return reviewer.public_credentials()

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_photo(self, reviewer):
        if not reviewer.photo:
            return None
        return absolute_image(reviewer.photo.as_public(), self.context["request"])


class ReviewerDetailSerializer(ReviewerSerializer):
    articles = ArticleCardSerializer(
        many=True, source="live_cards", help_text="Live articles this reviewer approved."
    )

    class Meta(ReviewerSerializer.Meta):
        fields = (*ReviewerSerializer.Meta.fields, "articles")


class PaginatedCardsSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        required=False,
        help_text="How many articles match, on all pages. Absent when paging by cursor.",
    )
    next = serializers.URLField(allow_null=True, help_text="The next page, or null.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page, or null.")
    results = ArticleCardSerializer(many=True, help_text="This page's articles.")
