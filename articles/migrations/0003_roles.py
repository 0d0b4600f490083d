"""The three editorial roles as groups, with what each may do in the admin.

Writers draft and change articles and their own images, choosing from the tags and reviewers
editors keep. Reviewers read everything they review. Editors manage the rest: tags, reviewers,
webhooks, API tokens, any image, and publishing. What a role may do *in the workflow* (submit,
approve, publish) is decided by articles/workflow.py, not by these permissions alone.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ARTICLE_PARTS = ["article", "reference", "relatedtopic", "section", "taggedarticle"]
READ_ALONG = [
    "articles.view_articlerevision",
    "articles.view_review",
    "articles.view_transition",
    "reviewers.view_reviewer",
    "tags.view_tag",
]
WRITERS = [
    *(f"articles.{action}_{part}" for action in ("add", "change", "view") for part in ARTICLE_PARTS),
    *(f"articles.delete_{part}" for part in ARTICLE_PARTS if part != "article"),
    *READ_ALONG,
    "images.add_image",
    "images.change_image",
    "images.view_image",
]
REVIEWERS = [
    *(f"articles.view_{part}" for part in ARTICLE_PARTS if part != "taggedarticle"),
    *READ_ALONG,
    "images.view_image",
]
EDITORS = [
    *(
        f"articles.{action}_{part}"
        for action in ("add", "change", "delete", "view")
        for part in [*ARTICLE_PARTS, "webhookendpoint"]
    ),
    *READ_ALONG,
    "articles.publish_article",
    "articles.view_publishedarticle",
    "articles.view_webhookattempt",
    "articles.view_webhookdelivery",
    "auth.view_user",
    "authtoken.delete_tokenproxy",
    "authtoken.view_tokenproxy",
    *(f"images.{action}_image" for action in ("add", "change", "delete", "view")),
    "images.change_any_image",
    "images.view_rendition",
    *(f"reviewers.{action}_reviewer" for action in ("add", "change", "delete")),
    *(f"tags.{action}_tag" for action in ("add", "change", "delete")),
]
ROLES = {"Writers": WRITERS, "Reviewers": REVIEWERS, "Editors": EDITORS}


def create_roles(apps, schema_editor):
    # Permissions are otherwise created after the last migration; the groups need them now.
    for label in ("auth", "authtoken", "images", "reviewers", "tags", "articles"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True  # a migration's app registry leaves it unset
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in permissions:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_full_text_search"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
