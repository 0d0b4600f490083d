"""Editors manage tags, as DESIGN says: writers pick from the tags that exist and no longer add
new ones (the editorial API already accepted only existing tags). A tag's name is printed in
every live article that carries it and in the public tag list, so a misspelt duplicate added
while writing would reach readers."""

from django.db import migrations


def _add_tag(apps):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="tags", codename="add_tag")


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for writers in Group.objects.filter(name="Writers"):
        writers.permissions.remove(*_add_tag(apps))


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for writers in Group.objects.filter(name="Writers"):
        writers.permissions.add(*_add_tag(apps))


class Migration(migrations.Migration):
    dependencies = [("articles", "0027_review_change_size")]

    operations = [migrations.RunPython(revoke, grant)]
