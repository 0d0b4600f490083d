import io

import pytest
from django.core.management import call_command


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
