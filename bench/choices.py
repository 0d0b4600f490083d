"""What two of the origin's design choices buy, in process, on the `make bench` database.

    .venv/bin/python bench/choices.py        # after `make bench`; DATABASE_URL as it had

Times requests through Django's WSGI handler (the project's middleware, no server), in
interleaved rounds, medians, each as a fraction of the floor's rate (bench/floor.py):

- the detail with MEDIA_URL absolute (the stored bytes sent as they are) and with MEDIA_URL a
  path (the document decoded, its image URLs made absolute from the request, encoded again);
- list pages 1-5 and the 20 searches of `make bench` with each process's page cache under the
  change stamp (API_PAGE_CACHE) and with every page made afresh.
"""

import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
N = int(os.environ.get("BENCH_N", "2000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "500"))  # per variant and round
ABSOLUTE_MEDIA_URL = "https://media.example.org/media/"


def setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{DATA / f'bench-{N}.sqlite3'}")
    os.environ.update(
        DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="127.0.0.1", API_ANON_RATE="",
        BENCH_FLOOR_FILE=str(DATA / "floor.json"), DJANGO_ROOT_URLCONF="bench.urls",
        MEDIA_URL=ABSOLUTE_MEDIA_URL, DJANGO_SETTINGS_MODULE="config.settings",
    )  # fmt: skip
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key-" + "x" * 40)

    import django

    django.setup()


def variants():
    """name: (paths, settings to override)."""
    from articles.models import PublishedArticle
    from bench.run import SEARCH_TERMS, SEED, quote

    slugs = list(PublishedArticle.objects.order_by("pk").values_list("slug", flat=True))
    random.Random(SEED).shuffle(slugs)
    detail = [f"/api/v1/articles/{slug}/" for slug in slugs]
    lists = [f"/api/v1/articles/?page={page}" for page in range(1, 6)]
    searches = [f"/api/v1/articles/?q={quote(term)}" for term in SEARCH_TERMS]
    return {
        "floor": (["/bench/floor/"], {}),
        "detail, MEDIA_URL absolute: stored bytes": (detail, {}),
        "detail, MEDIA_URL a path: decoded and encoded": (detail, {"MEDIA_URL": "/media/"}),
        "list pages 1-5, kept under the stamp": (lists, {}),
        "list pages 1-5, made afresh": (lists, {"API_PAGE_CACHE": False}),
        "search, kept under the stamp": (searches, {}),
        "search, made afresh": (searches, {"API_PAGE_CACHE": False}),
    }


def microseconds_per_request(handler, paths, overrides):
    from django.test.utils import override_settings

    def start_response(status, headers):
        assert status.startswith("200"), status

    def get(path):
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
        }  # fmt: skip
        b"".join(handler(environ, start_response))

    with override_settings(**overrides):
        for path in paths[:50]:  # warm: pages kept, rows in memory
            get(path)
        started = time.perf_counter()
        for number in range(REQUESTS):
            get(paths[number % len(paths)])
        return (time.perf_counter() - started) / REQUESTS * 1e6


def main():
    setup()
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    named = variants()
    rounds = {name: [] for name in named}
    for _ in range(ROUNDS):
        for name, (paths, overrides) in named.items():
            rounds[name].append(microseconds_per_request(handler, paths, overrides))
    medians = {name: statistics.median(times) for name, times in rounds.items()}
    print(f"In process, median of {ROUNDS} interleaved rounds of {REQUESTS} requests.")
    print()
    print("| request | µs | of the floor's rate |")
    print("|---|---:|---:|")
    for name, microseconds in medians.items():
        print(f"| {name} | {microseconds:.0f} | {medians['floor'] / microseconds:.2f} |")


if __name__ == "__main__":
    main()
