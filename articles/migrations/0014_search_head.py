"""PostgreSQL: a small stored vector of the title and summary alone, to rank search results.

Matching still uses the full `search_vector` and its GIN index. Ranking with it as well meant
reading every match's whole-article vector: 80 ms for a query matching 18,000 of 20,000 articles.
The head vector is a few dozen bytes kept in the row. SQLite ranks inside FTS5 and needs nothing.
"""

from django.db import migrations

TABLE = "articles_publishedarticle"

POSTGRESQL = [
    f"""ALTER TABLE {TABLE} ADD COLUMN search_head tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')
    ) STORED""",
]
POSTGRESQL_REVERSE = [f"ALTER TABLE {TABLE} DROP COLUMN search_head"]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_read_model_state")]

    operations = [migrations.RunPython(run(POSTGRESQL), run(POSTGRESQL_REVERSE))]
