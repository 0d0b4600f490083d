from django.core.management.base import BaseCommand

from articles.generating import write_jsonl


class Command(BaseCommand):
    help = (
        "Write a reproducible, made-up knowledge base of N articles in the import format "
        "(5 sections each, bold terms, bullet lists, article: links and 6 related topics)."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="How many articles.")
        parser.add_argument("--seed", type=int, default=0, help="Same seed, same file.")
        parser.add_argument("--out", required=True, help="The .jsonl file to write.")

    def handle(self, *args, count, seed, out, verbosity=1, **options):
        written = write_jsonl(out, count, seed=seed)
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"Wrote {written} articles to {out}."))
