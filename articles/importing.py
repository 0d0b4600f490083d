"""Bringing a publisher's existing articles in from JSON Lines, one article per line.

The file is read twice, one line at a time:
1. collect the slugs it contains (related topics and links may point further down the file);
2. check each line (import_lines, in the worker processes of import_pool) and create the
   drafts of good new ones a batch at a time (import_batches), each batch one transaction; a
   bad line is reported with its number and reason, and nothing of it is written.
Then related topics are attached, and, with `publish`, the new articles are taken through the
workflow in batches (`workflow.publish_many`): submitted by their authors, approved by their
reviewers, published with their own dates. Their hero images' renditions come last.

Articles whose slug already exists are left alone, so importing the same file again changes
nothing; drafts a stopped import left behind are taken up (import_batches.stranded_drafts).
"""

import itertools
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db.models import Max

from articles import import_batches, import_pool, publishing, workflow
from articles.chunks import chunks
from articles.import_lines import read_lines
from articles.models import Article, ArticleSlugAlias, PublishedArticle
from images import bulk
from images.tasks import generate_renditions

# Lines per batch: each batch is one transaction, short enough for other writers to get in
# between on SQLite, long enough for bulk inserts to pay.
BATCH_SIZE = 200


@dataclass
class ImportReport:
    created: int = 0
    unchanged: int = 0
    published: int = 0
    resumed: int = 0  # drafts an earlier run created and did not publish, published now
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    images: list[int] = field(default_factory=list)  # ids of the hero images created
    seconds: float = 0.0  # from the first line read to the last article written (or live)
    rendition_seconds: float = 0.0  # making the renditions here, and rendering again
    renditions_made: bool = False  # here, or else queued for the task workers

    @property
    def done(self):
        """Articles this run took as far as it was asked: published, or else created."""
        return self.published or self.created

    @property
    def per_second(self):
        return self.done / self.seconds if self.seconds else 0.0


def import_file(
    path, *, publish=False, dry_run=False, progress=None, jobs=1, wait_renditions=True
):  # fmt: skip
    """Import the JSON Lines file at `path`; return an ImportReport.

    `progress(phase, total=, unit=)`, if given, returns a counter with `update(n)` and
    `close()` (a tqdm bar, say) for each phase. With `jobs` over 1, lines are checked, hero
    images cleaned and documents rendered in that many processes (import_pool). The hero
    images' renditions are made last, by `jobs` threads here if `wait_renditions`, else by
    the task workers.
    """
    path = Path(path)
    progress = progress or _NoProgress
    report = ImportReport()
    started = time.perf_counter()
    known = set(Article.objects.values_list("slug", flat=True))
    in_file, lines = set(), 0
    for _, data in read_lines(path):
        lines += 1
        if _has_slug(data):
            in_file.add(sys.intern(data["slug"]))
    # Drafts an earlier run created and did not get to publish (it was stopped, or failed):
    # with `publish`, this run finishes them instead of counting them unchanged.
    stranded = import_batches.stranded_drafts(in_file) if publish and not dry_run else set()
    context = import_pool.Context(
        base=path.parent,
        slugs=known | in_file,
        known=known - stranded,
        # Links to the file's own articles work once they are published with it; drafts
        # have no readers yet, so without `publish` there is nothing to warn about.
        linkable=(in_file | _live_slugs()) if publish else None,
    )
    with import_pool.start(jobs, context) as pool:
        bar = progress("Checking and creating", total=lines)
        people = import_batches.People()
        created = _check_and_create(path, pool, people, report, known, stranded, dry_run, bar)
        if dry_run or not created:
            return report
        for batch in chunks(created, BATCH_SIZE):
            left_out = import_batches.attach_related(batch)
            report.warnings += [
                f"line {item.line}: related article {slug} was refused: left out"
                for item, slug in left_out
            ]
        if publish:
            report.published = _publish(created, people, pool, report, progress)
    report.seconds = time.perf_counter() - started
    report.images = [item.image_id for item in created if item.image_id]
    _make_renditions(report.images, wait=wait_renditions, threads=jobs, progress=progress)
    report.renditions_made = wait_renditions
    report.rendition_seconds = time.perf_counter() - started - report.seconds
    return report


def _make_renditions(image_ids, *, wait, threads, progress):
    """The renditions of new images: made here, then the live documents showing them
    rendered again once; or left to the task workers, one task per image."""
    if not image_ids:
        return
    if not wait:
        for image_id in image_ids:
            generate_renditions.enqueue(image_id)
        return
    bar = progress("Making renditions", total=len(image_ids), unit=" images")
    bulk.make_renditions(image_ids, threads=threads, progress=bar)
    bar.close()
    for ids in chunks(image_ids, BATCH_SIZE):
        publishing.rerender(PublishedArticle.objects.filter(revision__hero_image__in=ids))


def _check_and_create(path, pool, people, report, known, stranded, dry_run, bar):
    """Check every line (in the pool) and create the drafts of good new ones, a batch at a
    time; the next batch is checked while this one is written. Lines of `stranded` drafts
    are taken up as they are."""
    created, first_line = [], {}
    checking = None
    for batch in itertools.chain(chunks(read_lines(path), BATCH_SIZE), [None]):
        next_checking = pool.check(batch) if batch is not None else None
        if checking is not None:
            lines, resumed = [], []
            for number, data, prepared, error in checking.result():
                bar.update()
                if error is None and data["slug"] in first_line:
                    error = f"the slug {data['slug']} is on line {first_line[data['slug']]} too"
                if error is not None:
                    report.errors.append(f"line {number}: {error}")
                    continue
                first_line[data["slug"]] = number
                if data["slug"] in stranded:
                    resumed.append((number, data, prepared))
                elif data["slug"] in known:
                    report.unchanged += 1
                else:
                    known.add(data["slug"])
                    lines.append((number, data, prepared))
                    report.warnings += [f"line {number}: {w}" for w in prepared.warnings]
            report.created += len(lines)
            if lines and not dry_run:
                created += _create(lines, people, report)
            taken, changed = import_batches.take_up_drafts(resumed, people)
            created += taken
            report.resumed += len(taken)
            report.errors += [
                f"line {number}: an earlier import created this article and did not publish "
                "it, and the line has changed since: delete the draft to import the line anew"
                for number in changed
            ]
        checking = next_checking
    bar.close()
    return created


def _create(lines, people, report):
    try:
        return import_batches.create_drafts(lines, people)
    except ValidationError as error:
        report.created -= len(lines)
        first, last = lines[0][0], lines[-1][0]
        report.errors.append(f"lines {first} to {last}: {' '.join(error.messages)}")
        return []


def _publish(created, people, pool, report, progress):
    """Publish the created articles a batch at a time, each document rendered once with every
    article of the import known as live; then render again what links to them from before.
    `people` met every reviewer they name when they were created or taken up."""
    going_live = {item.slug for item in created}
    live_before = PublishedArticle.objects.aggregate(last=Max("pk"))["last"] or 0
    published, refused = [], []
    bar = progress("Publishing", total=len(created))
    for batch in chunks(created, BATCH_SIZE):
        try:
            import_batches.publish(batch, people, going_live=going_live, render_all=pool.render)
            published += batch
        except workflow.WorkflowError:
            # One refused article must not hold up its batch: publish those one at a time.
            for item in batch:
                try:
                    import_batches.publish(
                        [item], people, going_live=going_live, render_all=pool.render
                    )
                    published.append(item)
                except workflow.WorkflowError as error:
                    refused.append(item)
                    report.errors.append(f"line {item.line}: created, not published: {error}")
        bar.update(len(batch))
    bar.close()
    # Articles already live that link to the new ones render again, and, if any was refused,
    # those that linked to it expecting it live.
    publishing.rerender_linking_to([item.slug for item in published], live_up_to=live_before)
    if refused:
        publishing.rerender_linking_to([item.slug for item in refused])
    return len(published)


class _NoProgress:
    def __init__(self, phase, *, total=None, unit=None):
        pass

    def update(self, count=1):
        pass

    def close(self):
        pass


def _live_slugs():
    """Every slug a live article answers to: its own and its old ones."""
    live = PublishedArticle.objects.values_list("slug", flat=True)
    old = ArticleSlugAlias.objects.filter(article__published__isnull=False)
    return {*live, *old.values_list("slug", flat=True)}


def _has_slug(data):
    return isinstance(data, dict) and isinstance(data.get("slug"), str)
