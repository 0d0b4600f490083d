"""Read replicas that never show a reader what a returned publish replaced, and that are left
alone, not waited on, when they fail.

The promise: once a move (publish, unpublish, rename, re-render) returns, no reader gets the
old version, and no reader gets the new version from one server, then the old from another.
A replica applies the primary's changes a moment later, so:

- In a move's transaction, `move_starting` **sets every replica aside**: a mark in the shared
  cache sends every server's public reads to the primary. Once the move commits,
  `make_move_visible` waits until each replica has replayed the primary's WAL up to the
  commit, at most REPLICA_MAX_LAG_SECONDS, and lets it back as it does (usually within a few
  milliseconds). It runs before the move's HTTP-cache purge and before the move returns.
- A replica still behind after that stays set aside, until a reader sees it has replayed
  everything the primary had written when it looked.
- A replica that fails or times out is **skipped** by this process for REPLICA_RETRY_SECONDS;
  the request that met the failure is answered from the primary.

So public reads come from a replica holding every move that committed, or from the primary.
Nothing is cached from a replica that is behind: pages are filed under the change stamp read
from the same replica in the same snapshot, and purges come after the replicas have the move.

A replica connection is bounded on every side: `connect_timeout`, a server-side
`statement_timeout`, and, for a server that stops answering altogether (a frozen host keeps
the TCP connection open but never replies), a timer that shuts the socket down.
"""

import contextlib
import logging
import os
import random
import socket
import threading
import time
import uuid

from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from config import request_context

logger = logging.getLogger(__name__)

_skipped_until = {}  # alias -> time.monotonic() before which this process leaves it alone
_fence_checked_at = {}  # alias -> when this process last asked whether it caught up
_unconfirmed = threading.local()  # replicas this thread's moves could not make visible

FENCE_CHECK_INTERVAL = 1.0  # seconds between one process's checks of a set-aside replica
CATCH_UP_POLL_SECONDS = 0.1  # how long a check waits for the replica to reach the primary


def fence_key(alias):
    return f"replicas:set-aside:{alias}"


def configured():
    return list(settings.DATABASE_REPLICAS)


def _replicated():
    """The replicas whose replay can be asked about: PostgreSQL's. (The test suite's SQLite
    run names the primary's own database as a replica, to check the routing.)"""
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return []
    return configured()


@checks.register()
def shared_cache_for_replicas(app_configs=None, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if not settings.DATABASE_REPLICAS or not backend.endswith(("LocMemCache", "DummyCache")):
        return []
    return [
        checks.Warning(
            "Read replicas are set aside, when behind, through the cache, and this cache is "
            "each process's own: other processes and servers would go on reading a replica "
            "that is behind.",
            hint="Set REDIS_URL, so every process shares one cache.",
            id="replicas.W001",
        )
    ]


# Reading --------------------------------------------------------------------------------


def choose():
    """The replica a public request reads from, or None for the primary: one that this process
    has not seen failing and that is not set aside."""
    now = time.monotonic()
    candidates = [alias for alias in configured() if _skipped_until.get(alias, 0) <= now]
    if not candidates:
        return None
    try:
        found = cache.get_many([MARKS_KEPT, *(fence_key(alias) for alias in candidates)])
    except Exception as error:  # which replicas are behind is unknown: trust only the primary
        logger.warning("Reading the replicas' marks failed, reading the primary: %s", error)
        return None
    if MARKS_KEPT not in found:
        candidates = _after_marks_lost(candidates)
    usable = [
        alias
        for alias in candidates
        if fence_key(alias) not in found or _lift_fence(alias, found[fence_key(alias)])
    ]
    return random.choice(usable) if usable else None


# Written once the replicas' state is known, and never expiring: when it is missing, the cache
# was emptied, restarted or evicted keys, and the marks of replicas set aside may have gone too.
MARKS_KEPT = "replicas:marks-kept"
_loss_checked_at = [0.0]


def _after_marks_lost(candidates):
    """The replicas that may be read now that the marks may have been lost: those that have
    replayed everything the primary had written when asked; the others are set aside again.
    One process asks at most once a second; until then, the primary answers."""
    now = time.monotonic()
    if now - _loss_checked_at[0] < FENCE_CHECK_INTERVAL:
        return []
    _loss_checked_at[0] = now
    primary, caught_up = _primary_lsn(), []
    for alias in candidates:
        try:
            if _replayed_past_soon(alias, primary):
                caught_up.append(alias)
                continue
        except DatabaseError as error:
            skip(alias, error)
        cache.set(fence_key(alias), "lost 0", None)  # an old mark: lifted once caught up
    cache.add(MARKS_KEPT, "yes", None)
    return caught_up


def skip(alias, error):
    """Leave `alias` alone in this process for a while after it failed; close its connection
    (it may be half-way through a reply that will never come)."""
    _skipped_until[alias] = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    logger.warning(
        "Replica %s failed (%s); reading the primary for %s s.",
        alias,
        error,
        settings.REPLICA_RETRY_SECONDS,
    )
    with contextlib.suppress(DatabaseError):  # already broken: nothing to close cleanly
        connections[alias].close()


@contextlib.contextmanager
def one_snapshot(alias):
    """The block's reads of `alias` in one transaction (REPEATABLE READ on replicas: one
    snapshot). Unlike `transaction.atomic`, a connection that failed is closed and left closed:
    atomic would connect again to restore autocommit, and wait for a server that stopped
    answering a second time."""
    transaction.set_autocommit(False, using=alias)
    try:
        yield
    except DatabaseError:
        connections[alias].close()
        raise
    except BaseException:
        transaction.rollback(using=alias)
        transaction.set_autocommit(True, using=alias)
        raise
    with time_limit(alias, silence_seconds()):
        transaction.commit(using=alias)
    transaction.set_autocommit(True, using=alias)


def silence_seconds():
    """How long a replica may stay silent before its connection is cut: longer than its
    statement_timeout, so a server that is only slow cancels its own query first."""
    return settings.REPLICA_TIMEOUT_SECONDS + 1


@contextlib.contextmanager
def each_query_limited(alias):
    """Cut `alias`'s connection when one of the block's queries gets no answer at all (a
    frozen server); a query that is only slow is cancelled by the server's statement_timeout,
    and `timed_out` tells that apart."""

    def limited(execute, sql, params, many, context):
        with time_limit(alias, silence_seconds()):
            return execute(sql, params, many, context)

    with connections[alias].execute_wrapper(limited):
        yield


def timed_out(error):
    """Whether `error` is a replica's own statement_timeout: the server is alive, the query
    was too slow. Not a reason to leave the replica, nor to run the query again elsewhere."""
    return getattr(error.__cause__, "sqlstate", None) == "57014"  # query_canceled


@contextlib.contextmanager
def time_limit(alias, seconds=None):
    """Shut the socket of `alias`'s connection down if the block takes longer than `seconds`
    (REPLICA_TIMEOUT_SECONDS): the query waiting on it then fails at once with a database
    error, instead of waiting for a server that no longer answers."""
    seconds = settings.REPLICA_TIMEOUT_SECONDS if seconds is None else seconds
    guard = _Guard(connections[alias])
    timer = threading.Timer(seconds, guard.cut)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        guard.finish()
        timer.cancel()


class _Guard:
    """Cuts a connection off, unless the block it guards has finished (the connection may be
    serving the thread's next request by the time a late timer fires)."""

    def __init__(self, connection):
        self.connection = connection
        self.lock = threading.Lock()
        self.finished = False
        # The timer's thread has no request: its log line names the one it cut short.
        self.request_id = request_context.current_request_id()

    def finish(self):
        with self.lock:
            self.finished = True

    def cut(self):
        with self.lock:
            driver = self.connection.connection
            if self.finished or driver is None:  # None: still connecting; connect_timeout rules
                return
            alias = self.connection.alias
            logger.warning(
                "Replica %s did not answer in time; cutting it off.",
                alias,
                extra={"request_id": self.request_id, "db_alias": alias},
            )
            # A duplicate of the descriptor: shutting it down ends the reads of the original,
            # and closing it leaves the driver's own descriptor for the driver to close.
            with socket.socket(fileno=os.dup(driver.fileno())) as duplicate:
                duplicate.shutdown(socket.SHUT_RDWR)


# Keeping the promise after a move -------------------------------------------------------

_moves = threading.local()  # this thread's moves, from their transaction to their visibility


def move_starting():
    """In a move's transaction, before it commits: set every replica aside (the readers of all
    servers go to the primary) until it has applied the move; `make_move_visible` lets each
    one back once the move has committed and reached it. So no reader gets the new version
    from one server and then the old from another replica."""
    replicas = _replicated()
    if not replicas:
        return
    mark = f"{uuid.uuid4().hex} {time.time()}"
    keys = [fence_key(alias) for alias in replicas]
    try:
        # A replica an earlier move left behind is not waited for again: asked once.
        behind = [key for key, found in cache.get_many(keys).items() if _is_old(found)]
        cache.set_many(dict.fromkeys(keys, mark), timeout=None)
    except Exception as error:  # the move still waits for them, and says so if it must
        logger.error("Could not set the replicas aside for a move: %s", error)
        mark, behind = None, []
    _pending_moves().append((mark, [alias for alias in replicas if fence_key(alias) in behind]))
    transaction.on_commit(make_move_visible, robust=True)


def _pending_moves():
    if not hasattr(_moves, "pending"):
        _moves.pending = []
    return _moves.pending


def make_move_visible():
    """Once this thread's moves have committed on the primary: wait until every replica has
    applied them, at most REPLICA_MAX_LAG_SECONDS, letting each back as it does; those that
    have not, or that fail to say, stay set aside. Runs before the moves' purges and before
    they return. (A transaction that rolled back leaves its mark here too: the next commit
    waits for, and lifts, it with its own.)"""
    pending, _moves.pending = _pending_moves(), []
    replicas = _replicated()
    if not (pending and replicas):
        return
    marks = [mark for mark, _ in pending]
    already_behind = set().union(*(behind for _, behind in pending))
    target = _primary_lsn()
    deadline = time.monotonic() + settings.REPLICA_MAX_LAG_SECONDS
    waiting, pause = list(replicas), 0.002
    while waiting:
        answers = {alias: _has_applied(alias, target, deadline) for alias in waiting}
        _let_back([alias for alias, applied in answers.items() if applied], marks)
        failing = [alias for alias, applied in answers.items() if applied is None]
        _keep_aside(failing, marks[-1], "does not answer")
        waiting = [alias for alias, applied in answers.items() if applied is False]
        _keep_aside([a for a in waiting if a in already_behind], marks[-1], "is still behind")
        waiting = [alias for alias in waiting if alias not in already_behind]
        if not waiting or time.monotonic() >= deadline:
            break
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
    reason = f"has not applied {target} after {settings.REPLICA_MAX_LAG_SECONDS} s"
    _keep_aside(waiting, marks[-1], reason)


def _let_back(replicas, marks):
    """Lift the marks of these moves from `replicas`, which have applied them; a mark another
    move has put since stays."""
    if not replicas:
        return
    try:
        current = cache.get_many([fence_key(alias) for alias in replicas])
        cache.delete_many([key for key, mark in current.items() if mark in marks])
    except Exception as error:  # still set aside: readers lift it once it is old
        logger.warning("Could not let replicas %s back: %s", replicas, error)


def _keep_aside(replicas, mark, reason):
    for alias in replicas:
        logger.warning(
            "Replica %s %s; public reads go to the primary until it has caught up.",
            alias,
            reason,
        )
        try:
            cache.set(fence_key(alias), mark or f"{uuid.uuid4().hex} {time.time()}", None)
        except Exception as error:
            logger.error("Could not set replica %s aside: %s", alias, error)
            _unconfirmed_replicas().add(alias)


def _has_applied(alias, lsn, deadline):
    """Whether `alias` has replayed the WAL up to `lsn`: None if it fails to answer, or if
    this process saw it fail a moment ago."""
    if _skipped_until.get(alias, 0) > time.monotonic():
        return None
    seconds = max(0.1, min(settings.REPLICA_TIMEOUT_SECONDS, deadline - time.monotonic()))
    try:
        return _replayed_past(alias, lsn, seconds)
    except DatabaseError as error:
        skip(alias, error)
        return None


def _replayed_past(alias, lsn, seconds):
    if connections[alias].vendor != "postgresql":
        return True  # the test suite's SQLite "replica" is the primary's own file
    with time_limit(alias, seconds), connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
        replaying, replayed = cursor.fetchone()
    if not replaying:
        return _the_primary_itself(alias)
    return replayed


class NotAStandby(DatabaseError):
    """A replica URL names a server that replays nothing: promoted, or never a standby."""


def _the_primary_itself(alias):
    """True for an alias naming the primary's own database (the test suite mirrors it so);
    any other server that is not in recovery gets nothing the primary writes."""
    keys = ("HOST", "PORT", "NAME")
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    if all(connections[alias].settings_dict.get(key) == primary.get(key) for key in keys):
        return True
    raise NotAStandby(f"{alias} is not in recovery: it does not replay the primary's changes.")


def _primary_lsn():
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return None
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def _unconfirmed_replicas():
    if not hasattr(_unconfirmed, "replicas"):
        _unconfirmed.replicas = set()
    return _unconfirmed.replicas


@contextlib.contextmanager
def unconfirmed_moves():
    """Yield the set that gets the replicas the block's moves could neither reach nor set
    aside, as they happen: their readers may still get what those moves replaced. (What an
    earlier request in this thread left behind is not the block's.)"""
    _unconfirmed.replicas = behind = set()
    try:
        yield behind
    finally:
        _unconfirmed.replicas = set()


def unconfirmed_warning(replicas):
    """What an editor is told when their move could not be confirmed on `replicas`."""
    names = ", ".join(sorted(replicas))
    copies = "a read-only copy" if len(replicas) == 1 else "read-only copies"
    has = "has" if len(replicas) == 1 else "have"
    return (
        f"Saved, but not yet everywhere: {copies} of the database that serve readers "
        f"({names}) {has} not caught up, and the cache that would send their readers elsewhere "
        "did not answer. Some readers may get the previous version until then, usually "
        "seconds. If this message keeps coming back, tell whoever runs the servers."
    )


def _lift_fence(alias, mark):
    """Whether the set-aside `alias` may be read again: the move that set it aside has given
    up waiting (or never committed), and the replica has replayed everything the primary had
    written when asked. Asked at most once a second by each process."""
    now = time.monotonic()
    if now - _fence_checked_at.get(alias, 0) < FENCE_CHECK_INTERVAL or not _is_old(mark):
        return False
    _fence_checked_at[alias] = now
    try:
        caught_up = _replayed_past_soon(alias, _primary_lsn())
    except DatabaseError as error:
        skip(alias, error)
        return False
    # A move that set the replica aside since must keep it so.
    if not (caught_up and cache.get(fence_key(alias)) == mark):
        return False
    cache.delete(fence_key(alias))
    logger.info("Replica %s has caught up; public reads go to it again.", alias)
    return True


def _is_old(mark):
    """Whether the move that made `mark` is done waiting: its mark is older than the bound."""
    try:
        made_at = float(mark.split()[1])
    except (AttributeError, IndexError, ValueError):
        return True  # not a mark of ours: let the catching-up check decide
    return time.time() - made_at > settings.REPLICA_MAX_LAG_SECONDS


def _replayed_past_soon(alias, lsn):
    deadline = time.monotonic() + CATCH_UP_POLL_SECONDS
    while not _replayed_past(alias, lsn, settings.REPLICA_TIMEOUT_SECONDS):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)
    return True


# Health ---------------------------------------------------------------------------------


def health():
    """{alias: {"status": "ok" | "lagging" | "unavailable", "lag_seconds", "lag_bytes"}} for
    each replica; "lagging" when it is set aside (a replica that has caught up is let back
    here, as a reader would) or further behind than the bound; "unavailable" when it fails
    to answer, or failed a moment ago (it is not asked again until REPLICA_RETRY_SECONDS have
    passed, so a frozen replica does not make every check wait)."""
    replicas = configured()
    if not replicas:
        return {}
    try:
        marks = cache.get_many([fence_key(alias) for alias in replicas])
    except Exception:
        marks = {}
    primary = _primary_lsn()
    return {
        alias: _replica_health(alias, primary, marks.get(fence_key(alias))) for alias in replicas
    }


_UNMEASURED = {"lag_seconds": None, "lag_bytes": None}

LAG_SQL = """
SELECT
    pg_is_in_recovery(),
    CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
         ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END,
    pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())
"""


def _replica_health(alias, primary_lsn, mark):
    if _skipped_until.get(alias, 0) > time.monotonic():
        return {"status": "unavailable", **_UNMEASURED}
    try:
        with time_limit(alias), connections[alias].cursor() as cursor:
            if primary_lsn is None:  # the test suite's SQLite "replica": reachable is all
                cursor.execute("SELECT NULL, NULL, NULL")
            else:
                cursor.execute(LAG_SQL, [primary_lsn])
            replaying, seconds, lag_bytes = cursor.fetchone()
        if replaying is False:
            _the_primary_itself(alias)
    except DatabaseError as error:
        skip(alias, error)
        return {"status": "unavailable", **_UNMEASURED}
    seconds = None if seconds is None else round(float(seconds), 3)
    lag_bytes = None if lag_bytes is None else max(0, int(lag_bytes))
    set_aside = mark is not None and not _lift_fence(alias, mark)
    behind = seconds is not None and seconds > settings.REPLICA_MAX_LAG_SECONDS
    return {
        "status": "lagging" if set_aside or behind else "ok",
        "lag_seconds": seconds,
        "lag_bytes": lag_bytes,
    }
