"""What a log line says about the request it was written in: its id, and the database alias
it read public content from.

Both are context variables, so every log line written while a request is handled carries them
(config/observability.py adds them to each record) without being handed the request. The
middleware below sets the id when a request comes in; both are cleared once the response is
closed (request_finished), not when the middleware returns: Django writes its "Not Found: …"
line for a 4xx after the last middleware has returned, and a streamed body is made later
still. Server threads are reused, so the next request must not inherit them.
"""

import re
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished
from django.dispatch import receiver

HEADER = "X-Request-ID"
# An id a proxy or load balancer in front gave the request, kept so one id follows it through
# every log. Anything longer or odder is replaced: a client could otherwise write what it likes
# into every log line of its request.
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._-]{1,100}")

request_id = ContextVar("request_id", default=None)
read_alias = ContextVar("read_alias", default=None)


def current_request_id():
    return request_id.get()


def set_read_alias(alias):
    """Record that this request read public content from the database `alias`."""
    read_alias.set(alias)


def current_read_alias():
    return read_alias.get()


def request_id_from(request):
    """The id the request came with when it is well formed, else a new one."""
    sent = request.headers.get(HEADER, "")
    return sent if WELL_FORMED_ID.fullmatch(sent) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Gives each request an id, for its log lines and in the response's X-Request-ID header.

    First in MIDDLEWARE, so the lines of every other middleware carry the id and the answers
    they give themselves (a CORS preflight, a redirect to HTTPS) echo it too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        identifier = request_id_from(request)
        request_id.set(identifier)
        read_alias.set(None)
        response = self.get_response(request)
        response.headers[HEADER] = identifier
        return response


@receiver(request_finished, dispatch_uid="config.request_context.forget_request")
def forget_request(**kwargs):
    """The response was sent and closed: what follows on this thread is another request."""
    request_id.set(None)
    read_alias.set(None)
