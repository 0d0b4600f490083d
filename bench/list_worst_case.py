"""Long lists sent to the editorial API: how fast the hostile ones are refused, and what the
largest article the list limits allow costs to save, preview and read back.

    DJANGO_DEBUG=1 .venv/bin/python bench/list_worst_case.py

Times, in process on a throwaway SQLite database, each body sent already encoded as JSON (so
the figure is the server's: parsing, validating, answering):

- the attack of issue #17, 100,000 references in a 7.8 MB body, and the same length of list for
  sections, tags, related topics and the reviewers of a submission;
- an article with every list at its limit: the save, then the size of its preview and of its
  editorial GET.

Each figure is the median of 3 runs, in ms.
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.setdefault("API_ANON_RATE", "100000/min")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from articles import preview  # noqa: E402
from articles.models import Article  # noqa: E402
from reviewers.models import Reviewer  # noqa: E402
from tags.models import Tag  # noqa: E402

ARTICLES = "/api/v1/editorial/articles/"
HOSTILE_LENGTH = 100_000
RUNS = 3
# The limits this branch sets, written out so that the script also runs on older code.
AT_THE_LIMITS = {"sections": 50, "references": 200, "related_topics": 12, "tags": 30}


def article(slug, **lists):
    return {
        "title": slug.replace("-", " ").capitalize(),
        "slug": slug,
        "summary": "A benchmark article.",
        "intro": "An intro.",
        "sections": [{"heading": "Only", "body": "A body."}],
    } | lists


def references(count):
    return [
        {"label": f"Reference {n}", "url": f"https://example.org/{n}", "publisher": "Example"}
        for n in range(count)
    ]


def sections(count):
    return [{"heading": f"Part {n}", "body": f"Body of part {n}."} for n in range(count)]


def timed(call):
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def post_json(client, path, body):
    encoded = json.dumps(body).encode()
    ms, response = timed(lambda: client.post(path, encoded, content_type="application/json"))
    return ms, response, len(encoded)


def hostile_bodies():
    n = HOSTILE_LENGTH
    yield "references (issue #17)", ARTICLES, article("h-refs", references=references(n))
    yield "sections", ARTICLES, article("h-sections", sections=sections(n))
    yield "tags (one slug repeated)", ARTICLES, article("h-tags", tags=["tag-0"] * n)
    yield (
        "related topics (distinct unknown slugs)",
        ARTICLES,
        article("h-related", related_topics=[f"nowhere-{i}" for i in range(n)]),
    )


def main():
    call_command("migrate", verbosity=0)
    writer = get_user_model().objects.create(username="bench-writer", is_staff=True)
    writer.groups.add(Group.objects.get(name="Writers"))
    client = APIClient(SERVER_NAME="localhost")
    client.force_authenticate(writer)
    Tag.objects.bulk_create(Tag(name=f"Tag {n}", slug=f"tag-{n}") for n in range(30))
    for n in range(12):
        Article.objects.create(title=f"Target {n}", slug=f"target-{n}", author=writer)
    reviewer = Reviewer.objects.create(name="Dr. Bench", slug="dr-bench", credentials="MD")

    print(f"| {HOSTILE_LENGTH:,} items of | body MB | status | answer in ms |")
    print("|---|---:|---:|---:|")
    for name, path, body in hostile_bodies():
        runs = []
        for _ in range(RUNS):
            runs.append(post_json(client, path, body))
            Article.objects.filter(slug=body["slug"]).delete()
        status = runs[0][1].status_code
        ms = statistics.median(run[0] for run in runs)
        print(f"| {name} | {runs[0][2] / 1e6:,.1f} | {status} | {ms:,.0f} |")
    target = Article.objects.get(slug="target-0")
    submit = {"reviewers": [reviewer.slug] * HOSTILE_LENGTH}
    ms, response, size = post_json(client, f"{ARTICLES}{target.pk}/submit/", submit)
    print(f"| reviewers of a submission | {size / 1e6:,.1f} | {response.status_code} | {ms:,.0f} |")

    print()
    print("| every list at its limit | save ms | preview KB | editorial GET KB |")
    print("|---|---:|---:|---:|")
    saves, shown = [], None
    for run in range(RUNS):
        body = article(
            f"at-limits-{run}",
            sections=sections(AT_THE_LIMITS["sections"]),
            references=references(AT_THE_LIMITS["references"]),
            related_topics=[f"target-{n}" for n in range(AT_THE_LIMITS["related_topics"])],
            tags=[f"tag-{n}" for n in range(AT_THE_LIMITS["tags"])],
        )
        ms, response, _ = post_json(client, ARTICLES, body)
        assert response.status_code == 201, response.content[:500]
        saves.append(ms)
        created = Article.objects.get(slug=body["slug"])
        token = preview.issue_token(article=created)
        shown = (
            len(client.get(f"/api/v1/preview/{token}/").content),
            len(client.get(f"{ARTICLES}{created.pk}/").content),
        )
    print(
        f"| {', '.join(f'{v} {k}' for k, v in AT_THE_LIMITS.items())} | "
        f"{statistics.median(saves):,.0f} | {shown[0] / 1000:,.0f} | {shown[1] / 1000:,.0f} |"
    )


if __name__ == "__main__":
    main()
