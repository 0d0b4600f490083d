"""Public responses kept in the cache, so that most reads touch the database once or not at all.

Two ways of staying correct, one for each kind of response:

- An article's document is written through: once a publish, re-render, slug change or
  unpublish commits, its writer reads the committed row and puts it (or a "gone" mark) under
  the slug. Readers
  that miss only ever `add`, never `set`, so a reader holding a row it read before the commit
  cannot replace the writer's newer entry. Exactly the slugs that changed are touched.
- List pages depend on many rows, so their keys carry the read model's change stamp, read
  from the database before anything else. Any change moves the stamp, and the next reader
  looks under a new key; old entries simply expire.

Documents are cached only when every process that publishes and serves shares the cache
(API_RESPONSE_CACHE, on by default with REDIS_URL): a per-process cache would keep serving a
document another process has just replaced. Pages are safe in a per-process cache, since every
request reads the stamp from the database, so they always go to the process's own "pages"
cache (API_PAGE_CACHE, on by default).
"""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DEFAULT_DB_ALIAS, transaction

from articles.models.published import document_json

GONE = "gone"


def enabled():
    return settings.API_RESPONSE_CACHE


def document_key(slug):
    return f"public:document:{slug}"


def read_document(slug, using=None):
    """The entry for a live article, read from the database (None if it is not live): its
    document as stored JSON bytes, when it was rendered, and when its review falls due."""
    row = document_json(slug, using)
    if row is None:
        return None
    text, rendered_at, next_review_due = row
    return {
        "slug": slug,
        "body": text.encode(),
        "rendered_at": rendered_at,
        "next_review_due": next_review_due,
    }


def json_bytes(data):
    """JSON as the API's renderer writes it: compact, UTF-8, with U+2028/9 escaped for JS."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()


def cached_document(slug):
    """The entry for `slug`, GONE if it was taken down, or None if the cache does not know."""
    return cache.get(document_key(slug)) if enabled() else None


def remember_document(entry):
    """A reader's miss, filled in. `add`: it must never replace what a writer has put."""
    if enabled():
        cache.add(document_key(entry["slug"]), entry, settings.API_RESPONSE_CACHE_SECONDS)


def write_document_on_commit(slug):
    """Once the writer's transaction commits, put what the primary database now holds for
    `slug` in the cache: its document, or GONE if no live article has that slug any more."""
    if enabled():
        transaction.on_commit(lambda: _write_document(slug))


def _write_document(slug):
    entry = read_document(slug, using=DEFAULT_DB_ALIAS) or GONE
    cache.set(document_key(slug), entry, settings.API_RESPONSE_CACHE_SECONDS)


def page_key(stamp, url):
    """A list response's key: the read model's change stamp, then a digest of the full URL
    (the page's links name the host it was asked on; a digest keeps long queries short)."""
    return f"public:page:{stamp.timestamp()}:{hashlib.sha256(url.encode()).hexdigest()}"


def cached_page(key):
    return caches["pages"].get(key) if settings.API_PAGE_CACHE else None


def remember_page(key, body):
    if settings.API_PAGE_CACHE:
        caches["pages"].add(key, body, settings.API_RESPONSE_CACHE_SECONDS)
