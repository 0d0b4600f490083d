"""The dearest articles the Markdown limits let through, taken through a save and a preview.

    DJANGO_DEBUG=1 .venv/bin/python bench/render_worst_case.py

Builds, for each shape of Markdown that is dear to render (the largest tables, the deepest
lists, the most links, the densest formatting, plain text of the largest size…), the largest
article that still passes `articles.markdown_limits`, then times, in process on a throwaway
SQLite database:

- save: POST to the editorial API (validate, measure against the limits, write, count words);
- preview: GET of the article's preview link (render, resolve links, sanitise, JSON).

Each figure is the median of 3, in ms and as a ratio to the demo's largest article measured in
the same run, since this machine is shared and its speed drifts. Also timed: refusing the
hostile texts of issue #17 (the API's 400), which must stay cheap too.

Raw HTML costs in the sanitiser's HTML parser, more than linearly in how deep its tags nest, so
its cases put every tag the article may have in one part, nested as deep as they go.
"""

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

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from articles import preview  # noqa: E402
from articles.demo_content import ARTICLES  # noqa: E402
from articles.markdown_limits import check_article  # noqa: E402
from articles.models import Article  # noqa: E402

SECTIONS = 4  # the article size limit is four full sections
RUNS = 3


def largest_passing(unit, *, sections=SECTIONS, head=""):
    """`sections` bodies of `head` + `unit` x n with the largest n the limits let through."""

    def article(n):
        return [(f"Part {index + 1}", head + unit * n) for index in range(sections)]

    low, high = 0, settings.MARKDOWN_SECTION_MAX_KB * 1000 // len(unit) + 1
    while low < high:
        middle = (low + high + 1) // 2
        if check_article("", article(middle)):
            high = middle - 1
        else:
            low = middle
    return article(low)


def table(columns, rows):
    header = "|" + "|".join(f"h{n}" for n in range(columns)) + "|\n"
    delimiter = "|" + "|".join("-" for _ in range(columns)) + "|\n"
    return header + delimiter + "".join("|" + "x|" * columns + "\n" for _ in range(rows))


def nested_lists(depth):
    return "".join("  " * level + f"- step {level + 1}\n" for level in range(depth)) + "\n"


FORMATTING_TAGS = [
    "b",
    "big",
    "code",
    "em",
    "font",
    "i",
    "nobr",
    "s",
    "small",
    "strike",
    "strong",
    "tt",
    "u",
]


def formatting():
    """The most unclosed formatting tags the HTML parser keeps copying: those with attributes
    up to the limit, and three of each without (it keeps no more of the same)."""
    with_attributes = settings.MARKDOWN_ARTICLE_MAX_HTML_FORMATTING_TAGS
    return (
        "x "
        + "".join(f'<b id="{n}">' for n in range(with_attributes))
        + "".join(f"<{tag}>" for tag in FORMATTING_TAGS * 3)
    )


def pasted_table(rows):
    header = "<table>\n<thead>\n<tr><th>Drug</th><th>Dose</th><th>Notes</th></tr>\n</thead>\n"
    row = "<tr><td>Ibuprofen</td><td>400 mg<sup>1</sup></td><td><b>with food</b></td></tr>\n"
    return header + "<tbody>\n" + row * rows + "</tbody>\n</table>\n\n"


def demo_reference():
    flagship = max(ARTICLES, key=lambda a: sum(len(s[1]) for s in a["sections"]))
    return flagship["intro"], [(section[0], section[1]) for section in flagship["sections"]]


def cases():
    cells = settings.MARKDOWN_TABLE_MAX_CELLS
    columns = 50
    widest = table(columns, cells // columns - 1) + "\n"
    yield "demo's largest article (reference)", demo_reference()
    yield "plain prose, 4 x max section", ("", largest_passing("A sentence of plain prose. "))
    yield "max-size tables", ("", largest_passing(widest, sections=1))
    yield "tables, 1-char cells", ("", largest_passing("|a" * 40 + "|\n", head=table(40, 0)))
    yield (
        "max nesting, repeated",
        ("", largest_passing(nested_lists(settings.MARKDOWN_MAX_NESTING))),
    )
    yield "max links (https)", ("", largest_passing("[a source](https://example.org/page) "))
    per_section = settings.MARKDOWN_ARTICLE_MAX_LINKS // SECTIONS
    unresolved = "".join(f"[see](article:missing-{n}) " for n in range(per_section))
    yield "max `article:` links, none found", ("", [(f"Part {i}", unresolved) for i in range(4)])
    yield "emphasis, one per word", ("", largest_passing("*a* "))
    yield "line breaks", ("", largest_passing("a\n"))
    yield "numbered list items", ("", largest_passing("1. a\n"))
    yield "unclosed brackets", ("", largest_passing("![a "))
    yield "underscores", ("", largest_passing("_a "))
    yield "entities", ("", largest_passing("&amp; "))
    for tag in ("ul", "dl", "div", "blockquote", "li", "table", "a", "b"):
        yield (
            f"raw <{tag}> nested, all tags in one part",
            (
                "",
                largest_passing(f"<{tag}>", sections=1, head="<div>\n"),
            ),
        )
    yield (
        "raw formatting copied into paragraphs",
        ("", largest_passing("<p>x", sections=1, head=formatting())),
    )
    yield "pasted 100-row HTML tables", ("", largest_passing(pasted_table(100), sections=1))
    yield "entities inside raw HTML", ("", largest_passing("&#x41;", head="<div>\n"))
    yield "unclosed quote, then Markdown", ("", largest_passing("x\n\n", head='<div title="\n\n'))
    yield "raw <table>, then Markdown", ("", largest_passing("x\n\n", head="<table>\n\n"))


def hostile():
    """Texts over the limits, each as (name, intro, section bodies)."""
    yield "5,000 x 200 table (issue #17)", "", [table(5000, 200)[:2_000_000]]
    yield "padded table bomb", "", [(table(180, 0) + "x\n" * 350 + "\n") * 50]
    yield "100 KB of line breaks", "", ["a\n" * 50_000]
    ul_bomb = "<div>\n" + "<ul>" * 24748
    yield "raw <ul> 24,748 deep, intro and 3 sections", ul_bomb, [ul_bomb] * 3
    copied = "x " + "".join(f'<b id="{n}">' for n in range(1000)) + "<p>x" * 1000
    yield "1,000 raw <b id> copied into 1,000 paragraphs", "", [copied]


def payload(slug, intro, sections):
    return {
        "title": slug.replace("-", " ").capitalize(),
        "slug": slug,
        "summary": "A benchmark article.",
        "intro": intro,
        "sections": [{"heading": heading, "body": body} for heading, body in sections],
    }


def timed(call):
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def main():
    call_command("migrate", verbosity=0)
    writer = get_user_model().objects.create(username="bench-writer", is_staff=True)
    writer.groups.add(Group.objects.get(name="Writers"))
    client = APIClient(SERVER_NAME="localhost")
    client.force_authenticate(writer)
    rows = []
    for number, (name, (intro, sections)) in enumerate(cases()):
        size = len(intro.encode()) + sum(len(body.encode()) for _, body in sections)
        saves, previews, response_bytes = [], [], 0
        for run in range(RUNS):
            slug = f"bench-{number}-{run}"
            body = payload(slug, intro, sections)
            ms, response = timed(
                lambda body=body: client.post("/api/v1/editorial/articles/", body, format="json")
            )
            assert response.status_code == 201, (name, response.json())
            saves.append(ms)
            token = preview.issue_token(article=Article.objects.get(slug=slug))
            ms, response = timed(lambda token=token: client.get(f"/api/v1/preview/{token}/"))
            assert response.status_code == 200
            previews.append(ms)
            response_bytes = len(response.content)
        rows.append(
            (name, size, statistics.median(saves), statistics.median(previews), response_bytes)
        )
    reference_save, reference_preview = rows[0][2], rows[0][3]
    print(
        "| article | Markdown KB | save ms | x reference | preview ms | x reference | preview KB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, size, save, shown, response_bytes in rows:
        print(
            f"| {name} | {size / 1000:,.0f} | {save:,.0f} | {save / reference_save:,.1f} | "
            f"{shown:,.0f} | {shown / reference_preview:,.1f} | {response_bytes / 1000:,.0f} |"
        )
    print()
    print("| refused | Markdown KB | 400 in ms |")
    print("|---|---:|---:|")
    for name, intro, bodies in hostile():
        sections = [(f"Huge {n}", body) for n, body in enumerate(bodies)]
        ms, response = timed(
            lambda intro=intro, sections=sections: client.post(
                "/api/v1/editorial/articles/",
                payload("refused", intro, sections),
                format="json",
            )
        )
        assert response.status_code == 400, name
        size = len(intro.encode()) + sum(len(body.encode()) for body in bodies)
        print(f"| {name} | {size / 1000:,.0f} | {ms:,.0f} |")


if __name__ == "__main__":
    main()
