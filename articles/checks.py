"""A clear error for a database whose migrations no longer exist.

Before 1.0 each app's migrations were replaced by a clean set (0001_initial and on). A database
migrated with the old set has tables the new 0001 would create again, so `migrate` would stop
on "table already exists"; this check says what happened and what to do instead.
"""

from django.core.checks import Error, Tags, register
from django.db import connections
from django.db.migrations.loader import MigrationLoader

RESET_APPS = ("articles", "images", "reviewers", "tags")


@register(Tags.database)
def migrations_from_before_the_reset(databases=None, **kwargs):
    errors = []
    for alias in databases or []:
        loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
        gone = sorted(
            f"{app}.{name}"
            for app, name in loader.applied_migrations
            if app in RESET_APPS and (app, name) not in loader.disk_migrations
        )
        if gone:
            errors.append(_reset_error(alias, gone))
    return errors


def _reset_error(alias, gone):
    return Error(
        f"Database '{alias}' was migrated with migrations that were replaced before 1.0 "
        f"({gone[0]} and {len(gone) - 1} more); it cannot be migrated in place.",
        hint=(
            "With the code from before the reset, run `manage.py export_content DIR`; then "
            "migrate a new, empty database and run `manage.py import_content DIR` into it. "
            "A development database holding only the demo can simply be deleted."
        ),
        id="articles.E001",
    )
