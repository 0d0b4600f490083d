"""Images already used by a revision are part of reviewed content: lock them, so that their alt
text, credit and focal point no longer change in place. Editors may change anyone's images;
writers only their own uploads."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone


def lock_reviewed_images(apps, schema_editor):
    Image = apps.get_model("images", "Image")
    ArticleRevision = apps.get_model("articles", "ArticleRevision")
    reviewed = ArticleRevision.objects.exclude(hero_image=None).values("hero_image")
    Image.objects.filter(pk__in=reviewed, locked_at=None).update(locked_at=timezone.now())


def _change_any_image(apps):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="images", codename="change_any_image")


def grant(apps, schema_editor):
    images = apps.get_app_config("images")
    images.models_module = True
    create_permissions(images, apps=apps, verbosity=0)
    images.models_module = None
    Group = apps.get_model("auth", "Group")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*_change_any_image(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(*_change_any_image(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_document_text"),
        ("images", "0003_image_lock"),
    ]

    operations = [
        migrations.RunPython(lock_reviewed_images, migrations.RunPython.noop),
        migrations.RunPython(grant, revoke),
    ]
