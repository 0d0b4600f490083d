"""The full-text index over live articles, kept by each database's own engine.

PostgreSQL: two stored, generated `tsvector` columns on the read model's table:
`search_vector` (title weighted A, summary B, section text C) behind a GIN index, which search
matches on, and `search_head` (title and summary alone), which it ranks with: ranking on the
whole vector read every match's vector from TOAST storage (80 ms for a query matching 18,000 of
20,000 articles). `search_vector` keeps no planner statistics: with them, PostgreSQL read the
whole table for a common word instead of the index (204 ms against 10 ms at 20,000 articles).

SQLite: an FTS5 table over the same three columns, kept in step by triggers. A migration that
makes SQLite rebuild the read model's table (most AddFields do) drops its triggers with the old
table, so after every `migrate` `restore_sqlite_triggers` puts back any that are missing and
rebuilds the index from the table.

Neither is a model field: Django never writes them. Other databases get no index; search
falls back to a scan there (articles/search.py).
"""

from django.db import connections

TABLE = "articles_publishedarticle"
FTS_TABLE = "articles_published_search"
COLUMNS = "title, summary, search_text"

_VECTOR = """setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(search_text, '')), 'C')"""
_HEAD = """setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')"""

POSTGRESQL = [
    f"ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({_VECTOR}) STORED",
    f"ALTER TABLE {TABLE} ALTER COLUMN search_vector SET STATISTICS 0",
    f"CREATE INDEX published_search_vector ON {TABLE} USING gin (search_vector)",
    f"ALTER TABLE {TABLE} ADD COLUMN search_head tsvector GENERATED ALWAYS AS ({_HEAD}) STORED",
]
POSTGRESQL_REVERSE = [
    f"ALTER TABLE {TABLE} DROP COLUMN search_head",
    f"ALTER TABLE {TABLE} DROP COLUMN search_vector",
]

_OLD = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {COLUMNS}) VALUES ('delete', old.id, old.title, old.summary, old.search_text);"  # noqa: E501
_NEW = f"INSERT INTO {FTS_TABLE}(rowid, {COLUMNS}) VALUES (new.id, new.title, new.summary, new.search_text);"  # noqa: E501
SQLITE_TRIGGERS = {
    f"{FTS_TABLE}_insert": f"AFTER INSERT ON {TABLE} BEGIN {_NEW} END",
    f"{FTS_TABLE}_delete": f"AFTER DELETE ON {TABLE} BEGIN {_OLD} END",
    f"{FTS_TABLE}_update": f"AFTER UPDATE ON {TABLE} BEGIN {_OLD} {_NEW} END",
}
SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({COLUMNS}, content='{TABLE}', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
)
SQLITE_REVERSE = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS),
    f"DROP TABLE {FTS_TABLE}",
]


def create(apps, schema_editor):
    """The migration's forward step."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _execute(schema_editor, POSTGRESQL)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_TABLE)
        restore_sqlite_triggers(schema_editor.connection.alias)


def drop(apps, schema_editor):
    """The migration's backward step."""
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}.get(vendor, [])
    _execute(schema_editor, statements)


def _execute(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def restore_sqlite_triggers(using):
    """On SQLite, create whichever of the index's triggers are missing and, if any were,
    rebuild the index from the table (rows written while they were missing are not in it).
    Does nothing elsewhere, or before the index exists. Returns the names it created."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name FROM sqlite_master WHERE name = %s OR tbl_name = %s",
            [FTS_TABLE, TABLE],
        )
        existing = {name for kind, name in cursor.fetchall()}
        if FTS_TABLE not in existing:
            return []
        missing = [name for name in SQLITE_TRIGGERS if name not in existing]
        for name in missing:
            cursor.execute(f"CREATE TRIGGER {name} {SQLITE_TRIGGERS[name]}")
        if missing:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    return missing
