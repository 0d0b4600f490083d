"""The live document is stored once, as the JSON text the API sends (`document_json`, which was
`document_text`); the `document` JSON column that held it a second time goes.

Renamed and dropped in place (ALTER TABLE ... RENAME COLUMN / DROP COLUMN), so SQLite keeps
the full-text triggers of migration 0011 and PostgreSQL keeps the column's uncompressed
storage (migration 0020). The field's new description and its lost default are the model's
alone: altering the column for them would make SQLite rebuild the table, triggers and all.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0029_review_comments")]

    operations = [
        migrations.RemoveField(model_name="publishedarticle", name="document"),
        migrations.RenameField(
            model_name="publishedarticle", old_name="document_text", new_name="document_json"
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="publishedarticle",
                    name="document_json",
                    field=models.TextField(
                        help_text=(
                            "The full public document as the JSON text the API sends: the "
                            "detail view sends it as it is, never decoded and encoded again "
                            "(`document` is it as a dict)."
                        ),
                    ),
                ),
            ],
        ),
    ]
