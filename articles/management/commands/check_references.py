from django.core.management.base import BaseCommand

from articles.reference_checks import check_references


class Command(BaseCommand):
    help = (
        "Check that the sources live articles cite still answer, each URL at most once a day; "
        "the editors' dashboard and the editorial API list the broken ones. Run it from cron "
        "once a day."
    )

    def handle(self, *args, verbosity=1, **options):
        counts = check_references()
        if verbosity >= 1:
            checked = sum(counts.values())
            by_outcome = ", ".join(
                f"{count} {outcome}" for outcome, count in sorted(counts.items())
            )
            self.stdout.write(
                self.style.SUCCESS(f"Checked {checked} reference URL(s)")
                + (f": {by_outcome}." if by_outcome else ".")
            )
