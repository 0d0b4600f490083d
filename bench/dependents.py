"""What it costs a move to bring the articles that point to it up to date before it returns.

    .venv/bin/python bench/dependents.py            # a fresh SQLite file in bench/data/
    DATABASE_URL=postgres://… .venv/bin/python bench/dependents.py

Publishing, renaming and unpublishing re-render, in their own transaction, every live article
whose related topics or inline links name the article (so no reader sees a stale card once the
call returns). This times `workflow.unpublish` of an article that 0, 10, 50 and 200 live
articles point to, each try rolled back, and sets it beside the other way of keeping cards
right: assembling them when a document is read, which would cost every detail read the lookup
`documents.live_targets` makes. Times are medians, and each is reported as a ratio to a
reference measured in the same run (unpublishing an article nothing points to; one detail read).
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPENDENTS = (0, 10, 50, 200)
# About 140 words, as a section of the demo's flagship article has.
PARAGRAPH = (
    "Rest the leg for a day or two, then walk a little more each day. A cold pack wrapped in "
    "a towel eases swelling; **heat** suits stiffness better. Stretch gently, never into pain, "
    "and choose shoes with a firm heel.\n\n"
)
TRIES = 7


class RolledBack(Exception):
    pass


def main():
    data = ROOT / "bench" / "data"
    data.mkdir(parents=True, exist_ok=True)
    database = data / "dependents.sqlite3"
    database.unlink(missing_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key")
    os.environ.setdefault("MEDIA_ROOT", str(data / "dependents-media"))
    os.environ["API_ANON_RATE"] = ""  # the reads below are one client's
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))

    import django
    from django.core.management import call_command

    django.setup()
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    people = make_people()
    targets = {count: make_target(count, people) for count in DEPENDENTS}
    unpublish_ms = {count: median_unpublish_ms(targets[count], people) for count in DEPENDENTS}
    read_ms, lookup_ms = detail_read_and_card_lookup_ms(targets[DEPENDENTS[-1]])
    report(unpublish_ms, read_ms, lookup_ms)


def make_people():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from reviewers.models import Reviewer

    people = {}
    for role, group in (("writer", "Writers"), ("editor", "Editors"), ("reviewer", "Reviewers")):
        user = get_user_model().objects.create_user(f"bench-{role}", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        people[role] = user
    Reviewer.objects.create(
        name="Bench Reviewer", slug="bench-reviewer", credentials="MD", user=people["reviewer"]
    )
    return people


def publish(article, people):
    from articles import workflow
    from articles.models import Review

    article = workflow.submit(
        article=article, by=people["writer"], reviewers=[people["reviewer"].reviewer_profile]
    )
    review = Review.objects.get(revision=article.current_revision, decision="pending")
    workflow.approve(review=review, by=people["reviewer"])
    workflow.publish(article=article, by=people["editor"], rerender_dependents=False)


def make_target(count, people):
    """A live article that `count` other live articles name as a related topic and link to."""
    target = new_article(f"target-{count}", people)
    target.sections.create(position=1, heading="Outside hip pain", anchor="outside", body="Ice.")
    publish(target, people)
    for number in range(count):
        source = new_article(f"source-{count}-{number}", people)
        for part in range(5):
            source.sections.create(
                position=part,
                heading=f"Part {part}",
                body=PARAGRAPH * 3 + f"See [outside hip pain](article:target-{count}#outside).",
            )
        source.related_topics.create(to_article=target, position=1)
        publish(source, people)
    return target


def new_article(slug, people):
    from articles.models import Article

    return Article.objects.create(
        slug=slug, title=slug.replace("-", " ").capitalize(), summary="Timing.",
        intro="An opening paragraph.", author=people["writer"],
    )  # fmt: skip


def median_unpublish_ms(target, people):
    from django.db import transaction

    from articles import workflow

    durations = []
    for _ in range(TRIES):
        try:
            with transaction.atomic():
                started = time.perf_counter()
                workflow.unpublish(article=target, by=people["editor"], comment="Timing.")
                durations.append((time.perf_counter() - started) * 1000)
                raise RolledBack
        except RolledBack:
            pass
    return statistics.median(durations)


def detail_read_and_card_lookup_ms(target):
    """One detail read of a source through the test client, and the lookup read-time cards
    would add to it (the live rows its six-or-fewer named slugs resolve to)."""
    from django.test import Client

    from articles.documents import live_targets
    from articles.models import PublishedArticle

    source = PublishedArticle.objects.exclude(article=target).first()
    client = Client(HTTP_HOST="127.0.0.1")
    url = f"/api/v1/articles/{source.slug}/"
    reads, lookups = [], []
    for _ in range(200):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        reads.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        live_targets({target.slug}, besides=source.article_id)
        lookups.append((time.perf_counter() - started) * 1000)
    return statistics.median(reads), statistics.median(lookups)


def report(unpublish_ms, read_ms, lookup_ms):
    from django.db import connection

    base = unpublish_ms[0]
    print(f"Database: {connection.vendor}")
    print("| articles pointing to it | unpublish, median | ÷ none pointing | per dependent |")
    print("|---:|---:|---:|---:|")
    for count, ms in unpublish_ms.items():
        per = f"{(ms - base) / count:.1f} ms" if count else "—"
        print(f"| {count} | {ms:.1f} ms | {ms / base:.1f} | {per} |")
    print(
        f"Detail read: {read_ms:.2f} ms; the card lookup read-time assembly would add: "
        f"{lookup_ms:.2f} ms ({lookup_ms / read_ms:.2f} of a read), on every read."
    )


if __name__ == "__main__":
    main()
