"""Create the Writers, Reviewers and Editors groups with the model permissions each role needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ("add", "change", "delete", "view")

ROLE_PERMISSIONS = {
    "Writers": {
        "articles.article": ("add", "change", "view"),
        "articles.section": ALL,
        "articles.relatedtopic": ALL,
        "articles.reference": ALL,
        "articles.taggedarticle": ALL,
        "tags.tag": ("add", "change", "view"),
        "reviewers.reviewer": ("view",),
    },
    "Reviewers": {
        "articles.article": ("view",),
        "articles.section": ("view",),
        "articles.relatedtopic": ("view",),
        "articles.reference": ("view",),
        "tags.tag": ("view",),
        "reviewers.reviewer": ("view",),
    },
    "Editors": {
        "articles.article": ALL,
        "articles.section": ALL,
        "articles.relatedtopic": ALL,
        "articles.reference": ALL,
        "articles.taggedarticle": ALL,
        "tags.tag": ALL,
        "reviewers.reviewer": ALL,
        # Editors link reviewer profiles to accounts, which the user picker needs to list.
        "auth.user": ("view",),
    },
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations have run; this migration needs
    # them now, so create them for every app first.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for model_label, actions in grants.items():
            app_label, model_name = model_label.split(".")
            codenames = [f"{action}_{model_name}" for action in actions]
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_content_model"),
        ("tags", "0001_tag_model"),
        ("reviewers", "0001_reviewer_model"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
