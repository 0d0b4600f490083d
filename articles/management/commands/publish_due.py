from django.core.management.base import BaseCommand
from django.utils import timezone

from articles import publishing, workflow
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Publish the scheduled articles whose publication time has passed, take down the live "
        "ones whose expiry has, and render again those still printing a reviewer's credential "
        "that has run out. Safe to run from cron every minute: each is done once, however "
        "often this runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the articles that are due; move none."
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        if dry_run:
            due = Article.objects.due_for_publication(timezone.now())
            for title in due.values_list("title", flat=True):
                self.stdout.write(f"Due: {title}")
            expired = Article.objects.due_for_withdrawal(timezone.now())
            for title in expired.values_list("title", flat=True):
                self.stdout.write(f"Expired: {title}")
            return
        count = workflow.publish_due()
        taken_down = workflow.unpublish_due()
        publishing.rerender_for_lapsed_credentials()
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"Published {count} scheduled article(s)."))
            self.stdout.write(self.style.SUCCESS(f"Took down {taken_down} expired article(s)."))
