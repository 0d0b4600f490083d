from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.defaults import bad_request as default_bad_request
from django.views.defaults import page_not_found
from django.views.defaults import server_error as default_server_error

from config import replicas


@require_safe
def home(request):
    """A small page saying where the admin, the API docs and the health check are."""
    context = {"site_header": admin.site.site_header, "site_title": admin.site.site_title}
    return render(request, "home.html", context)


@never_cache
@require_safe
def healthz(request):
    """Whether this server can reach its database and its cache: 200 if both, else 503. With
    read replicas, each one's state and lag; the status is "degraded" (still 200: the primary
    answers in their place) while one is behind or unavailable."""
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"} | {
        name: "ok" if ok else "unavailable" for name, ok in checks.items()
    }
    if settings.DATABASE_REPLICAS and checks["database"]:
        body["replicas"] = replicas.health()
        if healthy and any(replica["status"] != "ok" for replica in body["replicas"].values()):
            body["status"] = "degraded"
    return JsonResponse(body, status=200 if healthy else 503)


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _cache_ok():
    try:
        cache.set("healthz", "ok", timeout=10)
        return cache.get("healthz") == "ok"
    except Exception:  # any backend error means the cache is not usable
        return False


def bad_request(request, exception=None):
    """A request Django refused to read (too large, too many fields, a host it does not serve):
    JSON for API clients, with 413 for a body over the limit; Django's page for people."""
    if not request.path.startswith("/api/"):
        return default_bad_request(request, exception)
    from articles.api.errors import refused_request  # config loads before the apps

    error = refused_request(exception)
    body = {"detail": str(error.detail), "code": error.detail.code}
    # Compact, as DRF's renderer writes the API's other errors.
    return JsonResponse(
        body, status=error.status_code, json_dumps_params={"separators": (",", ":")}
    )


def permission_denied(request, exception=None):
    """Django's 403 page, given the sentence of the PermissionDenied, under the admin's own
    header: the page extends the admin's, which Django's handler renders without it."""
    context = {
        "exception": str(exception or ""),
        "site_header": admin.site.site_header,
        "site_title": admin.site.site_title,
    }
    return render(request, "403.html", context, status=403)


def not_found(request, exception=None):
    """JSON for API clients, Django's page for people."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        body = {"detail": "Something went wrong on our side.", "code": "server_error"}
        return JsonResponse(body, status=500)
    return default_server_error(request)
