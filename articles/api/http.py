"""What every public endpoint shares: anonymous read-only JSON, strict query parameters,
pagination, caching headers and throttling."""

import datetime
import functools
import logging

from django.conf import settings
from django.core import paginator as django_paginator
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import JsonResponse
from django.utils import timezone
from django.utils.http import http_date
from rest_framework import exceptions, negotiation, pagination, permissions, renderers, throttling
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from articles import public_cache
from articles.api.errors import BadQuery, TooSlow
from articles.api.public_filters import validate_utc_range
from articles.models import LiveCards, PublishedArticle, read_model_changed_at
from articles.models.published import LIST_ORDER
from articles.whole_numbers import parse_whole_number
from config import replicas
from config.db_router import public_reads
from frontend_cache import keys as cache_keys

logger = logging.getLogger(__name__)


class OpenWhenTheCacheFails:
    """A throttle that lets requests through while the cache that keeps its counts does not
    answer: one unreachable Redis should not turn every public read into a 500."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as error:  # any cache backend's error
            logger.warning("Rate limit not applied, the cache failed: %s", error)
            return True


class PublicRateThrottle(OpenWhenTheCacheFails, throttling.AnonRateThrottle):
    """Anonymous clients: API_ANON_RATE requests (default 120/min; empty switches it off)."""

    def get_rate(self):
        return settings.API_ANON_RATE or None


class PageRateThrottle(OpenWhenTheCacheFails, throttling.AnonRateThrottle):
    """Anonymous clients of the sitemap, the feed and the API schema and docs: PAGES_ANON_RATE
    requests (default 60/min; empty switches it off), counted apart from the API's."""

    scope = "pages"

    def get_rate(self):
        return settings.PAGES_ANON_RATE or None


def throttled_page(view):
    """`view` under PageRateThrottle: past the rate, the 429 DRF's views answer (the same
    `detail`, `code` and Retry-After) in JSON whatever `view` renders. The limit is checked
    before `view` runs, so a refusal carries none of its caching headers."""

    @functools.wraps(view)
    def limited(request, *args, **kwargs):
        throttle = PageRateThrottle()
        if throttle.allow_request(Request(request), None):
            return view(request, *args, **kwargs)
        refusal = exceptions.Throttled(throttle.wait())
        response = JsonResponse(
            {"detail": str(refusal.detail), "code": refusal.default_code},
            status=refusal.status_code,
        )
        if refusal.wait is not None:  # none when the rate was lowered below a full history
            response.headers["Retry-After"] = str(refusal.wait)
        return response

    return limited


class DescribedPagination(pagination.PageNumberPagination):
    """Page-numbered lists with a strict page number, whose wrapper fields are described in the
    schema."""

    page_size = 20

    def paginate_queryset(self, queryset, request, view=None):
        self.page_number(request)  # a clear 400 before DRF's own handling
        return super().paginate_queryset(queryset, request, view)

    def page_number(self, request):
        # DRF reads an empty or unknown page as the first one; a client asking for
        # `page=` or `page=last` has a bug it should hear about.
        number = parse_whole_number(request.query_params.get(self.page_query_param, "1"))
        if number is None or number < 1:
            raise BadQuery("page must be a whole number, 1 or more.")
        return number

    def get_paginated_response_schema(self, schema):
        wrapper = super().get_paginated_response_schema(schema)
        descriptions = {
            "count": "How many items match, on all pages.",
            "next": "The next page, or null on the last.",
            "previous": "The previous page, or null on the first.",
            "results": "This page's items.",
        }
        for name, description in descriptions.items():
            wrapper["properties"][name]["description"] = description
        return wrapper


class StrictPageSize:
    """page_size from 1 to 100, or a 400 saying so."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = parse_whole_number(raw)
        if size is None or not 1 <= size <= self.max_page_size:
            raise BadQuery(f"page_size must be a whole number from 1 to {self.max_page_size}.")
        return size


def cards_page(wrapper, cards):
    """A page as JSON bytes: `wrapper`'s members, then `results` made of cards that are JSON
    text already (stored so at publishing), copied in without being decoded."""
    return (
        public_cache.json_bytes(wrapper)[:-1] + b',"results":[' + ",".join(cards).encode() + b"]}"
    )


class PublicPagination(StrictPageSize, DescribedPagination):
    def cards_json(self, rows, request, view, by_id=False):
        """A page of `rows` as the response body: a queryset annotated with card_json, or the
        whole list as LiveCards.

        With `by_id`, the page is chosen among ids alone and only its own rows bring their
        cards, in one query (the ids are a subquery): ranking thousands of search matches then
        sorts ids, not cards (95 ms to 37 ms for a query matching 8,400 articles on
        PostgreSQL). A list read in index order gains nothing from it and is sliced directly.
        """
        if isinstance(rows, LiveCards):
            cards = self.page_of(rows, request)
        elif by_id:
            page_ids = self.page_of(rows.values_list("pk", flat=True), request)
            cards = rows.filter(pk__in=page_ids).values_list("card_json", flat=True)
        else:
            cards = self.page_of(rows.values_list("card_json", flat=True), request)
        wrapper = {
            "count": self.page.paginator.count,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
        }
        return cards_page(wrapper, cards)

    def page_of(self, queryset, request):
        """The requested page of `queryset`, still lazy (DRF's paginate_queryset lists it)."""
        number = self.page_number(request)
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        try:
            self.page = paginator.page(number)
        except django_paginator.InvalidPage as error:
            raise NotFound(f"Invalid page: {error}") from error
        return self.page.object_list


class CardCursorPagination(StrictPageSize, pagination.CursorPagination):
    """Keyset pages of the article list, newest first: `?cursor=` starts, `next` goes on.
    Each page costs the same however deep it is, where `?page=N` must skip N-1 pages."""

    ordering = LIST_ORDER
    invalid_cursor_message = (
        "The cursor is not one this API gave: start with an empty cursor and follow `next`."
    )

    def decode_cursor(self, request):
        """DRF's cursor, refused with a 400 rather than its 404 when it is not one this API
        could have written: undecodable, with an offset past DRF's cutoff (it would clamp it),
        or with a position that is not a date (the query would raise)."""
        try:
            cursor = super().decode_cursor(request)
        except NotFound as error:
            raise BadQuery(self.invalid_cursor_message) from error
        if cursor is not None and (
            cursor.offset >= self.offset_cutoff or not self.is_position(cursor.position)
        ):
            raise BadQuery(self.invalid_cursor_message)
        return cursor

    def is_position(self, position):
        if position is None:
            return True
        field = PublishedArticle._meta.get_field(self.ordering[0].lstrip("-"))
        try:
            moment = field.to_python(position)
            validate_utc_range(moment)
        except ValidationError:
            return False
        return timezone.is_aware(moment)  # this API writes every position with its offset

    def cards_json(self, rows, request, view, by_id=False):
        # Rows as dicts, so the cursor can read the date each page ends at.
        page = self.paginate_queryset(rows.values("card_json", "published_at"), request, view)
        wrapper = {"next": self.get_next_link(), "previous": self.get_previous_link()}
        return cards_page(wrapper, [row["card_json"] for row in page])


class JSONOnly(negotiation.BaseContentNegotiation):
    """Public endpoints speak JSON whatever the client accepts (the pattern DRF's guide gives
    for ignoring the Accept header): negotiating costs a tenth of a cached detail response."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class PublicEndpoint:
    """Mixed into every public view: anyone may read, nobody may write, nothing unknown passes."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    renderer_classes = [renderers.JSONRenderer]
    content_negotiation_class = JSONOnly
    throttle_classes = [PublicRateThrottle]
    allowed_query_params = frozenset()
    # Parameters that mean something when given empty; any other given empty is a 400, as the
    # schema says its value has a form (a time, a number, a slug).
    may_be_empty = frozenset({"cursor", "q"})
    reads_from_replica = True  # published content may lag the primary by a moment

    def dispatch(self, request, *args, **kwargs):
        alias = replicas.choose() if self.reads_from_replica else None
        if alias is not None:
            try:
                return self._dispatch_on_replica(alias, request, *args, **kwargs)
            except DatabaseError as error:  # answered from the primary below
                replicas.skip(alias, error)
        with public_reads(None):
            return super().dispatch(request, *args, **kwargs)

    def _dispatch_on_replica(self, alias, request, *args, **kwargs):
        # The change stamp a page is filed under and the rows it shows come from one snapshot.
        with (
            public_reads(alias),
            replicas.each_query_limited(alias),
            replicas.one_snapshot(alias),
        ):
            return super().dispatch(request, *args, **kwargs)

    def handle_exception(self, exc):
        if isinstance(exc, DatabaseError) and replicas.timed_out(exc):
            # Too slow for a replica's statement_timeout: not run again on the primary, where
            # a client could send such requests with no limit at all.
            exc = TooSlow()
        return super().handle_exception(exc)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            return  # a 405 follows, whatever the query says
        unknown = sorted(set(request.query_params) - self.allowed_query_params)
        if unknown:
            allowed = ", ".join(sorted(self.allowed_query_params)) or "none"
            raise BadQuery(f"Unknown query parameter: {', '.join(unknown)}. Allowed: {allowed}.")
        empty = sorted(
            name
            for name, values in request.query_params.lists()
            if name not in self.may_be_empty and any(not value.strip() for value in values)
        )
        if empty:
            raise BadQuery(
                f"Empty query parameter: {', '.join(empty)}. Leave it out, or give it a value."
            )

    def last_modified(self):
        return read_model_changed_at()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code in (200, 304):
            modified = self.last_modified()
            if isinstance(modified, datetime.datetime):
                response.headers["Last-Modified"] = http_date(modified.timestamp())
        if response.status_code in (200, 301, 304):
            # A retired slug's redirect too: purged with its article, like the detail.
            response.headers["Cache-Control"] = shared_cache_control()
            cache_keys.label(response, cache_keys.for_request(request))
        elif response.status_code >= 400:
            # No cache may keep an error: a 404 for a slug published a moment later would
            # outlive the publish, since nothing purges a page that was never an article's.
            response.headers["Cache-Control"] = "no-store"
        return response


def shared_cache_control():
    """The Cache-Control of every public 200 and 304: browsers and shared caches may keep it."""
    return (
        f"public, max-age={settings.API_CACHE_MAX_AGE}, "
        f"s-maxage={settings.API_CACHE_SHARED_MAX_AGE}"
    )
