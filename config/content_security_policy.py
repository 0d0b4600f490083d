"""The Content-Security-Policy header, written once at startup.

The policy (CONTENT_SECURITY_POLICY in settings, in django-csp's format) is the same for every
response: no page uses a nonce or changes it per view. django-csp's middleware built it twice
for every response, the enforced policy and the report-only one, which made it the dearest
middleware of the project for a small API response (docs/performance.md); this one builds the
header once with django-csp's own `build_policy` and copies it on.
"""

from csp.utils import build_policy
from django.conf import settings

HEADER = "Content-Security-Policy"
# As django-csp does: Django's technical 404 and 500 pages need their inline script and style.
DEBUG_PAGES = (404, 500)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = build_policy()

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code in DEBUG_PAGES:
            return response
        if self.policy and HEADER not in response.headers:
            response.headers[HEADER] = self.policy
        return response
