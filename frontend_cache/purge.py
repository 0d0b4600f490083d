"""Purging keys once the change that makes them stale commits.

`purge_on_commit(keys)` is called by the code that writes live content, inside its
transaction, and sends the keys when it commits: Django runs on_commit callbacks right after
the commit, in the same thread, so the purge is done before the publish (or unpublish, or
re-render) call returns to its caller. Nothing is sent for a transaction that rolls back.
Each call is its own purge request: a publish that renders the articles linking to it again
sends one for each (a purge costs Varnish next to nothing; the keys name a few objects).

A backend that fails is recorded as a `PendingPurge` and retried by the task queue, waiting
FRONTEND_CACHE_RETRY_SECONDS, then twice as long each time, up to
FRONTEND_CACHE_MAX_ATTEMPTS attempts; the editors' dashboard lists what is left.
"""

import logging
import time

from django.conf import settings
from django.db import transaction
from django_tasks import task

from frontend_cache import backends
from frontend_cache.keys import for_articles
from frontend_cache.models import PendingPurge

logger = logging.getLogger(__name__)


def purge_on_commit(keys):
    """Purge `keys` from every configured cache once the current transaction commits (at
    once outside a transaction); nothing if it rolls back."""
    if backends.configured():
        keys = set(keys)
        transaction.on_commit(lambda: purge(keys), robust=True)


def purge(keys):
    """Send `keys` to every configured backend now; a backend that fails is queued for
    retrying. Never raises: the change being announced has committed already."""
    for backend in backends.configured():
        try:
            backend.purge(keys)
        except Exception as error:  # a failure of any kind (a bug too) leaves a retry
            logger.warning("Purging %s from %s failed: %s", sorted(keys), backend.name, error)
            pending = PendingPurge.objects.create(
                backend=backend.name, keys=sorted(keys), last_error=str(error)
            )
            transaction.on_commit(lambda pk=pending.pk: retry_purge.enqueue(pk))


@task()
def retry_purge(pending_id):
    """Try a failed purge again, with a doubling wait, until it succeeds (the row goes) or
    FRONTEND_CACHE_MAX_ATTEMPTS attempts have failed (the row stays, for the dashboard)."""
    pending = PendingPurge.objects.filter(pk=pending_id).first()
    while pending is not None and not pending.gave_up:
        time.sleep(settings.FRONTEND_CACHE_RETRY_SECONDS * 2 ** (pending.attempts - 1))
        if retry(pending):
            return True
    return False


def retry(pending):
    """One more attempt at `pending`; whether it succeeded (and so was deleted)."""
    backend = backends.named(pending.backend)
    try:
        if backend is None:
            raise backends.PurgeFailed(f"No {pending.backend} cache is configured any more.")
        backend.purge(pending.keys)
    except Exception as error:
        pending.attempts += 1
        pending.last_error = str(error)
        pending.save(update_fields=["attempts", "last_error", "last_attempt_at"])
        return False
    pending.delete()
    return True


def purge_articles_on_commit(slugs):
    """Purge the pages of the live articles known by `slugs`, and every listing, once the
    current transaction commits."""
    purge_on_commit(for_articles(slugs))
