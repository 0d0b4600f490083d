from django.core.management.base import BaseCommand
from django.utils import timezone

from articles import webhooks
from articles.models import WebhookDelivery


class Command(BaseCommand):
    help = (
        "Retry the webhook deliveries whose next attempt is due. Run it from cron every minute; "
        "each delivery waits twice as long after each failure, up to WEBHOOK_MAX_ATTEMPTS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what is due; send none.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        if dry_run:
            count = WebhookDelivery.objects.due(timezone.now()).count()
        else:
            count = webhooks.retry_due()
        if verbosity >= 1:
            verb = "Due" if dry_run else "Attempted"
            self.stdout.write(self.style.SUCCESS(f"{verb}: {count} webhook delivery(ies)."))
