"""A full copy of the content, and its restore into an empty database.

A backup folder holds `manifest.json` (format, date, row counts), one JSON Lines file per model
under `data/` (Django's own serializer, so `loaddata` reads it back), and every uploaded file
under `media/` by its storage name. It has the working copies, every revision, review and
transition, the read model as it was served, reviewers, tags, images and their renditions, user
accounts (with password hashes, so people can sign in after a restore: keep backups private),
groups and webhook endpoints (with their signing secrets).

Left out on purpose: API tokens and sessions (people sign in again and ask for new tokens), the
webhook delivery log (restoring it could send old events twice), the task queue, login-attempt
records, and caches. Because the read model is restored as it was, the public API answers
byte-for-byte as before the backup.
"""

import datetime
import json
import shutil
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

FORMAT = "health-cms-content/1"

# Groups are matched by name: their permissions exist in any migrated database.
GROUPS = "auth.group"
# Everything else keeps its primary keys, so every reference between rows holds as it was.
MODELS = [
    "auth.user",
    "tags.tag",
    "tags.tagcode",
    "images.image",
    "images.rendition",
    "reviewers.reviewer",
    "reviewers.credential",
    "reviewers.disclosure",
    "articles.article",
    "articles.section",
    "articles.relatedtopic",
    "articles.reference",
    "articles.taggedarticle",
    "articles.articlerevision",
    "articles.articleedit",
    "articles.review",
    "articles.reviewcomment",
    "articles.transition",
    "articles.publishedarticle",
    "articles.publishedarticletag",
    "articles.publishedlink",
    "articles.articleslugalias",
    "articles.readmodelstate",
    "articles.webhookendpoint",
    "articles.reviewreminder",
]
# Rows a freshly migrated database already has, which the backup's own rows replace.
MIGRATION_ROWS = {"articles.readmodelstate"}


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (Django's stops at milliseconds,
    which would change every Last-Modified header and feed date after a restore)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """The backup folder or the target database is not what a restore needs; says why."""


def export_content(folder):
    """Write everything to `folder` (created; must be empty if it exists); return row counts."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty; give a new or empty folder.")
    (folder / "data").mkdir(parents=True, exist_ok=True)
    counts = {}
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            _read_one_moment()
        for index, label in enumerate([GROUPS, *MODELS]):
            path = folder / "data" / f"{index:02d}-{label}.jsonl"
            counts[label] = _dump(label, path, natural_primary=label == GROUPS)
        media = _copy_media_out(folder / "media")
    manifest = {
        "format": FORMAT,
        "exported_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "rows": counts,
        "media_files": media,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def import_content(folder):
    """Restore a backup from `folder` into an empty database; return the manifest."""
    folder = Path(folder)
    manifest = _read_manifest(folder)
    _check_empty()
    # Empty files are skipped: loaddata warns about them.
    fixtures = sorted(p for p in (folder / "data").glob("*.jsonl") if p.stat().st_size)
    stored = []
    try:
        with transaction.atomic():
            _copy_media_in(folder / "media", stored)
            # loaddata checks every reference once all rows are in, and resets id sequences.
            call_command("loaddata", *map(str, fixtures), verbosity=0)
            _check_counts(manifest)
    except Exception:
        for name in stored:  # files are not part of the transaction: take them back by hand
            default_storage.delete(name)
        raise
    return manifest


def _read_one_moment():
    """Read every table as of one moment, even while editors keep working. SQLite's
    transaction already does (it holds the write lock); PostgreSQL needs to be asked."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def _dump(label, path, *, natural_primary):
    model = apps.get_model(label)
    rows = model._default_manager.order_by("pk")
    with path.open("w") as out:
        serializers.serialize(
            "jsonl",
            rows.iterator(chunk_size=500),
            stream=out,
            cls=ExactJSONEncoder,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=natural_primary,
        )
    return rows.count()


def _media_names():
    Image = apps.get_model("images.image")
    Rendition = apps.get_model("images.rendition")
    yield from Image.objects.exclude(file="").values_list("file", flat=True).iterator()
    yield from Rendition.objects.exclude(file="").values_list("file", flat=True).iterator()


def _copy_media_out(target):
    count = 0
    for name in _media_names():
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, destination.open("wb") as out:
            shutil.copyfileobj(source, out)
        count += 1
    return count


def _copy_media_in(source, stored):
    """Save each file of `source` under its own name, appending each name to `stored`."""
    if not source.is_dir():
        return
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        name = path.relative_to(source).as_posix()
        if default_storage.exists(name):
            raise BackupError(f"The media storage already has a file named {name}.")
        with path.open("rb") as data:
            saved_as = default_storage.save(name, File(data))
        stored.append(saved_as)
        if saved_as != name:
            raise BackupError(f"The media storage renamed {name} to {saved_as}.")


def _read_manifest(folder):
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except FileNotFoundError as error:
        raise BackupError(f"{folder} has no manifest.json: it is not a backup.") from error
    except json.JSONDecodeError as error:
        raise BackupError(f"{folder}/manifest.json is not valid JSON: {error}.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}; expected {FORMAT}.")
    return manifest


def _check_empty():
    found = {
        label: apps.get_model(label)._default_manager.count()
        for label in MODELS
        if label not in MIGRATION_ROWS
    }
    found = {label: count for label, count in found.items() if count}
    if found:
        listed = ", ".join(f"{count} {label}" for label, count in found.items())
        raise BackupError(
            f"The database is not empty ({listed}). Restore into a new, migrated database."
        )


def _check_counts(manifest):
    for label, expected in manifest["rows"].items():
        actual = apps.get_model(label)._default_manager.count()
        if label != GROUPS and actual != expected:
            raise BackupError(f"{label}: {actual} rows after the restore, {expected} expected.")
