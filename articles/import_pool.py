"""Where an import does its CPU-bound work: checking lines (Markdown limits), cleaning hero
images (decoding and re-encoding every pixel) and rendering documents (Markdown, sanitising).

With `jobs` over 1 it goes to that many worker processes, while this process writes to the
database; with 1 it is done here, in turn. Workers are started fresh ("spawn"): a forked one
would share this process's database connections, and they never touch the database.
"""

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import django


@dataclass(frozen=True)
class Context:
    """What checking a line needs besides the line: the folder its files are in, every slug
    a related topic may name, the slugs already in the database (left unchanged), and every
    slug an `article:` link may name and still work once the import is done."""

    base: Path
    slugs: set
    known: set
    linkable: set | None


@contextmanager
def start(jobs, context):
    if jobs <= 1:
        yield InProcess(context)
        return
    executor = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(context,),
    )
    try:
        yield Workers(executor, jobs)
    finally:
        executor.shutdown(cancel_futures=True)


class InProcess:
    def __init__(self, context):
        self.context = context

    def check(self, lines):
        """A future of `import_lines.prepare_line` of each (number, data) of `lines`."""
        from articles.import_lines import prepare_line

        future = Future()
        future.set_result([prepare_line(number, data, self.context) for number, data in lines])
        return future

    def render(self, jobs, lookups):
        from articles.workflow import render_here

        return render_here(jobs, lookups)


class Workers:
    def __init__(self, executor, jobs):
        self.executor, self.jobs = executor, jobs

    def check(self, lines):
        return _Gathered([self.executor.submit(_check, part) for part in self._split(lines)])

    def render(self, jobs, lookups):
        parts = [self.executor.submit(_render, part, lookups) for part in self._split(jobs)]
        return _Gathered(parts).result()

    def _split(self, items):
        """`items` in one part per worker, in order."""
        size = -(-len(items) // self.jobs)
        return [items[start : start + size] for start in range(0, len(items), size)]


class _Gathered:
    """The results of several futures, in order, as one."""

    def __init__(self, futures):
        self.futures = futures

    def result(self):
        return [item for future in self.futures for item in future.result()]


_context = None


def _start_worker(context):
    global _context
    django.setup()
    _context = context


def _check(lines):
    from articles.import_lines import prepare_line

    return [prepare_line(number, data, _context) for number, data in lines]


def _render(jobs, lookups):
    from articles.workflow import render_here

    return render_here(jobs, lookups)
