"""The full-text index over live articles (articles/search_index.py says what it is)."""

from django.db import migrations

from articles import search_index


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(search_index.create, search_index.drop)]
