"""Purging keys once the change that makes them stale commits.

`purge_on_commit(keys)` is called by the code that writes live content, inside its
transaction, and sends the keys when it commits: Django runs on_commit callbacks right after
the commit, in the same thread, so the purge is done before the publish (or unpublish, or
re-render) call returns to its caller. Nothing is sent for a transaction that rolls back.
The keys of one transaction go in one purge: a publish that renders fifty linking articles
again is one request to each cache, not fifty-one, each of which could wait for a timeout.

A backend that fails is recorded as a `PendingPurge` and retried by the task queue, waiting
FRONTEND_CACHE_RETRY_SECONDS, then twice as long each time, up to
FRONTEND_CACHE_MAX_ATTEMPTS attempts; the editors' dashboard lists what is left.
"""

import logging
import threading
import time
import weakref

from django.conf import settings
from django.db import transaction
from django_tasks import task

from config import replicas
from frontend_cache import backends
from frontend_cache.keys import for_articles
from frontend_cache.models import PendingPurge

logger = logging.getLogger(__name__)


class _Batch:
    """The keys a transaction has asked to purge; sent once, by the first of its callbacks."""

    def __init__(self):
        self.keys = set()
        self.sent = False

    def send(self):
        if not self.sent:
            self.sent = True
            replicas.make_move_visible()  # a cache refilled from a replica behind stays stale
            purge(self.keys)


# Each thread's batch still to be sent, held weakly: Django's list of on_commit callbacks holds
# the strong references, so a batch whose transaction rolled back (its callbacks dropped) is
# gone, and the next change starts a new one rather than carrying its keys along.
_batches = threading.local()


def purge_on_commit(keys):
    """Purge `keys` from every configured cache once the current transaction commits (at
    once outside a transaction), in one purge with every other key it asked for; nothing if
    it rolls back."""
    if not backends.configured():
        return
    batch = getattr(_batches, "current", lambda: None)()
    if batch is None or batch.sent:
        batch = _Batch()
        _batches.current = weakref.ref(batch)
    batch.keys.update(keys)
    # Every call registers the send: whichever runs first sends all, the rest find it sent.
    # (A callback registered in a savepoint that rolls back is dropped with it; its keys may
    # still go with the batch, and purging a key too many costs one cache miss.)
    transaction.on_commit(batch.send, robust=True)


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
