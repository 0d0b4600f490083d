"""The project's URLs and one API view that fails, for the logging and Sentry tests that run a
server of their own (DJANGO_ROOT_URLCONF=tests.urls_with_a_failing_view). It reads nothing, so
such a server needs no database."""

from django.urls import path
from rest_framework.views import APIView

from articles.api.http import PublicEndpoint
from config import urls as project_urls


class ProbeError(Exception):
    """Raised on purpose, handled by nobody: what a bug in a view looks like."""


class FailingView(PublicEndpoint, APIView):
    reads_from_replica = False

    def get(self, request):
        raise ProbeError("raised on purpose by tests/urls_with_a_failing_view.py")


urlpatterns = [*project_urls.urlpatterns, path("api/v1/failing/", FailingView.as_view())]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
