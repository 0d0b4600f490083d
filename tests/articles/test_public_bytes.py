"""Every public endpoint answers the demo byte for byte as it did before the read path was
rebuilt (issue 19): bodies, status codes and headers, recorded in public_bytes.json.

Only what moves from run to run is normalised: dates and times (the demo dates its articles
from today), the ETags and Last-Modified made from them, and the cursors that carry them.
To record again, after a change that is meant to alter responses:
PUBLIC_BYTES_RECORD=1 pytest tests/articles/test_public_bytes.py
"""

import base64
import json
import os
import re
from pathlib import Path
from urllib.parse import unquote, unquote_plus

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client

from articles import demo_content
from articles.models import Article, ArticleSlugAlias

pytestmark = pytest.mark.django_db

RECORDING = Path(__file__).with_name("public_bytes.json")
API = "/api/v1"
FLAGSHIP = demo_content.FLAGSHIP_SLUG
OVERDUE = demo_content.OVERDUE_SLUG
RETIRED = "an-old-name-of-the-flagship"

DATETIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
DATE = re.compile(r"\d{4}-\d\d-\d\d")
HTTP_DATE = re.compile(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT")
CURSOR = re.compile(r"cursor=([A-Za-z0-9%_=-]+)")
DOCUMENT_ETAG = re.compile(r'"[0-9a-f]+-(current|due_soon|overdue)(?:-[0-9a-f]{8})?"')
DIGEST_ETAG = re.compile(r'"[0-9a-f]{32}"')
ROW_ID = re.compile(r'"id": \d+')
REQUEST_ID = "X-Request-ID"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

# (name, method, path, request headers); "{etag:NAME}" and "{modified:NAME}" take the ETag
# and Last-Modified of an earlier answer, "{next:NAME}" its `next` link.
REQUESTS = [
    ("list", "get", f"{API}/articles/", {}),
    ("list again, from the page cache", "get", f"{API}/articles/", {}),
    ("list page 2 of 3", "get", f"{API}/articles/?page=2&page_size=3", {}),
    ("list past the last page", "get", f"{API}/articles/?page=99", {}),
    ("list page 0", "get", f"{API}/articles/?page=0", {}),
    ("list page_size 101", "get", f"{API}/articles/?page_size=101", {}),
    ("list unknown parameter", "get", f"{API}/articles/?colour=red", {}),
    ("list by tag", "get", f"{API}/articles/?tag=leg-pain", {}),
    ("list by code", "get", f"{API}/articles/?code=ICD-10-CM:M79.606", {}),
    ("list bad code", "get", f"{API}/articles/?code=ICD-10-CM:back", {}),
    ("list by reviewer", "get", f"{API}/articles/?reviewer=helena-marsh", {}),
    ("list by title", "get", f"{API}/articles/?ordering=title&page_size=4", {}),
    ("list updated since", "get", f"{API}/articles/?updated_since=2000-01-01T00:00:00Z", {}),
    ("list bad date", "get", f"{API}/articles/?updated_since=yesterday", {}),
    ("search", "get", f"{API}/articles/?q=pain", {}),
    ("search two words, page 2", "get", f"{API}/articles/?q=hip+pain&page=2&page_size=2", {}),
    ("search nothing found", "get", f"{API}/articles/?q=zzzzqqq", {}),
    ("cursor first page", "get", f"{API}/articles/?cursor=&page_size=3", {}),
    ("cursor second page", "get", "{next:cursor first page}", {}),
    ("cursor third page", "get", "{next:cursor second page}", {}),
    ("cursor not ours", "get", f"{API}/articles/?cursor=bm9wZQ", {}),
    ("cursor with q", "get", f"{API}/articles/?cursor=&q=pain", {}),
    ("list 304 by ETag", "get", f"{API}/articles/", {"If-None-Match": "{etag:list}"}),
    (
        "list 304 by date",
        "get",
        f"{API}/articles/",
        {"If-Modified-Since": "{modified:list}"},
    ),
    ("list HEAD", "head", f"{API}/articles/", {}),
    ("list OPTIONS", "options", f"{API}/articles/", {}),
    ("list POST", "post", f"{API}/articles/", {}),
    ("detail", "get", f"{API}/articles/{FLAGSHIP}/", {}),
    ("detail overdue for review", "get", f"{API}/articles/{OVERDUE}/", {}),
    (
        "detail 304 by ETag",
        "get",
        f"{API}/articles/{FLAGSHIP}/",
        {"If-None-Match": "{etag:detail}"},
    ),
    (
        "detail 304 by a list of ETags",
        "get",
        f"{API}/articles/{FLAGSHIP}/",
        {"If-None-Match": '"nope", {etag:detail}'},
    ),
    (
        "detail 304 by date",
        "get",
        f"{API}/articles/{FLAGSHIP}/",
        {"If-Modified-Since": "{modified:detail}"},
    ),
    (
        "detail with another ETag",
        "get",
        f"{API}/articles/{FLAGSHIP}/",
        {"If-None-Match": '"0-0"'},
    ),
    ("detail HEAD", "head", f"{API}/articles/{FLAGSHIP}/", {}),
    ("detail OPTIONS", "options", f"{API}/articles/{FLAGSHIP}/", {}),
    ("detail DELETE", "delete", f"{API}/articles/{FLAGSHIP}/", {}),
    ("detail with a parameter", "get", f"{API}/articles/{FLAGSHIP}/?format=xml", {}),
    ("detail of a retired slug", "get", f"{API}/articles/{RETIRED}/", {}),
    ("detail of no article", "get", f"{API}/articles/no-such-article/", {}),
    ("detail of a draft", "get", f"{API}/articles/{demo_content.IN_REVIEW_SLUG}/", {}),
    ("tags", "get", f"{API}/tags/", {}),
    ("tags page 2", "get", f"{API}/tags/?page=2&page_size=2", {}),
    ("tag", "get", f"{API}/tags/leg-pain/", {}),
    ("tag unknown", "get", f"{API}/tags/no-such-tag/", {}),
    ("reviewers", "get", f"{API}/reviewers/", {}),
    ("reviewer", "get", f"{API}/reviewers/helena-marsh/", {}),
    ("reviewer with a parameter", "get", f"{API}/reviewers/helena-marsh/?x=1", {}),
]


def normalised(text, images=None):
    """`text` with the dates, times, cursors and image folders (named by a random UUID each
    time the demo stores its images) that move from run to run replaced. `images` numbers
    the folders in the order they first appear, so each keeps its place."""
    if images is not None:
        text = UUID.sub(lambda match: f"<image {images.setdefault(match[0], len(images))}>", text)
    text = CURSOR.sub(lambda match: "cursor=" + normalised(decoded(match[1])), text)
    text = DATETIME.sub("<datetime>", text)
    text = DATE.sub("<date>", text)
    return HTTP_DATE.sub("<http-date>", text)


def decoded(cursor):
    raw = unquote(cursor)
    position = base64.b64decode(raw + "=" * (-len(raw) % 4)).decode()
    return "[" + unquote_plus(position) + "]"


def normalised_headers(response):
    headers = {}
    for name, value in sorted(response.headers.items()):
        if name == REQUEST_ID:
            # A new one for every request, like Date, but nothing in the body depends on it.
            continue
        if name == "ETag":
            value = DIGEST_ETAG.sub('"<digest>"', DOCUMENT_ETAG.sub(r'"<rendered>-\1"', value))
        elif name == "Content-Security-Policy":  # its directives come in a random order
            value = "; ".join(sorted(value.split("; ")))
        elif name == "Content-Length":
            # Dates shift the length a little; it must still be the body's (HEAD has none).
            assert int(value) == len(response.content) or not response.content
            value = "<length>"
        headers[name] = normalised(value)
    return headers


def filled_in(template, answers):
    def answer(match):
        kind, name = match[1], match[2]
        if kind == "next":
            return json.loads(answers[name].content)["next"].removeprefix("http://testserver")
        return answers[name].headers["ETag" if kind == "etag" else "Last-Modified"]

    return re.sub(r"\{(etag|modified|next):([^}]+)\}", answer, template)


def answers_on_the_demo():
    client = Client()
    answers, recorded, images, canonical_images = {}, {}, {}, {}
    for name, method, path, headers in REQUESTS:
        headers = {key: filled_in(value, answers) for key, value in headers.items()}
        response = getattr(client, method)(filled_in(path, answers), headers=headers)
        answers[name] = response
        recorded[name] = {
            "status": response.status_code,
            "headers": normalised_headers(response),
            "body": normalised(response.content.decode(), images),
            "values": normalised(canonical(response.content), canonical_images),
        }
    return recorded


def canonical(content):
    """A JSON body with its members in one order, whatever wrote it, and its row ids left out
    (PostgreSQL's sequences go on from test to test)."""
    try:
        text = json.dumps(json.loads(content), sort_keys=True, ensure_ascii=False)
    except ValueError:
        return content.decode()
    return ROW_ID.sub('"id": "<id>"', text)


@pytest.fixture
def demo(monkeypatch, settings):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    flagship = Article.objects.get(slug=FLAGSHIP)
    ArticleSlugAlias.objects.create(slug=RETIRED, article=flagship)
    cache.clear()
    caches["pages"].clear()


@pytest.fixture(params=["/media/", "http://testserver/media/"])
def media_url(request, settings):
    """A path (the default; the API makes image URLs absolute from the request) or an
    absolute URL (production's CDN): readers get the same bytes either way."""
    settings.MEDIA_URL = request.param
    return request.param


def test_public_answers_are_the_recorded_ones(media_url, demo):
    answers = answers_on_the_demo()
    if os.environ.get("PUBLIC_BYTES_RECORD"):
        RECORDING.write_text(json.dumps(answers, indent=1, ensure_ascii=False) + "\n")
    recorded = json.loads(RECORDING.read_text())
    assert list(answers) == list(recorded)
    for name, answer in answers.items():
        expected = recorded[name]
        if not same_bytes_expected(media_url):
            answer, expected = without_bytes(answer), without_bytes(expected)
        if name.startswith("search") and connection.vendor != "sqlite":
            # Each database ranks with its own engine (FTS5's bm25, PostgreSQL's ts_rank):
            # the same matches, in another order.
            answer, expected = search_matches(answer), search_matches(expected)
        assert answer == expected, name


def same_bytes_expected(media_url):
    """Whether the bodies are the recorded bytes, not only the recorded values. Lists copy in
    each card as the database writes it out: PostgreSQL's jsonb puts the members in an order
    and with spaces of its own, as it did before the read path was rebuilt. With MEDIA_URL a
    path the image URLs are made absolute and the JSON encoded again."""
    return connection.vendor == "sqlite" and not media_url.startswith("/")


def search_matches(answer):
    values = json.loads(answer["values"])
    return {**without_bytes(answer), "values": values.get("count")}


def without_bytes(answer):
    return {key: value for key, value in answer.items() if key != "body"}


def test_the_recording_covers_every_kind_of_answer():
    recorded = json.loads(RECORDING.read_text())
    statuses = {answer["status"] for answer in recorded.values()}
    assert statuses >= {200, 301, 304, 400, 404, 405}
    assert '"review_overdue":true' in recorded["detail overdue for review"]["body"]
    assert "http://testserver/media/" in recorded["detail"]["body"]
