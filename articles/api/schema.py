"""The error answers every operation can give, written into the OpenAPI schema.

Views describe their successful answers; the errors come from shared machinery (strict query
parameters, authentication, permissions, throttling, content negotiation, the workflow's
refusals), so they are added here once, as a drf-spectacular postprocessing hook, each with the
one error body the API uses: {"detail", "code", "errors"?}.
"""

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, as a sentence."},
        "code": {"type": "string", "description": "A stable code for programs."},
        "errors": {
            "type": "object",
            "description": "For invalid input: the messages for each field.",
            "additionalProperties": True,
        },
    },
    "required": ["detail"],
}

REASONS = {
    "400": "The query string or the body is not valid; `detail` says why.",
    "401": "No valid token or session was sent.",
    "403": "The user may not do this.",
    "404": "No such resource, or none the user may see.",
    "405": "The method is not allowed here.",
    "406": "Only JSON is served; the Accept header asked for something else.",
    "409": "The move is impossible from the article's state, or the edit was based on an "
    "older version.",
    "412": "If-Match does not match the article's current ETag.",
    "413": "The body, or an uploaded file, is larger than the API accepts; `detail` gives the "
    "limit.",
    "415": "The body's content type is not accepted.",
    "428": "An edit must say which version it is based on.",
    "429": "Too many requests; `Retry-After` says when to try again.",
}


def error_codes(path, method):
    """The error statuses an operation on `path` with `method` can answer."""
    codes = {"400", "405", "406", "429"}
    if "{" in path or method == "get":
        codes.add("404")  # a missing row, or a page past the end of a list
    if "/editorial/" in path:
        codes |= {"401", "403"}
    if method in ("post", "patch", "put"):
        codes |= {"413", "415"}
    if "/editorial/" in path and method in ("post", "patch"):
        codes.add("409")
    if method == "patch":
        codes |= {"412", "428"}
    return codes


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in sorted(error_codes(path, method)):
                responses.setdefault(
                    code,
                    {
                        "description": REASONS[code],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
