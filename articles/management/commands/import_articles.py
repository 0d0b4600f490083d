import os

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.importing import import_file
from articles.task_backend import runs_tasks_in_process


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
        parser.add_argument(
            "--wait-renditions",
            action="store_true",
            help="Make the hero images' renditions before returning, instead of leaving them to "
            "the task workers (always so with TASKS_BACKEND=thread, which has no workers "
            "outside this process).",
        )

    def handle(
        self, *args, file, publish=False, dry_run=False, jobs, wait_renditions=False,
        verbosity=1, **options,
    ):  # fmt: skip
        def progress(phase, *, total=None, unit=" articles"):
            return tqdm(
                desc=phase, total=total, unit=unit, disable=verbosity < 1, file=_Plain(self.stderr)
            )

        most = 4 * (os.cpu_count() or 1)
        if not 1 <= jobs <= most:
            # Each process holds a batch of decoded images: many more than the cores only
            # cost memory (64 took 1.9 GB) and time.
            raise CommandError(f"--jobs must be from 1 to {most} (four per core).")
        try:
            report = import_file(
                file,
                publish=publish,
                dry_run=dry_run,
                progress=progress,
                jobs=jobs,
                wait_renditions=wait_renditions or runs_tasks_in_process(),
            )
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {file}") from error
        for warning in report.warnings:
            self.stderr.write(warning, style_func=self.style.WARNING)
        for error in report.errors:
            self.stderr.write(self.style.ERROR(error))
        verb = "Would create" if dry_run else "Created"
        self.stdout.write(
            f"{verb} {report.created}, unchanged {report.unchanged}, published "
            f"{report.published}, refused {len(report.errors)}."
        )
        if report.resumed:
            self.stdout.write(
                f"Of those published, {_count(report.resumed, 'draft')} an earlier run created "
                "and did not get to publish."
            )
        if report.done and not dry_run:
            done = "live" if publish else "written"
            self.stdout.write(
                f"{_count(report.done, 'article')} {done} in {report.seconds:.1f} s "
                f"({report.per_second:.0f} articles/s)."
            )
        if report.images and report.renditions_made:
            self.stdout.write(
                f"Renditions of {_count(len(report.images), 'image')} made in "
                f"{report.rendition_seconds:.1f} s."
            )
        elif report.images:
            self.stdout.write(
                f"Renditions of {_count(len(report.images), 'image')} queued for the task "
                "workers; until they are made, documents show the images without srcset."
            )
        if report.errors:
            # A migration script must be able to tell that something was left behind.
            raise CommandError(
                f"{_count(len(report.errors), 'line')} refused (above); the others were "
                f"{'checked' if dry_run else 'imported'}."
            )


def _count(number, noun):
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


class _Plain:
    """The command's stderr without the error style: progress is not an error."""

    def __init__(self, stderr):
        self.stderr = stderr

    def write(self, text):
        self.stderr.write(text, style_func=str, ending="")

    def flush(self):
        self.stderr.flush()
