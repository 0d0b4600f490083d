"""Public reads on a replica, everything else on the primary.

A replica lags its primary by a moment, so only code that may serve slightly old rows opts in,
by running inside `public_reads()`: the public API does (config: DATABASE_REPLICA_URLS). The
admin, the editorial API, the workflow and every write use the primary, so an editor always
reads what was just saved. With no replica configured, everything uses the primary.
"""

import random
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

_public_reads = ContextVar("public_reads", default=False)


@contextmanager
def public_reads():
    """Reads inside go to a replica, when there is one."""
    token = _public_reads.set(True)
    try:
        yield
    finally:
        _public_reads.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if _public_reads.get() and settings.DATABASE_REPLICAS:
            return random.choice(settings.DATABASE_REPLICAS)
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # replicas get the schema by replication
