"""Every API error as JSON with a human sentence in `detail` and a stable `code`."""

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


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The article changed since the version you sent in If-Match."
    default_code = "stale_version"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = (
        "Send the version your edit is based on: an If-Match header with the article's ETag, "
        "or a `version` field."
    )
    default_code = "version_required"


def exception_handler(exc, context):
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
