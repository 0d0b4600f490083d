"""What each of the project's middleware costs the floor, in process.

    .venv/bin/python bench/middleware_costs.py

Serves the benchmark's floor view (bench/floor.py: a fixed JSON body with its own ETag) through
Django's WSGI handler, with no server and no network, under these stacks:

- the project's MIDDLEWARE;
- the project's MIDDLEWARE with each one left out in turn;
- startproject's default MIDDLEWARE (bench/default_settings.py);
- the project's MIDDLEWARE with django-csp's own middleware in place of
  config/content_security_policy.py, which builds the header once.

Rounds are interleaved (every stack once per round, ROUNDS rounds) and each figure is the
median of its rounds, so the machine's drift falls on all stacks alike. A middleware's cost is
the full stack's time per request less the time without it; its share is that cost as a
fraction of the full stack's time. SessionMiddleware is left out together with the
authentication and message middleware, which refuse to work without it. The body is the
detail bytes `make bench` last wrote (bench/data/floor.json), or 10 KB of JSON when there are
none.
"""

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR_FILE = ROOT / "bench" / "data" / "floor.json"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "31"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "500"))  # per stack and round: short, many
# Left out with the middleware it is keyed by, which refuses to start without it.
NEEDED_BY = {
    "django.contrib.sessions.middleware.SessionMiddleware": [
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    ],
}


def setup():
    sys.path.insert(0, str(ROOT))
    if not FLOOR_FILE.exists():
        body = Path(tempfile.mkdtemp()) / "floor.json"
        body.write_bytes(b'{"title":"' + b"a" * 10_000 + b'"}')
    os.environ["BENCH_FLOOR_FILE"] = str(FLOOR_FILE if FLOOR_FILE.exists() else body)
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key-" + "x" * 40)
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1"
    os.environ["DJANGO_ROOT_URLCONF"] = "bench.urls"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    import django

    django.setup()


OUR_CSP = "config.content_security_policy.ContentSecurityPolicyMiddleware"
DJANGO_CSP = "csp.middleware.CSPMiddleware"


def stacks():
    from django.conf import settings

    from bench.default_settings import MIDDLEWARE as DEFAULT

    project = list(settings.MIDDLEWARE)
    named = {"project": project}
    for middleware in project:
        left_out = {middleware, *NEEDED_BY.get(middleware, [])}
        named[middleware] = [other for other in project if other not in left_out]
    named["startproject's default"] = DEFAULT
    named[DJANGO_CSP] = [DJANGO_CSP if name == OUR_CSP else name for name in project]
    return named


def microseconds_per_request(middleware):
    """Time REQUESTS GETs of the floor through a WSGI handler built with `middleware`."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/bench/floor/", "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
    }  # fmt: skip

    def start_response(status, headers):
        assert status.startswith("200"), status

    with override_settings(MIDDLEWARE=middleware, DEBUG_PROPAGATE_EXCEPTIONS=True):
        handler = WSGIHandler()  # builds its middleware chain from the settings now
        for _ in range(100):  # warm: URL resolver, caches
            b"".join(handler({**environ, "wsgi.input": io.BytesIO()}, start_response))
        started = time.perf_counter()
        for _ in range(REQUESTS):
            b"".join(handler({**environ, "wsgi.input": io.BytesIO()}, start_response))
        return (time.perf_counter() - started) / REQUESTS * 1e6


def short(middleware):
    return f"`{middleware.rsplit('.', 1)[1]}`"


def main():
    setup()
    named = stacks()
    rounds = {name: [] for name in named}
    for _ in range(ROUNDS):
        for name, middleware in named.items():
            rounds[name].append(microseconds_per_request(middleware))
    medians = {name: statistics.median(times) for name, times in rounds.items()}
    full = medians["project"]
    default = medians["startproject's default"]
    print(f"Floor through the project's {len(named['project'])} middleware: {full:.0f} µs a "
          f"request; through startproject's default 7: {default:.0f} µs "
          f"(project ÷ default throughput: {default / full:.2f}). Median of {ROUNDS} "
          f"interleaved rounds of {REQUESTS} requests, in process.")  # fmt: skip
    print()
    print("| middleware left out | µs a request | its cost, µs | share of the floor |")
    print("|---|---:|---:|---:|")
    for middleware in named["project"]:
        cost = full - medians[middleware]
        label = " + ".join(short(name) for name in [middleware, *NEEDED_BY.get(middleware, [])])
        print(f"| {label} | {medians[middleware]:.0f} | {cost:.0f} | {cost / full:.0%} |")
    print()
    with_django_csp = medians[DJANGO_CSP]
    print(
        f"With django-csp's CSPMiddleware instead of {short(OUR_CSP)}: "
        f"{with_django_csp:.0f} µs a request, {with_django_csp - full:+.0f} µs."
    )


if __name__ == "__main__":
    main()
