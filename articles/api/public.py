"""The public delivery API: anonymous, read-only, and reading nothing but the read model.

Drafts cannot leak from here: the views read `PublishedArticle` rows, which only publishing
writes, and the `Tag` and `Reviewer` rows they expose are counted through those rows.
"""

import datetime
import hashlib

from django.conf import settings
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import condition
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from articles import preview, public_cache
from articles.api.errors import BadQuery
from articles.api.http import CardCursorPagination, PublicEndpoint, PublicPagination
from articles.api.public_filters import PublishedArticleFilter
from articles.api.public_serializers import (
    ArticleDocumentSerializer,
    ArticlePreviewSerializer,
    PaginatedCardsSerializer,
    ReviewerDetailSerializer,
    ReviewerSerializer,
    TagSerializer,
)
from articles.media_urls import absolute_document, absolute_json, media_is_path
from articles.models import ArticleSlugAlias, LiveCards, PublishedArticle, read_model_state
from articles.models.published import live_document, review_status
from reviewers.models import Credential, Reviewer
from tags.models import Tag

PAGING_PARAMS = frozenset({"page", "page_size", "cursor"})
NOT_FOUND = OpenApiResponse(description="No live article, tag or reviewer has this slug.")
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class ArticleListView(PublicEndpoint, generics.GenericAPIView):
    """Live articles as cards, newest first, with filters, search and ordering."""

    filterset_class = PublishedArticleFilter
    pagination_class = PublicPagination
    allowed_query_params = frozenset(
        {"page", "page_size", "cursor", "tag", "code", "reviewer", "updated_since", "q", "ordering"}
    )

    def get_queryset(self):
        return PublishedArticle.objects.for_card_json()

    @extend_schema(
        responses=PaginatedCardsSerializer,
        operation_id="articles_list",
        filters=True,
        parameters=[
            OpenApiParameter(
                "cursor",
                str,
                description="Page by cursor instead of number: empty for the first page, then "
                "follow `next`. Every page costs the same however deep; no `count`. Not with "
                "`q`, `ordering` or `page`.",
            ),
        ],
    )
    def get(self, request):
        # The stamp is read before the rows: a change committed in between moves it, so
        # nothing read here can be served under the new one.
        self.changed_at, live_count = read_model_state()
        key = public_cache.page_key(self.changed_at, request.build_absolute_uri())
        body = public_cache.cached_page(key)
        if body is None:
            rows = self.get_queryset()
            filtered = bool(set(request.query_params) - PAGING_PARAMS)
            if filtered:
                # Building the filter form costs a third of a plain page: only when filtering.
                rows = self.filter_queryset(rows)
            elif live_count is not None and isinstance(self.paginator, PublicPagination):
                rows = LiveCards(live_count)  # the whole list: raw slices, the known total
            body = self.paginator.cards_json(
                rows,
                request,
                self,
                # SQLite's search joins its FTS5 table by name, which a subquery cannot do.
                by_id=filtered and not rows.query.extra_tables,
            )
            body = absolute_json(body, request)
            public_cache.remember_page(key, body)
        return HttpResponse(body, content_type="application/json")

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            by_cursor = "cursor" in self.request.query_params
            if by_cursor and {"q", "ordering", "page"} & set(self.request.query_params):
                raise BadQuery("cursor cannot be combined with q, ordering or page.")
            self._paginator = CardCursorPagination() if by_cursor else PublicPagination()
        return self._paginator

    def last_modified(self):
        return getattr(self, "changed_at", None) or super().last_modified()


def document_etag(request, slug):
    """The ETag of the live article at `slug` (None if there is none), made from its dates
    rather than by hashing its bytes: they change only when the document is rendered again,
    which moves rendered_at, or when its review falls overdue. The row read here, the whole
    of what the answer needs, is kept on the request for the view."""
    request.live_document = live = live_document(slug)
    if live is None:
        return None
    micros = (live.rendered_at - EPOCH) // datetime.timedelta(microseconds=1)
    tag = f"{micros:x}-{review_status(live.next_review_due)}"
    if media_is_path():
        # The image URLs name the scheme and host the document was asked on: the copy made
        # for another is another representation, which a cache revalidating it must not get
        # a 304 for.
        origin = request.build_absolute_uri("/").encode()
        tag += "-" + hashlib.blake2s(origin, digest_size=4).hexdigest()
    return f'"{tag}"'


def document_body(live):
    """The stored document with where its review stands added as its last members, since that
    changes with the date, not with the document: `review_overdue`, `review_status`, and
    `robots` (noindex for an overdue one under OVERDUE_POLICY=noindex, else null)."""
    status = review_status(live.next_review_due)
    overdue = status == "overdue"
    robots = b'"noindex"' if overdue and settings.OVERDUE_POLICY == "noindex" else b"null"
    return b"".join([
        live.json.encode()[:-1],
        b',"review_overdue":', b"true" if overdue else b"false",
        b',"review_status":"', status.encode(), b'"',
        b',"robots":', robots,
        b"}",
    ])  # fmt: skip


class ArticleDetailView(PublicEndpoint, generics.GenericAPIView):
    """The full document of one live article. A retired slug redirects to the current one."""

    @extend_schema(
        responses={
            200: ArticleDocumentSerializer,
            301: OpenApiResponse(description="The slug was retired; Location has the new one."),
            404: NOT_FOUND,
        },
        operation_id="articles_retrieve",
    )
    # A client holding the ETag gets a 304 from `condition` (If-Modified-Since alone is
    # answered by ConditionalGetMiddleware from the Last-Modified set below).
    @method_decorator(condition(etag_func=document_etag))
    def get(self, request, slug):
        if request.live_document is None:
            return self._redirect_retired(slug)
        body = absolute_json(document_body(request.live_document), request)
        return HttpResponse(body, content_type="application/json")

    def _redirect_retired(self, slug):
        alias = ArticleSlugAlias.objects.filter(slug=slug, article__published__isnull=False)
        current = alias.values_list("article__published__slug", flat=True).first()
        if current is None:
            raise Http404("No live article has this slug.")
        location = reverse("api:article-detail", args=[current])
        return Response(status=status.HTTP_301_MOVED_PERMANENTLY, headers={"Location": location})

    def last_modified(self):
        live = getattr(self.request, "live_document", None)
        return live.rendered_at if live else None


def live_tags():
    return (
        Tag.objects.annotate(article_count=Count("published_articles"))
        .filter(article_count__gt=0)
        .prefetch_related("codes")
        .order_by("name")
    )


class TagListView(PublicEndpoint, generics.ListAPIView):
    """Tags that at least one live article carries, with how many do."""

    serializer_class = TagSerializer
    pagination_class = PublicPagination
    allowed_query_params = frozenset({"page", "page_size"})

    def get_queryset(self):
        return live_tags()


class TagDetailView(PublicEndpoint, generics.RetrieveAPIView):
    serializer_class = TagSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return live_tags()

    @extend_schema(responses={200: TagSerializer, 404: NOT_FOUND})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def live_reviewers():
    return (
        Reviewer.objects.annotate(article_count=Count("published"))
        .filter(article_count__gt=0)
        .prefetch_related(Prefetch("held_credentials", Credential.objects.in_force()))
        .order_by("name")
    )


class ReviewerListView(PublicEndpoint, generics.ListAPIView):
    """Reviewers who approved at least one live article."""

    serializer_class = ReviewerSerializer
    pagination_class = PublicPagination
    allowed_query_params = frozenset({"page", "page_size"})

    def get_queryset(self):
        return live_reviewers()


class ReviewerDetailView(PublicEndpoint, generics.GenericAPIView):
    @extend_schema(responses={200: ReviewerDetailSerializer, 404: NOT_FOUND})
    def get(self, request, slug):
        reviewer = get_object_or_404(live_reviewers(), slug=slug)
        cards = PublishedArticle.objects.for_cards().filter(reviewer=reviewer)
        reviewer.live_cards = [
            absolute_document(card, request) for card in cards.values_list("card", flat=True)
        ]
        return Response(ReviewerDetailSerializer(reviewer, context={"request": request}).data)


class PreviewView(PublicEndpoint, generics.GenericAPIView):
    """A working copy or a revision in the document's shape, for a frontend's preview mode."""

    reads_from_replica = False  # a writer previews what they saved a moment ago

    @extend_schema(
        responses={
            200: ArticlePreviewSerializer,
            404: OpenApiResponse(description="The token is not valid (or no longer)."),
        },
        parameters=[OpenApiParameter("token", str, OpenApiParameter.PATH)],
    )
    def get(self, request, token):
        document = preview.document_for_token(token)
        if document is None:
            raise Http404("This preview link is not valid.")
        document = absolute_document(document, request)
        return Response(document, headers={"Cache-Control": "private, no-store"})

    def finalize_response(self, request, response, *args, **kwargs):
        # Previews show unreviewed text: no shared cache may keep them.
        response = generics.GenericAPIView.finalize_response(
            self, request, response, *args, **kwargs
        )
        response.headers["Cache-Control"] = "private, no-store"
        return response
