"""The public delivery API: anonymous, read-only, and reading nothing but the read model.

Drafts cannot leak from here: the views read `PublishedArticle` rows, which only publishing
writes, and the `Tag` and `Reviewer` rows they expose are counted through those rows.
"""

import datetime
import time

from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date, parse_etags
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from articles import preview, public_cache
from articles.api.errors import BadQuery
from articles.api.http import (
    CardCursorPagination,
    DirectAnswers,
    PublicEndpoint,
    PublicPagination,
    json_response,
    shared_cache_control,
)
from articles.api.public_filters import PublishedArticleFilter
from articles.api.public_serializers import (
    ArticleDocumentSerializer,
    ArticlePreviewSerializer,
    PaginatedCardsSerializer,
    ReviewerDetailSerializer,
    ReviewerSerializer,
    TagSerializer,
)
from articles.models import ArticleSlugAlias, LiveCards, PublishedArticle, read_model_state
from articles.models.published import document_dates
from reviewers.models import Reviewer
from tags.models import Tag

PAGING_PARAMS = frozenset({"page", "page_size", "cursor"})
OVERDUE = {True: b"true", False: b"false"}
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
NOT_FOUND = OpenApiResponse(description="No live article, tag or reviewer has this slug.")


class ArticleListView(DirectAnswers, PublicEndpoint, generics.GenericAPIView):
    """Live articles as cards, newest first, with filters, search and ordering."""

    filterset_class = PublishedArticleFilter
    pagination_class = PublicPagination
    allowed_query_params = frozenset(
        {"page", "page_size", "cursor", "tag", "reviewer", "updated_since", "q", "ordering"}
    )

    def get_queryset(self):
        return PublishedArticle.objects.for_card_json()

    @staticmethod
    def answer_directly(request):
        """The page, if it was made since the read model last changed."""
        request.read_model_state = read_model_state()
        changed_at = request.read_model_state[0]
        body = public_cache.cached_page(
            public_cache.page_key(changed_at, request.build_absolute_uri())
        )
        return None if body is None else json_response(body, changed_at)

    @extend_schema(
        responses=PaginatedCardsSerializer,
        operation_id="articles_list",
        parameters=[
            OpenApiParameter(
                "cursor",
                str,
                description="Page by cursor instead of number: empty for the first page, then "
                "follow `next`. Every page costs the same however deep; no `count`. Not with "
                "`q`, `ordering` or `page`.",
            )
        ],
    )
    def get(self, request):
        # The stamp is read before the rows: a change committed in between moves it, so
        # nothing read here can be served under the new one. answer_directly read it already.
        state = getattr(request, "read_model_state", None) or read_model_state()
        self.changed_at, live_count = state
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


class ArticleDetailView(DirectAnswers, PublicEndpoint, generics.GenericAPIView):
    """The full document of one live article. A retired slug redirects to the current one."""

    @staticmethod
    def answer_directly(request, slug):
        if request.META.get("QUERY_STRING"):
            return None  # no parameters are allowed: the DRF path says so
        return document_response(request, slug)

    @extend_schema(
        responses={
            200: ArticleDocumentSerializer,
            301: OpenApiResponse(description="The slug was retired; Location has the new one."),
            404: NOT_FOUND,
        },
        operation_id="articles_retrieve",
    )
    def get(self, request, slug):
        response = document_response(request, slug)
        if response is None:
            return self._redirect_retired(slug)
        if response.status_code == status.HTTP_304_NOT_MODIFIED:
            response.headers["Cache-Control"] = shared_cache_control()
        return response

    def _redirect_retired(self, slug):
        alias = ArticleSlugAlias.objects.filter(slug=slug, article__published__isnull=False)
        current = alias.values_list("article__published__slug", flat=True).first()
        if current is None:
            raise Http404("No live article has this slug.")
        location = reverse("api:article-detail", args=[current])
        return Response(status=status.HTTP_301_MOVED_PERMANENTLY, headers={"Location": location})

    def last_modified(self):
        return None  # document_response dates the response itself


def live_document(slug):
    """The cache entry of the live article at `slug` (from the cache when it is on), or None."""
    entry = public_cache.cached_document(slug)
    if entry is None:
        entry = public_cache.read_document(slug)
        if entry is not None:
            public_cache.remember_document(entry)
    return None if entry == public_cache.GONE else entry


def document_response(request, slug):
    """The live article at `slug` as a 200, or as a 304 when the client's If-None-Match names
    what it would get; None if no article is live there.

    A conditional request is first answered from the document's dates alone, without reading
    the document itself (unless the cache holds the document anyway).
    """
    if "HTTP_IF_NONE_MATCH" in request.META and not public_cache.enabled():
        dates = document_dates(slug)
        if dates is None:
            return None
        etag = document_etag(*dates)
        if client_holds(request, etag):
            return not_modified(etag, dates[0])
    entry = live_document(slug)
    if entry is None:
        return None
    etag = document_etag(entry["rendered_at"], entry["next_review_due"])
    if client_holds(request, etag):
        return not_modified(etag, entry["rendered_at"])
    response = json_response(document_body(entry), entry["rendered_at"])
    response.headers["ETag"] = etag
    return response


def document_body(entry):
    """The response body: the stored document with `review_overdue` added as its last member,
    since whether the review is overdue changes with the date, not with the document."""
    overdue = entry["next_review_due"] < local_today()
    return entry["body"][:-1] + b',"review_overdue":' + OVERDUE[overdue] + b"}"


def document_etag(rendered_at, next_review_due):
    """The ETag of a document response, made without hashing its bytes: they change only when
    the document is rendered again, which moves rendered_at, or when its review falls
    overdue. (Django's ConditionalGetMiddleware leaves a response that has one alone.)"""
    micros = (rendered_at - EPOCH) // datetime.timedelta(microseconds=1)
    return f'"{micros:x}-{int(next_review_due < local_today())}"'


def client_holds(request, etag):
    """Whether the request's If-None-Match names `etag` (weakly compared, as for a GET)."""
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or etag in tags or f"W/{etag}" in tags


def not_modified(etag, modified):
    response = HttpResponseNotModified()
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(modified.timestamp())
    return response


class _Today:
    date = zone = None
    starts = ends = 0.0  # the local day, as timestamps


def local_today():
    """timezone.localdate(), worked out again only when the clock leaves the local day it was
    worked out in (or the time zone changes): the time zone conversion was a tenth of a
    document response's own work."""
    now, zone = time.time(), timezone.get_current_timezone()
    if not (_Today.starts <= now < _Today.ends and _Today.zone is zone):
        start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        end = start + datetime.timedelta(days=1)  # wall-clock arithmetic: the next midnight
        _Today.date, _Today.zone = start.date(), zone
        _Today.starts, _Today.ends = start.timestamp(), end.timestamp()
    return _Today.date


def live_tags():
    return (
        Tag.objects.annotate(article_count=Count("published_articles"))
        .filter(article_count__gt=0)
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
        reviewer.live_cards = list(
            PublishedArticle.objects.for_cards()
            .filter(reviewer=reviewer)
            .values_list("card", flat=True)
        )
        return Response(ReviewerDetailSerializer(reviewer).data)


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
        return Response(document, headers={"Cache-Control": "private, no-store"})

    def finalize_response(self, request, response, *args, **kwargs):
        # Previews show unreviewed text: no shared cache may keep them.
        response = generics.GenericAPIView.finalize_response(
            self, request, response, *args, **kwargs
        )
        response.headers["Cache-Control"] = "private, no-store"
        return response
