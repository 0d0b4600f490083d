from django.core.management.base import BaseCommand

from articles import reminders, tasks


class Command(BaseCommand):
    help = (
        "Email the reviewer who last approved each live article, and the editors, when its "
        "review falls due within REVIEW_REMINDER_DAYS. Safe to run from cron as often as you "
        "like: each reminder goes once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to the task worker (TASKS_BACKEND=database) instead of "
            "sending here.",
        )

    def handle(self, *args, enqueue=False, verbosity=1, **options):
        if enqueue:
            tasks.send_review_reminders.enqueue()
            if verbosity >= 1:
                self.stdout.write("Queued for the task worker.")
            return
        sent = reminders.send_review_reminders()
        if verbosity >= 1:
            for reminder in sent:
                self.stdout.write(
                    f"Reminded {len(reminder.recipients)} people: {reminder.article.title} "
                    f"is due on {reminder.due:%Y-%m-%d}."
                )
            self.stdout.write(self.style.SUCCESS(f"Sent {len(sent)} review reminder(s)."))
