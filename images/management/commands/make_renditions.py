from django.core.management.base import BaseCommand, CommandError

from images.models import Image
from images.tasks import generate_renditions


class Command(BaseCommand):
    help = (
        "Make the renditions of images that lack some (the process making them stopped first, "
        "or a newer version plans more), or of every image with --all. Live articles showing "
        "those images are rendered again with the new srcsets."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Remake every image's renditions.")
        parser.add_argument("--dry-run", action="store_true", help="Count; make nothing.")

    def handle(self, *args, all=False, dry_run=False, verbosity=1, **options):
        images = Image.objects.prefetch_related("renditions").iterator(chunk_size=500)
        pks = [image.pk for image in images if all or image.lacks_renditions()]
        failed = [] if dry_run else [pk for pk in pks if not self._make(pk)]
        if verbosity >= 1:
            verb = "Would make" if dry_run else "Made"
            made = len(pks) - len(failed)
            self.stdout.write(self.style.SUCCESS(f"{verb} renditions for {made} image(s)."))
        if failed:
            raise CommandError(f"No renditions for image(s) {', '.join(map(str, failed))}.")

    def _make(self, pk):
        """Make one image's renditions; one that cannot be rendered (stored before the shape
        and truncation checks, say) is reported and does not stop the others."""
        try:
            generate_renditions.call(pk)
        except (OSError, ValueError) as error:
            self.stderr.write(f"Image {pk}: {error}")
            return False
        return True
