from django.core.management.base import BaseCommand

from articles import publishing
from articles.models import PublishedArticle


class Command(BaseCommand):
    help = (
        "Render every live article again from its approved revision. Use after changing the "
        "site-wide disclaimer or upgrading the renderer; no content changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count; render nothing.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        live = PublishedArticle.objects.all()
        count = live.count() if dry_run else publishing.rerender(live)
        if verbosity >= 1:
            verb = "Would render" if dry_run else "Rendered"
            self.stdout.write(self.style.SUCCESS(f"{verb} {count} live article(s) again."))
