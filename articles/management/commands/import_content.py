from django.core.management.base import BaseCommand, CommandError

from articles.backup import BackupError, import_content


class Command(BaseCommand):
    help = (
        "Restore a folder written by export_content into an empty, migrated database. "
        "Nothing is written unless all of it can be."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A folder written by export_content.")

    def handle(self, *args, folder, **options):
        try:
            manifest = import_content(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"Restored {rows} rows and {manifest['media_files']} media files from {folder} "
            f"(exported {manifest['exported_at']})."
        )
