"""Editors keep and verify reviewers' credentials, which other roles never see. Writers and
reviewers record their own disclosures (the admin shows each only theirs); editors see and
correct everyone's."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Editors": [
        *(f"{action}_credential" for action in ("add", "change", "delete", "view")),
        *(f"{action}_disclosure" for action in ("add", "change", "delete", "view")),
    ],
    "Writers": ["add_disclosure", "change_disclosure", "view_disclosure"],
    "Reviewers": ["add_disclosure", "change_disclosure", "view_disclosure"],
}
MODELS = ("credential", "disclosure")


def grant(apps, schema_editor):
    app_config = apps.get_app_config("reviewers")
    app_config.models_module = True  # a migration's app registry leaves it unset
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:  # a site that removed a role keeps it removed
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="reviewers", codename__in=codenames
                )
            )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="reviewers", content_type__model__in=MODELS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviewers", "0002_credentials_disclosures_specialties"),
        ("articles", "0003_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
