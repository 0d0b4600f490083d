from django.core.management.base import BaseCommand, CommandError

from articles.backup import BackupError, export_content


class Command(BaseCommand):
    help = (
        "Write every article with its revisions, reviews and history, the live read model, "
        "reviewers, tags, users and media to a new folder (see articles/backup.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A new or empty folder for the backup.")

    def handle(self, *args, folder, **options):
        try:
            manifest = export_content(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"Exported {rows} rows and {manifest['media_files']} media files to {folder}."
        )
