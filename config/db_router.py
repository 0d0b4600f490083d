"""Public reads on a replica, everything else on the primary.

A replica applies the primary's changes a moment later, so only code that may serve what was
live when the last move returned opts in, by running inside `public_reads(alias)`: the public
API does, with the replica `config.replicas.choose()` picked for the whole request (config:
DATABASE_REPLICA_URLS). The admin, the editorial API, the workflow and every write use the
primary, so an editor always reads what was just saved. With no replica, everything uses the
primary.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS

from config import request_context

_read_alias = ContextVar("public_read_alias", default=None)


@contextmanager
def public_reads(alias):
    """Reads inside go to `alias` (a replica; None: the primary), which the request's log
    lines name."""
    request_context.set_read_alias(alias or DEFAULT_DB_ALIAS)
    token = _read_alias.set(alias)
    try:
        yield
    finally:
        _read_alias.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        return _read_alias.get() or DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # replicas get the schema by replication
