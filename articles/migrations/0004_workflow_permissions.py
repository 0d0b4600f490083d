"""Give each role what it needs to see the workflow's records, and editors the right to publish."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

HISTORY = ["view_articlerevision", "view_review", "view_transition"]

GRANTS = {
    "Writers": HISTORY,
    "Reviewers": HISTORY,
    "Editors": [*HISTORY, "view_publishedarticle", "publish_article"],
}


def grant(apps, schema_editor):
    articles = apps.get_app_config("articles")
    articles.models_module = True
    create_permissions(articles, apps=apps, verbosity=0)
    articles.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="articles", codename__in=GRANTS[group.name]
            )
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_review_workflow")]

    operations = [migrations.RunPython(grant, revoke)]
