from django.core.management.base import BaseCommand

from articles import image_cleanup


class Command(BaseCommand):
    help = (
        "Delete uploaded images that no article, revision or reviewer uses, with their "
        "renditions and files. Images younger than --older-than-hours are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=int, default=24)
        parser.add_argument("--dry-run", action="store_true", help="Count; delete nothing.")

    def handle(self, *args, older_than_hours, dry_run=False, verbosity=1, **options):
        if dry_run:
            count = image_cleanup.unused_images().count()
        else:
            count = image_cleanup.delete_unused(older_than_hours=older_than_hours)
        if verbosity >= 1:
            verb = "Unused" if dry_run else "Deleted"
            self.stdout.write(self.style.SUCCESS(f"{verb}: {count} image(s)."))
