"""Writers upload and describe images; reviewers see them; editors manage them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Writers": ["add_image", "change_image", "view_image"],
    "Reviewers": ["view_image"],
    "Editors": ["add_image", "change_image", "delete_image", "view_image", "view_rendition"],
}


def grant(apps, schema_editor):
    images = apps.get_app_config("images")
    images.models_module = True
    create_permissions(images, apps=apps, verbosity=0)
    images.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="images", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="images", codename__in=GRANTS[group.name]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_revision_keeps_its_image"),
        ("images", "0001_image_and_renditions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
