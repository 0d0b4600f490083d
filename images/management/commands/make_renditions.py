from django.core.management.base import BaseCommand

from images.models import Image
from images.tasks import generate_renditions


class Command(BaseCommand):
    help = (
        "Make the renditions of images that have none (for instance when the process making "
        "them stopped first), or of every image with --all."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Remake every image's renditions.")
        parser.add_argument("--dry-run", action="store_true", help="Count; make nothing.")

    def handle(self, *args, all=False, dry_run=False, verbosity=1, **options):
        images = Image.objects.all() if all else Image.objects.filter(renditions__isnull=True)
        pks = list(images.values_list("pk", flat=True).distinct())
        if not dry_run:
            for pk in pks:
                generate_renditions.call(pk)
        if verbosity >= 1:
            verb = "Would make" if dry_run else "Made"
            self.stdout.write(self.style.SUCCESS(f"{verb} renditions for {len(pks)} image(s)."))
