import io

import pytest
from django.core.management import call_command
from django.db import connection
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


def test_each_app_starts_from_one_clean_set_of_migrations():
    """The set the 1.0 reset left, then each change since: databases in use go through them
    one by one, so none is edited or squashed away once it has landed."""
    from django.db.migrations.loader import MigrationLoader

    names = {}
    for app_label, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations:
        if app_label in {"articles", "images", "reviewers", "tags"}:
            names.setdefault(app_label, []).append(name)
    assert {app_label: sorted(app_names) for app_label, app_names in names.items()} == {
        "articles": [
            "0001_initial",
            "0002_full_text_search",
            "0003_roles",
            "0004_scheduled_unpublish",
            "0005_review_reminders",
            "0006_disclosures_and_checked_references",
        ],
        "images": ["0001_initial"],
        "reviewers": [
            "0001_initial",
            "0002_credentials_disclosures_specialties",
            "0003_roles_for_credentials_and_disclosures",
        ],
        "tags": [
            "0001_initial",
            "0002_tag_codes",
            "0003_tag_code_permissions",
            "0004_approving_specialties",
        ],
    }


def _search_triggers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}


def _found(word):
    response = APIClient().get("/api/v1/articles/", {"q": word})
    return [card["slug"] for card in response.json()["results"]]


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's full-text index is kept by triggers"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_search_keeps_working_after_a_migration_rebuilds_the_read_models_table(writer, publish):
    """Adding a NOT NULL column makes SQLite rebuild the table, which drops its triggers;
    the next migrate's post_migrate puts them back and indexes what was written meanwhile."""
    from django.db import models

    from articles import search_index
    from articles.models import PublishedArticle
    from tests.factories import ArticleFactory, SectionFactory

    article = ArticleFactory(author=writer, slug="sprain", title="Sprained ankle care")
    SectionFactory(article=article)
    publish(article)
    live = PublishedArticle.objects.filter(slug="sprain")
    added = models.IntegerField(default=0)
    added.set_attributes_from_name("added_later")
    with connection.schema_editor() as schema_editor:
        schema_editor.add_field(PublishedArticle, added)
    try:
        assert not set(search_index.SQLITE_TRIGGERS) & _search_triggers()
        live.update(title="Wrist fracture", search_text="Wrist fracture")
        call_command("migrate", verbosity=0)
        assert set(search_index.SQLITE_TRIGGERS) <= _search_triggers()
        assert _found("wrist") == ["sprain"] and _found("ankle") == []
        live.update(title="Shin splints", search_text="Shin splints")
        assert _found("shin") == ["sprain"] and _found("fracture") == []
    finally:
        with connection.schema_editor() as schema_editor:
            schema_editor.remove_field(PublishedArticle, added)
        search_index.restore_sqlite_triggers(connection.alias)


@pytest.mark.django_db
def test_a_database_migrated_before_the_reset_gets_a_clear_error_not_a_crash():
    from django.db.migrations.recorder import MigrationRecorder

    from articles.checks import migrations_from_before_the_reset

    assert migrations_from_before_the_reset(databases=["default"]) == []
    MigrationRecorder(connection).record_applied("articles", "0029_review_comments")
    [error] = migrations_from_before_the_reset(databases=["default"])
    assert error.id == "articles.E001"
    assert "articles.0029_review_comments" in error.msg
    assert "export_content" in error.hint and "import_content" in error.hint
