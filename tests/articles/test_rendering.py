"""Markdown in, sanitized HTML out; `article:` links resolved or reported."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from articles.rendering import (
    ALLOWED_TAGS,
    ArticleLink,
    LinkResolver,
    article_links,
    count_words,
    reading_time_minutes,
    render_markdown,
)

HOSTILE_MARKDOWN = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">click</a>',
    '<svg onload="alert(1)"><circle r="4"/></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">hi</p>',
    "<scr<script>ipt>alert(1)</script>",
    '<form action="https://evil.example"><input name="q"></form>',
]


class ElementCollector(HTMLParser):
    """Every start tag of a document with its attributes, as a browser would parse them."""

    def __init__(self, html):
        super().__init__()
        self.elements = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def assert_inert(html):
    for tag, attrs in ElementCollector(html).elements:
        assert tag in ALLOWED_TAGS
        assert not [name for name in attrs if name.startswith("on") or name == "style"]
        for name in ("href", "src"):
            if name in attrs:
                assert urlsplit(attrs[name].strip()).scheme in {"http", "https", ""}


@pytest.mark.parametrize("markdown", HOSTILE_MARKDOWN)
def test_hostile_markdown_comes_out_inert(markdown):
    html = render_markdown(f"Some advice.\n\n{markdown}\n\nMore advice.")
    assert_inert(html)
    assert "alert(1)</script>" not in html and "<script" not in html
    assert "Some advice." in html and "More advice." in html


def test_the_inertness_check_itself_catches_dangerous_html():
    with pytest.raises(AssertionError):
        assert_inert('<a href="javascript:alert(1)">x</a>')
    with pytest.raises(AssertionError):
        assert_inert('<img src="x" onerror="alert(1)">')


def test_markdown_features_writers_use_survive_sanitizing():
    html = render_markdown(
        "Rest is **important**.\n\n- **Ice** the area\n- *Elevate* the leg\n\n"
        "See [MedlinePlus](https://medlineplus.gov/restlesslegs.html)."
    )
    assert "<strong>important</strong>" in html
    assert "<li><strong>Ice</strong> the area</li>" in html
    assert "<em>Elevate</em>" in html
    assert 'href="https://medlineplus.gov/restlesslegs.html"' in html
    assert 'rel="noopener noreferrer"' in html


def test_article_link_is_parsed_with_and_without_anchor():
    assert ArticleLink.parse("article:knee-pain#clicking") == ArticleLink("knee-pain", "clicking")
    assert ArticleLink.parse("article:knee-pain") == ArticleLink("knee-pain", "")
    assert ArticleLink.parse("https://example.com") is None


def test_article_links_are_listed_in_order():
    links = article_links("[a](article:one#x) and [b](https://x.example) and [c](article:two)")
    assert links == [ArticleLink("one", "x"), ArticleLink("two", "")]


def resolver():
    return LinkResolver(
        targets={"knee-pain": {"clicking", "front-of-the-knee"}},
        url_for=lambda slug: f"https://health.example/articles/{slug}/",
    )


def test_article_link_resolves_to_the_frontend_url_with_its_anchor():
    html = render_markdown("See [clicking](article:knee-pain#clicking).", resolver())
    assert '<a href="https://health.example/articles/knee-pain/#clicking"' in html
    assert "article:" not in html


def test_link_to_a_missing_article_keeps_its_text_and_is_reported():
    links = resolver()
    html = render_markdown("See [**hip** pain](article:hip-pain) now.", links)
    assert html.strip() == "<p>See <strong>hip</strong> pain now.</p>"
    assert links.problems == ['article:hip-pain: there is no article with the slug "hip-pain".']


def test_link_to_a_missing_anchor_is_reported_once():
    links = resolver()
    render_markdown("[a](article:knee-pain#nope) [b](article:knee-pain#nope)", links)
    assert links.problems == [
        'article:knee-pain#nope: the article "knee-pain" has no section "#nope".'
    ]


def test_words_are_counted_from_the_text_readers_see():
    assert count_words("It's **bold**, [a link](https://example.com/very-long-path-words)") == 4
    assert count_words("") == 0


@pytest.mark.parametrize(("words", "minutes"), [(0, 1), (1, 1), (200, 1), (201, 2), (1000, 5)])
def test_reading_time_rounds_up_at_two_hundred_words_a_minute(words, minutes):
    assert reading_time_minutes(words) == minutes
