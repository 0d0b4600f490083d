"""The benchmark's floor: the cheapest view Django can serve through this project's middleware.

`make bench` writes an article's detail response to BENCH_FLOOR_FILE and compares every
endpoint with this view returning those same bytes. Routed only by bench/urls.py.
"""

import os
from functools import cache
from pathlib import Path

from django.http import HttpResponse

# The detail view sets its own ETag, so ConditionalGetMiddleware never hashes its body; a floor
# without one would pay an MD5 of the whole body that the view it is compared with does not.
ETAG = '"bench-floor"'


@cache
def _body():
    return Path(os.environ["BENCH_FLOOR_FILE"]).read_bytes()


def floor(request):
    response = HttpResponse(_body(), content_type="application/json")
    response.headers["ETag"] = ETAG
    return response
