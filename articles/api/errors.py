"""Every API error as JSON with a human sentence in `detail` and a stable `code`."""

from django.conf import settings
from django.core.exceptions import (
    DisallowedHost,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from articles import workflow

WORKFLOW_ERRORS = {
    workflow.NotAllowed: (status.HTTP_403_FORBIDDEN, "not_allowed"),
    workflow.InvalidTransition: (status.HTTP_409_CONFLICT, "invalid_transition"),
    workflow.InvalidInput: (status.HTTP_400_BAD_REQUEST, "invalid"),
    workflow.StaleVersion: (status.HTTP_409_CONFLICT, "stale_version"),
}


class BadQuery(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The query string is not valid."
    default_code = "invalid_query"


class TooSlow(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = (
        "This request took too long to answer; narrow it down (fewer or shorter search "
        "words) and try again."
    )
    default_code = "too_slow"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The article changed since the version you sent in If-Match."
    default_code = "stale_version"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than the API accepts."
    default_code = "too_large"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = (
        "Send the version your edit is based on: an If-Match header with the article's ETag, "
        "or a `version` field."
    )
    default_code = "version_required"


def megabytes(size):
    return f"{size / 1024 / 1024:g} MB"


def refused_request(exc):
    """The API error for a request Django refused to read (a SuspiciousOperation), such as a
    body over DATA_UPLOAD_MAX_MEMORY_SIZE: Django's messages name its settings, not limits.

    Raised in a view (DRF reading request.data), they reach exception_handler below; raised
    in a middleware, Django's handler400 (config.views.bad_request) answers them.
    """
    if isinstance(exc, RequestDataTooBig):
        limit = megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return PayloadTooLarge(
            f"The request body is larger than {limit}, the most the API accepts."
        )
    if isinstance(exc, TooManyFieldsSent):
        return exceptions.ParseError(
            "The request has too many parameters or form fields; at most "
            f"{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} are accepted.",
            code="too_many_fields",
        )
    if isinstance(exc, TooManyFilesSent):
        return exceptions.ParseError(
            f"The request has too many files; at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} "
            "are accepted.",
            code="too_many_files",
        )
    if isinstance(exc, DisallowedHost):
        return exceptions.ParseError(
            "This server does not answer for the host named in the request.", code="bad_request"
        )
    return exceptions.ParseError("The request was refused as malformed.", code="bad_request")


# Django's refusals to read a request, raised inside a view when DRF reads the body.
REFUSED_REQUESTS = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def exception_handler(exc, context):
    if isinstance(exc, REFUSED_REQUESTS):
        # Answered here rather than by handler400, which Django skips for its HTML debug page
        # when DJANGO_DEBUG is on: a frontend developer sees the 413 production gives.
        exc = refused_request(exc)
    for error_class, (status_code, code) in WORKFLOW_ERRORS.items():
        if isinstance(exc, error_class):
            return Response({"detail": str(exc), "code": code}, status=status_code)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": "Some of the values sent are not valid; see `errors`.",
            "code": "invalid",
            "errors": response.data,
        }
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data["code"] = getattr(response.data["detail"], "code", "error")
    return response
