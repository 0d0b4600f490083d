import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit:
        pytest.fail(f"Model changes without a migration:\n{out.getvalue()}")


@pytest.mark.django_db
def test_editorial_groups_exist_with_permissions():
    from django.contrib.auth.models import Group

    writers = Group.objects.get(name="Writers")
    assert writers.permissions.filter(codename="change_article").exists()
    assert not writers.permissions.filter(codename="add_reviewer").exists()
    editors = Group.objects.get(name="Editors")
    assert editors.permissions.filter(codename="add_reviewer").exists()
    assert Group.objects.filter(name="Reviewers").exists()


@pytest.mark.django_db
def test_migration_0020_fills_the_document_text_of_articles_already_live(writer, publish):
    import importlib
    import json

    from django.apps import apps

    from articles.models import PublishedArticle
    from tests.factories import ArticleFactory

    migration = importlib.import_module("articles.migrations.0020_document_text")
    publish(ArticleFactory(author=writer, slug="before", title="Live before \u2028 0020"))
    PublishedArticle.objects.update(document_text="")  # as the column starts out
    migration.fill(apps, None)
    live = PublishedArticle.objects.get(slug="before")
    assert json.loads(live.document_text) == live.document
    assert "\\u2028" in live.document_text and "\u2028" not in live.document_text
    detail = APIClient().get("/api/v1/articles/before/")
    assert detail.json()["title"] == "Live before \u2028 0020"
