"""List and search pages kept in each process's own memory, and the JSON encoding of every
stored public answer.

A list page depends on many rows, so its key carries the read model's change stamp, read from
the database on every request before anything else. Any change moves the stamp, so the next
reader looks under a new key and old entries simply expire: a per-process cache is correct
without any invalidation, and a local hit is cheaper than a round trip to a shared cache.
"""

import hashlib
import json

from django.conf import settings
from django.core.cache import caches


def json_bytes(data):
    """JSON as the API's renderer writes it: compact, UTF-8, with U+2028/9 escaped for JS."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()


def page_key(stamp, url):
    """A list response's key: the read model's change stamp, then a digest of the full URL
    (the page's links name the host it was asked on; a digest keeps long queries short)."""
    return f"public:page:{stamp.timestamp()}:{hashlib.sha256(url.encode()).hexdigest()}"


def cached_page(key):
    return caches["pages"].get(key) if settings.API_PAGE_CACHE else None


def remember_page(key, body):
    if settings.API_PAGE_CACHE:
        caches["pages"].add(key, body, settings.API_RESPONSE_CACHE_SECONDS)
