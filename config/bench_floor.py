"""The benchmark's floor: the cheapest view Django can serve through this project's middleware.

`make bench` sets BENCH_FLOOR_FILE to a file holding an article's detail response and compares
every endpoint with this view returning those same bytes. Never routed unless that is set.
"""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse


@cache
def _body():
    return Path(settings.BENCH_FLOOR_FILE).read_bytes()


def floor(request):
    return HttpResponse(_body(), content_type="application/json")
