"""An index for searching live articles, in each database's own full-text engine.

PostgreSQL: a stored, generated `tsvector` column (title weighted A, summary B, section text C)
with a GIN index. SQLite: an FTS5 table over the same three columns, kept in step by triggers.
Neither is a model field: Django never writes them, the database does on every write of the
read model. Other databases get no index; search falls back to a scan there.
"""

from django.db import migrations

TABLE = "articles_publishedarticle"
FTS = "articles_published_search"

POSTGRESQL = [
    f"""ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(search_text, '')), 'C')
    ) STORED""",
    f"CREATE INDEX published_search_vector ON {TABLE} USING gin (search_vector)",
]
POSTGRESQL_REVERSE = [f"ALTER TABLE {TABLE} DROP COLUMN search_vector"]

SQLITE = [
    f"""CREATE VIRTUAL TABLE {FTS} USING fts5(
        title, summary, search_text, content='{TABLE}', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER {FTS}_insert AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS}(rowid, title, summary, search_text)
        VALUES (new.id, new.title, new.summary, new.search_text);
    END""",
    f"""CREATE TRIGGER {FTS}_delete AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title, summary, search_text)
        VALUES ('delete', old.id, old.title, old.summary, old.search_text);
    END""",
    f"""CREATE TRIGGER {FTS}_update AFTER UPDATE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title, summary, search_text)
        VALUES ('delete', old.id, old.title, old.summary, old.search_text);
        INSERT INTO {FTS}(rowid, title, summary, search_text)
        VALUES (new.id, new.title, new.summary, new.search_text);
    END""",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    *(f"DROP TRIGGER {FTS}_{event}" for event in ("insert", "delete", "update")),
    f"DROP TABLE {FTS}",
]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_image_permissions")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
