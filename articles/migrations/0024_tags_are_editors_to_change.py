"""Writers add tags but no longer change them: a tag's name and slug are printed in every live
article that carries it, and DESIGN gives managing tags to editors."""

from django.db import migrations


def _change_tag(apps):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="tags", codename="change_tag")


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for writers in Group.objects.filter(name="Writers"):
        writers.permissions.remove(*_change_tag(apps))


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for writers in Group.objects.filter(name="Writers"):
        writers.permissions.add(*_change_tag(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0023_related_topics_named_by_article"),
        ("tags", "0002_plain_text_fields"),
    ]

    operations = [migrations.RunPython(revoke, grant)]
