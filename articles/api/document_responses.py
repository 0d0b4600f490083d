"""A live article's document as an HTTP answer: the stored JSON bytes with the day's
`review_overdue` added, dated by its render, and a 304 for a client that holds it already.

Kept apart from the views because both of the detail view's paths (DirectAnswers and DRF's)
answer through `document_response`, and it is the API's hottest code: no hashing of the
body, no timezone conversion per request (`local_today`), and a conditional request never
reads the document.
"""

import datetime

from django.http import HttpResponseNotModified
from django.utils.http import http_date, parse_etags

from articles import public_cache
from articles.api.http import json_response
from articles.models.published import document_dates, is_overdue

OVERDUE = {True: b"true", False: b"false"}
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


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
        rendered_at, next_review_due = dates
        etag = document_etag(rendered_at, is_overdue(next_review_due))
        if client_holds(request, etag):
            return not_modified(etag, rendered_at)
    entry = live_document(slug)
    if entry is None:
        return None
    overdue = is_overdue(entry["next_review_due"])
    etag = document_etag(entry["rendered_at"], overdue)
    if client_holds(request, etag):
        return not_modified(etag, entry["rendered_at"])
    response = json_response(document_body(entry, overdue), entry["rendered_at"])
    response.headers["ETag"] = etag
    return response


def document_body(entry, overdue):
    """The response body: the stored document with `review_overdue` added as its last member,
    since whether the review is overdue changes with the date, not with the document."""
    return entry["body"][:-1] + b',"review_overdue":' + OVERDUE[overdue] + b"}"


def document_etag(rendered_at, overdue):
    """The ETag of a document response, made without hashing its bytes: they change only when
    the document is rendered again, which moves rendered_at, or when its review falls
    overdue. (Django's ConditionalGetMiddleware leaves a response that has one alone.)"""
    micros = (rendered_at - EPOCH) // datetime.timedelta(microseconds=1)
    return f'"{micros:x}-{int(overdue)}"'


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
