import os

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo knowledge base (articles, tags, a reviewer and the users writer, reviewer "
        "and editor). Only what is missing is created, so it is safe to run again. The demo "
        "users' password comes from DEMO_PASSWORD, or is generated and printed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be created; write nothing."
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        with transaction.atomic():
            result = load_demo(password=os.environ.get("DEMO_PASSWORD") or None)
            if dry_run:
                transaction.set_rollback(True)
        if dry_run:
            result.delete_stored_files()  # the rollback took their rows, not the files
        prefix = "Would create" if dry_run else "Created"
        if verbosity >= 1:
            self.stdout.write(f"{prefix} {len(result.created_articles)} demo articles.")
            if result.created_users:
                self.stdout.write(f"{prefix} users: {', '.join(result.created_users)}.")
        if result.password and not dry_run:
            self.stdout.write(
                self.style.WARNING(f"Demo users' password (printed once): {result.password}")
            )
        if not result.created_articles and not result.created_users and verbosity >= 1:
            self.stdout.write(self.style.SUCCESS("The demo content was already loaded."))
