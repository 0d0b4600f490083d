import os

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.importing import import_file


class Command(BaseCommand):
    help = (
        "Import articles from a JSON Lines file, one article per line (see README). Existing "
        "slugs are left alone; a bad line is reported and skipped whole. With --publish, each "
        "new article is submitted, approved by its reviewer and published with its own dates."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .jsonl file.")
        parser.add_argument("--publish", action="store_true", help="Publish what is imported.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every line; write nothing."
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes for checking, image cleaning and rendering (default: one per core).",
        )

    def handle(self, *args, file, publish=False, dry_run=False, jobs, verbosity=1, **options):
        def progress(phase):
            return tqdm(desc=phase, unit=" articles", disable=verbosity < 1, file=self.stderr)

        if jobs < 1:
            raise CommandError("--jobs must be 1 or more.")
        try:
            report = import_file(
                file, publish=publish, dry_run=dry_run, progress=progress, jobs=jobs
            )
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {file}") from error
        for error in report.errors:
            self.stderr.write(self.style.ERROR(error))
        verb = "Would create" if dry_run else "Created"
        self.stdout.write(
            f"{verb} {report.created}, unchanged {report.unchanged}, published "
            f"{report.published}, refused {len(report.errors)}."
        )
