"""The editorial API: staff create and edit working copies and move them through the workflow.

Authenticated with a token (`python manage.py drf_create_token USER`) or an admin session.
Every move is one call into `articles.workflow`, so the rules are the admin's rules.
"""

import django_filters
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.http import parse_etags
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import editing, preview, workflow
from articles.api.editorial_serializers import (
    ApproveSerializer,
    ArticleWriteSerializer,
    CommentSerializer,
    EditorialArticleSerializer,
    EditorialImageSerializer,
    HistorySerializer,
    ImageUploadSerializer,
    PreviewLinkSerializer,
    PreviewTokenSerializer,
    PublishSerializer,
    RecertifySerializer,
    RequestChangesSerializer,
    ResolveCommentSerializer,
    ReviewCommentSerializer,
    ReviewSerializer,
    RevisionSerializer,
    ScheduleUnpublishSerializer,
    SubmitSerializer,
    TransitionSerializer,
)
from articles.api.errors import PreconditionFailed, PreconditionRequired
from articles.api.uploads import SizeLimitedFileUploadHandler
from articles.media_urls import absolute_image, absolute_url
from articles.models import Article, Review, Transition
from articles.whole_numbers import parse_whole_number
from config import replicas
from images.models import Image
from images.tasks import generate_renditions


class IsStaff(permissions.BasePermission):
    message = "The editorial API is for staff accounts (writers, reviewers and editors)."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.is_staff)


STAR_NAMES_NO_VERSION = (
    "`If-Match: *` only says that the article exists; it names no version. Send the ETag of "
    "the version your edit is based on in If-Match, or a `version` field."
)


def article_etag(article):
    return f'"article-{article.pk}-v{article.version}"'


class ArticleFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=Article.State.choices)

    class Meta:
        model = Article
        fields = ["state"]


def says_when_readers_may_lag(viewset):
    """For a viewset whose actions move articles (publish, unpublish, a re-certification's
    approval): a move some readers may not get yet says so, with 202 and a sentence."""
    dispatch, finalize_response = viewset.dispatch, viewset.finalize_response

    def dispatch_noting_replicas(self, request, *args, **kwargs):
        with replicas.unconfirmed_moves() as self.replicas_behind:
            return dispatch(self, request, *args, **kwargs)

    def finalize_noting_replicas(self, request, response, *args, **kwargs):
        behind = getattr(self, "replicas_behind", ())
        if behind and response.status_code < 300 and isinstance(response.data, dict):
            response.status_code = status.HTTP_202_ACCEPTED
            response.data = {**response.data, "visibility": replicas.unconfirmed_warning(behind)}
        return finalize_response(self, request, response, *args, **kwargs)

    viewset.dispatch = dispatch_noting_replicas
    viewset.finalize_response = finalize_noting_replicas
    return viewset


@extend_schema_view(
    list=extend_schema(description="Working copies you may see, newest first; ?state= filters."),
    retrieve=extend_schema(description="One working copy, with its ETag for later edits."),
    create=extend_schema(
        description="Create a draft with its sections, tags, related topics and references.",
        responses={201: EditorialArticleSerializer},
    ),
    partial_update=extend_schema(
        description=(
            "Change a working copy. Send If-Match with the ETag (412 when stale) or a `version` "
            "field (409 when stale). Lists sent replace the old ones."
        ),
        responses={200: EditorialArticleSerializer},
    ),
)
@says_when_readers_may_lag
class EditorialArticleViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsStaff]
    filterset_class = ArticleFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Article.objects.none()
        return Article.objects.visible_to(self.request.user).for_editorial_api().order_by("-pk")

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return ArticleWriteSerializer
        return EditorialArticleSerializer

    def retrieve(self, request, *args, **kwargs):
        article = self.get_object()
        return self._article_response(article)

    def create(self, request, *args, **kwargs):
        serializer = ArticleWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        article = editing.create_article(by=request.user, content=serializer.working_copy())
        return self._article_response(article, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        article = self.get_object()
        version, from_header = self._based_on_version(request)
        serializer = ArticleWriteSerializer(
            article, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        try:
            article = editing.update_article(
                article=article,
                by=request.user,
                content=serializer.working_copy(),
                version=version,
            )
        except workflow.StaleVersion as error:
            if from_header:
                raise PreconditionFailed(str(error)) from error
            raise
        return self._article_response(article)

    @extend_schema(
        description="Freeze the working copy into a revision and ask reviewers to review it.",
        request=SubmitSerializer,
        responses=EditorialArticleSerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        data = self._valid(SubmitSerializer, request)
        return self._move(
            workflow.submit,
            reviewers=data["reviewers"],
            comment=data["comment"],
            unresolved_reason=data["unresolved_reason"],
            scope_override=data["scope_override"],
        )

    @extend_schema(
        description=(
            "Send a live article, unchanged since it went live, to reviewers again as its review "
            "comes due. No new revision: approving moves its review dates; requesting changes "
            "sends it back to its author while the live version stays up. Editors and the author."
        ),
        request=RecertifySerializer,
        responses=EditorialArticleSerializer,
    )
    @action(detail=True, methods=["post"])
    def recertify(self, request, pk=None):
        data = self._valid(RecertifySerializer, request)
        return self._move(
            workflow.recertify,
            reviewers=data["reviewers"],
            comment=data["comment"],
            scope_override=data["scope_override"],
        )

    @extend_schema(
        description="Take the article back from review before anyone decided.",
        request=CommentSerializer,
        responses=EditorialArticleSerializer,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._move(
            workflow.withdraw, comment=self._valid(CommentSerializer, request)["comment"]
        )

    @extend_schema(
        description="Editors: publish the approved revision now, or schedule it (publish_at).",
        request=PublishSerializer,
        responses=EditorialArticleSerializer,
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._move(
            workflow.publish, at=self._valid(PublishSerializer, request)["publish_at"]
        )

    @extend_schema(
        description="Editors: take the live version down, with a reason.",
        request=CommentSerializer,
        responses=EditorialArticleSerializer,
    )
    @action(detail=True, methods=["post"])
    def unpublish(self, request, pk=None):
        return self._move(
            workflow.unpublish, comment=self._valid(CommentSerializer, request)["comment"]
        )

    @extend_schema(
        description="Editors: set when the live article is taken down (`unpublish_at`), or "
        "cancel that with null; it is unpublished then, with the webhooks.",
        request=ScheduleUnpublishSerializer,
        responses=EditorialArticleSerializer,
    )
    @action(detail=True, methods=["post"], url_path="schedule-unpublish")
    def schedule_unpublish(self, request, pk=None):
        data = self._valid(ScheduleUnpublishSerializer, request)
        return self._move(
            workflow.schedule_unpublish, at=data["unpublish_at"], comment=data["comment"]
        )

    @extend_schema(
        description="A signed, expiring link to the public preview of the article.",
        request=PreviewTokenSerializer,
        responses={201: PreviewLinkSerializer},
    )
    @action(detail=True, methods=["post"], url_path="preview-token")
    def preview_token(self, request, pk=None):
        """A signed link to the public preview of the working copy, or of `revision` if given."""
        article = self.get_object()
        data = self._valid(PreviewTokenSerializer, request)
        revision = None
        if data.get("revision") is not None:
            revision = article.revisions.filter(number=data["revision"]).first()
            if revision is None:
                raise workflow.InvalidInput(f"The article has no revision {data['revision']}.")
        token = preview.issue_token(article=article, revision=revision)
        return Response(preview.token_details(token, request), status=status.HTTP_201_CREATED)

    @extend_schema(
        description="Every move and every revision of the article.", responses=HistorySerializer
    )
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        article = self.get_object()
        transitions = Transition.objects.filter(article=article).select_related("by", "revision")
        revisions = article.revisions.select_related("created_by")
        return Response(
            {
                "transitions": TransitionSerializer(transitions, many=True).data,
                "revisions": RevisionSerializer(revisions, many=True).data,
            }
        )

    def _move(self, move, **arguments):
        article = self.get_object()
        with transaction.atomic():
            move(article=article, by=self.request.user, **arguments)
        return self._article_response(article)

    def _valid(self, serializer_class, request):
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _based_on_version(self, request):
        """The version an edit is based on, and whether it came from If-Match.

        `If-Match: *` holds for any article that exists (RFC 9110 §13.1.1), so it names no
        version and an edit sent with it still needs a `version` field.
        """
        if_match = (request.headers.get("If-Match") or "").strip()
        if if_match and if_match != "*":
            return self._version_in_if_match(if_match), True
        version = request.data.get("version") if hasattr(request.data, "get") else None
        if version is None:
            raise PreconditionRequired(STAR_NAMES_NO_VERSION if if_match else None)
        number = parse_whole_number(version)
        if number is None:  # 1.9, true, 1e400 (infinity) and "²" once passed or crashed int()
            raise workflow.InvalidInput("`version` must be a whole number.")
        return number, False

    def _version_in_if_match(self, if_match):
        """The article's version, if If-Match lists its current ETag (compared strongly, as
        RFC 9110 asks of If-Match: a weak ETag never matches)."""
        etags = parse_etags(if_match)
        if not etags:
            raise workflow.InvalidInput(
                'If-Match must be "*" or ETags in double quotes, as the ETag header gives them.'
            )
        article = self.get_object()
        if article_etag(article) in etags:
            return article.version
        if any(etag.startswith("W/") for etag in etags):
            raise PreconditionFailed(
                "If-Match compares ETags strongly, so a weak one (W/…) never matches: send the "
                "ETag as the article's response gave it."
            )
        raise PreconditionFailed()

    def _article_response(self, article, status=status.HTTP_200_OK):
        article = Article.objects.for_editorial_api().get(pk=article.pk)
        data = EditorialArticleSerializer(article, context={"request": self.request}).data
        return Response(data, status=status, headers={"ETag": article_etag(article)})


class ReviewFilter(django_filters.FilterSet):
    assigned_to = django_filters.ChoiceFilter(
        choices=[("me", "me")], method="filter_assigned_to", label="assigned to"
    )
    decision = django_filters.MultipleChoiceFilter(choices=Review.Decision.choices)

    class Meta:
        model = Review
        fields = ["assigned_to", "decision"]

    def is_valid(self):
        valid = super().is_valid()
        # An empty value would otherwise mean "no filter", hiding a typo in a script.
        if self.data.get("assigned_to") == "":
            self.form.add_error("assigned_to", "Use assigned_to=me, or leave the parameter out.")
            return False
        return valid

    def filter_assigned_to(self, queryset, name, value):
        return queryset.filter(reviewer__user=self.request.user)


class EditorialImageViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Upload images for articles (hero images) and reviewer photos."""

    permission_classes = [IsStaff]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ImageUploadSerializer

    def initialize_request(self, request, *args, **kwargs):
        # First, before anything reads the form: session authentication reads it for its CSRF
        # token before the view does.
        request.upload_handlers.insert(0, SizeLimitedFileUploadHandler(request))
        return super().initialize_request(request, *args, **kwargs)

    def get_queryset(self):
        return Image.objects.prefetch_related("renditions")

    @extend_schema(
        description=(
            "Upload an image (multipart: file, alt, credit, focal_x, focal_y). It is checked, "
            "stripped of metadata and stored; renditions follow in the background."
        ),
        responses={201: EditorialImageSerializer},
    )
    def create(self, request, *args, **kwargs):
        if not request.user.has_perm("images.add_image"):
            raise workflow.NotAllowed("You may not upload images.")
        serializer = ImageUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        image = Image(
            alt=data["alt"],
            credit=data["credit"],
            focal_x=data["focal_x"],
            focal_y=data["focal_y"],
            uploaded_by=request.user,
        )
        image.store_picture(serializer.clean_picture)
        image.save()
        transaction.on_commit(lambda: generate_renditions.enqueue(image.pk))
        return Response(_with_renditions(image, request), status=status.HTTP_201_CREATED)

    @extend_schema(
        description="One uploaded image with its renditions.", responses=EditorialImageSerializer
    )
    def retrieve(self, request, *args, **kwargs):
        return Response(_with_renditions(self.get_object(), request))


def _with_renditions(image, request):
    return {
        **absolute_image(image.as_public(), request),
        "renditions": [
            {**rendition, "src": absolute_url(rendition["src"], request)}
            for rendition in image.rendition_list()
        ],
        "locked_at": image.locked_at.isoformat() if image.locked_at else None,
    }


@extend_schema_view(
    list=extend_schema(
        description="Reviews you may see; ?assigned_to=me&decision=pending is your queue."
    ),
    retrieve=extend_schema(description="One review."),
)
@says_when_readers_may_lag
class EditorialReviewViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsStaff]
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Review.objects.none()
        reviews = Review.objects.for_queue().select_related("revision__article")
        user = self.request.user
        if workflow.is_editor(user):
            return reviews
        return reviews.filter(Q(reviewer__user=user) | Q(revision__article__author=user))

    @extend_schema(
        description="The assigned reviewer approves the revision, declaring any conflict of "
        "interest with it; their standing disclosures are recorded with the approval.",
        request=ApproveSerializer,
        responses=ReviewSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(workflow.approve, ApproveSerializer)

    @extend_schema(
        description="The assigned reviewer sends the revision back; a comment is required.",
        request=RequestChangesSerializer,
        responses=ReviewSerializer,
    )
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk=None):
        return self._decide(workflow.request_changes, RequestChangesSerializer)

    @extend_schema(
        methods=["get"],
        description="The reviewer's comments on parts of the revision, with their answers.",
        responses=ReviewCommentSerializer(many=True),
    )
    @extend_schema(
        methods=["post"],
        description=(
            "The assigned reviewer comments on the title, the summary, the intro or a section "
            "(by its anchor) of a pending review; the writer sees it once changes are requested."
        ),
        request=ReviewCommentSerializer,
        responses={201: ReviewCommentSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def comments(self, request, pk=None):
        review = self.get_object()
        if request.method == "GET":
            comments = review.comments.select_related("created_by", "resolved_by")
            if not workflow.comments_shown_to(review, request.user):
                comments = comments.none()
            return Response(ReviewCommentSerializer(comments, many=True).data)
        data = self._valid(ReviewCommentSerializer)
        comment = workflow.add_comment(
            review=review,
            by=request.user,
            target=data["target"],
            section_anchor=data.get("section_anchor", ""),
            body=data["body"],
        )
        return Response(ReviewCommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        description=(
            "The article's writer or an editor marks a comment resolved, with an optional reply, "
            "once the reviewer has requested changes."
        ),
        request=ResolveCommentSerializer,
        responses=ReviewCommentSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"comments/(?P<comment_id>[0-9]+)/resolve",
        url_name="comment-resolve",
    )
    def resolve_comment(self, request, pk=None, comment_id=None):
        review = self.get_object()
        comment = get_object_or_404(review.comments, pk=comment_id)
        data = self._valid(ResolveCommentSerializer)
        comment = workflow.answer_comment(comment=comment, by=request.user, reply=data["reply"])
        return Response(ReviewCommentSerializer(comment).data)

    @extend_schema(
        description=(
            "The reviewer takes back a comment they made, while the review is undecided; the "
            "removal is recorded in the article's history. Only the comment's author may, and "
            "not once the review is decided (409)."
        ),
        request=None,
        responses={204: None},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"comments/(?P<comment_id>[0-9]+)",
        url_name="comment-detail",
    )
    def remove_comment(self, request, pk=None, comment_id=None):
        review = self.get_object()
        # Someone who may not read the review's comments is not told this one exists.
        comments = review.comments.all()
        if not workflow.comments_shown_to(review, request.user):
            comments = comments.none()
        comment = get_object_or_404(comments, pk=comment_id)
        workflow.remove_comment(comment=comment, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _decide(self, decide, serializer_class=CommentSerializer):
        review = self.get_object()
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            decide(review=review, by=self.request.user, **serializer.validated_data)
        review.refresh_from_db()
        return Response(ReviewSerializer(review).data)


class TokenView(APIView):
    """The caller's own API token."""

    permission_classes = [IsStaff]

    @extend_schema(
        description=(
            "Revoke the token this request is signed with: it stops working at once. Editors "
            "revoke other people's tokens in the admin."
        ),
        request=None,
        responses={204: None},
    )
    def delete(self, request):
        if not isinstance(request.auth, Token):
            raise workflow.InvalidInput(
                "This request is not signed with a token, so there is none to revoke."
            )
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
