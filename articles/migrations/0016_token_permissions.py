"""Editors see API tokens in the admin and revoke them (a lost laptop, a leaver); nobody but a
superuser mints a token for someone else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_tokenproxy", "delete_tokenproxy"]


def _token_permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="authtoken", codename__in=CODENAMES)


def grant(apps, schema_editor):
    authtoken = apps.get_app_config("authtoken")
    authtoken.models_module = True
    create_permissions(authtoken, apps=apps, verbosity=0)
    authtoken.models_module = None
    Group = apps.get_model("auth", "Group")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*_token_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(*_token_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_search_vector_without_statistics"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
