"""The few fixed queries every public request makes, sent as directly as the driver allows.

On PostgreSQL, most of what a query costs the app server is spent in Django's cursor and
psycopg's Python layers, not in libpq: a document read in a loop took 129 µs of CPU through
a server-side binding cursor and takes 89 µs through libpq's own blocking call, by psycopg's
`pq` wrapper (median of 8 alternating rounds, 2,000 articles). So these queries go straight
to libpq: prepared once per connection (unless DATABASE_PREPARE_THRESHOLD turns preparing
off), their rows loaded by psycopg's own adapters, so that they come back exactly as a
cursor returns them. Django still logs them (the tests count queries) and still translates
their errors. Anything else should use the ORM or a cursor.
"""

import functools
import itertools
import logging
import re
import time
import weakref

from django.db import connections
from psycopg import errors, pq
from psycopg.adapt import Transformer

logger = logging.getLogger("django.db.backends")

# Each psycopg connection's statements prepared here: {sql: statement name}. Weak, so that a
# connection Django closes takes its entry with it.
_PREPARED = weakref.WeakKeyDictionary()


def hot_read(alias, sql, params=()):
    """The rows (tuples) of `sql`, a fixed query with %s placeholders, on database `alias`."""
    connection = connections[alias]
    if connection.vendor != "postgresql" or connection.execute_wrappers:
        # Other databases, and code wrapping every execution, use the ordinary cursor.
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    # What Django's cursor checks before a query, in its order.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    connection.validate_no_broken_transaction()
    started = time.monotonic()
    with connection.wrap_database_errors:
        rows = _libpq_rows(connection.connection, sql, [_as_text(value) for value in params])
    if connection.queries_logged:
        _log(connection, sql, params, time.monotonic() - started)
    return rows


def _log(connection, sql, params, duration):
    """Record the query as Django's debug cursor does: in connection.queries, which the tests'
    query counts read, and on the django.db.backends logger."""
    sql = connection.ops.compose_sql(sql, params)
    connection.queries_log.append({"sql": sql, "time": f"{duration:.3f}"})
    logger.debug(
        "(%.3f) %s; args=%s; alias=%s",
        duration, sql, params, connection.alias,
        extra={"duration": duration, "sql": sql, "params": params, "alias": connection.alias},
    )  # fmt: skip


def _libpq_rows(psycopg_connection, sql, args):
    pgconn = psycopg_connection.pgconn
    with psycopg_connection.lock:
        statement = _prepared(psycopg_connection, sql)
        if statement is None:
            result = pgconn.exec_params(_numbered(sql), args)
        else:
            result = pgconn.exec_prepared(statement, args)
    _raise_if_failed(result, psycopg_connection)
    loader = Transformer.from_context(psycopg_connection)
    loader.set_pgresult(result)
    return loader.load_rows(0, result.ntuples, tuple)


def _prepared(psycopg_connection, sql):
    """The name `sql` is prepared under on this connection, preparing it the first time; None
    where preparing is off (a pooler in transaction mode cannot keep prepared statements)."""
    if psycopg_connection.prepare_threshold is None:
        return None
    statements = _PREPARED.setdefault(psycopg_connection, {})
    if sql not in statements:
        name = f"hot_read_{len(statements)}".encode()
        result = psycopg_connection.pgconn.prepare(name, _numbered(sql))
        _raise_if_failed(result, psycopg_connection)
        statements[sql] = name
    return statements[sql]


def _raise_if_failed(result, psycopg_connection):
    if result.status not in (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK):
        raise errors.error_from_result(result, encoding=psycopg_connection.info.encoding)


@functools.cache
def _numbered(sql):
    """`sql` with libpq's numbered placeholders ($1, $2…) for Django's %s, as bytes."""
    numbers = itertools.count(1)
    return re.sub("%s", lambda _: f"${next(numbers)}", sql).encode()


def _as_text(value):
    """A parameter in PostgreSQL's text format; these queries take only text and integers."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"hot_read takes text and integer parameters, not {value!r}")
    return str(value).encode()
