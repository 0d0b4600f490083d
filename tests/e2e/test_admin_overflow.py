"""No admin page is wider than the window (issue #18, point 7), in Chromium at 1280 px.

Each role signs in on the demo knowledge base and opens one page of every kind the admin crawl
(tests/articles/test_admin_crawl.py) reaches from the home page: the dashboard, every changelist,
one change form per model, an article's preview, diff, history and move pages, a review's decide
page. A page passes when the document scrolls no wider than the window; when it does, the test
names the elements that stick out past the right edge. Every page is photographed.

One demo draft gets a reference with a long label and a long URL first, so that the references
inline is tried with the kind of row writers paste in, and its reviewer's comment quotes a long
address.
"""

import io
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from articles.demo_content import CHANGES_REQUESTED_SLUG
from articles.models import Article, Reference, ReviewComment
from tests.articles.test_admin_crawl import crawl, editor_reviewer
from tests.e2e.test_approval_guarantee import serve_uploads

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 768, "height": 900}
INLINES_AT_768 = ("sections-group", "related_topics-group")
LONG_LABEL = (
    "Physical activity guidelines for adults with chronic musculoskeletal pain: a systematic "
    "review and meta-analysis of randomised controlled trials"
)
LONG_URL = (
    "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1234567/figure/fig3/?report=objectonly"
    "&utm_source=newsletter&utm_medium=email&utm_campaign=musculoskeletal-pain-guidelines-2024"
)

# What sticks out to the right, or null when nothing does: the page, when the document is wider
# than the window (with the elements whose right edge passes the window's while their parent's
# does not: where the overflow starts; elements in a box that clips or scrolls do not count), and
# each inline form group whose contents pass its own right edge (scrolled inside it, or not).
FIND_OVERFLOW = """
() => {
    const edge = window.innerWidth;
    const width = document.documentElement.scrollWidth;
    const right = (element) => element.getBoundingClientRect().right;
    const passes = (element) => right(element) > edge + 0.5;
    const clipped = (element) => {
        for (let box = element.parentElement; box; box = box.parentElement) {
            if (getComputedStyle(box).overflowX !== "visible") return true;
        }
        return false;
    };
    const name = (element) => {
        let text = element.tagName.toLowerCase();
        if (element.id) text += "#" + element.id;
        for (const cls of element.classList) text += "." + cls;
        return text;
    };
    const path = (element) => {
        const names = [];
        for (let node = element; node && node !== document.body; node = node.parentElement) {
            names.unshift(name(node));
        }
        return names.slice(-4).join(" > ");
    };
    const culprits = width <= edge ? [] : [...document.body.querySelectorAll("*")]
        .filter((element) => passes(element) && !passes(element.parentElement))
        .filter((element) => !clipped(element))
        .sort((a, b) => right(b) - right(a))
        .slice(0, 5)
        .map((element) => {
            const box = element.getBoundingClientRect();
            return `${path(element)} (${Math.round(box.width)} px wide, ` +
                `right edge at ${Math.round(box.right)} px)`;
        });
    const inlines = [...document.querySelectorAll(".inline-group")].flatMap((group) => {
        const widest = [...group.querySelectorAll("*")].reduce(
            (most, element) => (right(element) > right(most) ? element : most), group);
        const excess = Math.round(right(widest) - right(group));
        return excess > 0
            ? [`#${group.id} holds ${path(widest)}, ${excess} px past its right edge`]
            : [];
    });
    if (width <= edge && !inlines.length) return null;
    return {width, culprits, inlines};
}
"""


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("load_demo", stdout=io.StringIO())
    # The article sent back to the writer: they may edit it, so the inline shows its inputs.
    draft = Article.objects.get(slug=CHANGES_REQUESTED_SLUG)
    Reference.objects.create(
        article=draft,
        position=draft.references.count() + 1,
        label=LONG_LABEL,
        url=LONG_URL,
        publisher="National Center for Biotechnology Information, U.S. National Library",
    )
    # Its reviewer's comment quotes a signed address: 400 characters with nowhere to break a
    # line, shown in History, in the writer's form and on the review pages.
    ReviewComment.objects.filter(review__revision__article=draft).update(
        body=f"See {LONG_URL}&signature={'a1B2c3D4' * 50} for the figure."
    )
    return draft


def signed_in_user(username):
    if username == "editor-reviewer":
        return editor_reviewer()
    return get_user_model().objects.get(username=username)


def shape(url):
    """The kind of page `url` is: its path with object ids as N."""
    return re.sub(r"/\d+/", "/N/", url.partition("?")[0])


def one_page_of_each_kind(visited, article):
    """One URL for each kind of page in `visited`, preferring the bare changelist to its sorted
    or filtered variants and `article`'s pages to other articles'."""
    preferred = f"/admin/articles/article/{article.pk}/"

    def rank(url):
        return ("?" in url, not url.startswith(preferred))

    chosen = {}
    for url in sorted(visited, key=rank):
        chosen.setdefault(shape(url), url)
    return sorted(chosen.values())


def session_cookie(user, live_server):
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_server.url}


def overflowing_pages(browser, live_server, steps, cookie, urls, viewport, inlines=None):
    """Open each of `urls` in one tab; return a line for each page wider than the window and for
    each inline group (of `inlines`, by id; all by default) wider than its own box."""
    context = browser.new_context(viewport=viewport)
    context.add_cookies([cookie])
    page = context.new_page()
    steps.pages.append(page)
    serve_uploads(page)
    problems = []
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response.status < 500, f"{url} answered {response.status}"
        page.wait_for_load_state("load")
        steps.shot(page, url)
        overflow = page.evaluate(FIND_OVERFLOW)
        if overflow and overflow["width"] > viewport["width"]:
            culprits = "\n    ".join(overflow["culprits"]) or "(no single element found)"
            problems.append(
                f"{url} is {overflow['width']} px wide at {viewport['width']} px:\n    {culprits}"
            )
        too_wide = [
            line
            for line in (overflow["inlines"] if overflow else [])
            if inlines is None or line.split()[0].removeprefix("#") in inlines
        ]
        if too_wide:
            problems.append(f"{url} at {viewport['width']} px:\n    " + "\n    ".join(too_wide))
    context.close()
    return problems


@pytest.mark.parametrize("username", ["writer", "reviewer", "editor", "editor-reviewer"])
def test_no_admin_page_is_wider_than_the_window_at_1280_px(
    demo, in_browser, live_server, steps, username
):
    user = signed_in_user(username)
    crawler = Client()
    crawler.force_login(user)
    visited, failures = crawl(crawler)
    assert not failures, failures
    urls = one_page_of_each_kind(visited, demo)
    cookie = session_cookie(user, live_server)

    problems = in_browser(
        lambda browser: overflowing_pages(browser, live_server, steps, cookie, urls, WIDE)
    )

    assert not problems, f"{len(problems)} of {len(urls)} pages overflow:\n" + "\n".join(problems)


def test_the_article_form_fits_a_768_px_window(demo, in_browser, live_server, steps):
    """The writer's form on a tablet: the page, its sections and its related topics fit the
    window. The references inline has too many columns for 768 px (about 430 px are left beside
    the navigation); there it scrolls sideways inside its own box, as Django's narrow-window
    stylesheet makes every tabular inline do, and the page does not."""
    writer = get_user_model().objects.get(username="writer")
    cookie = session_cookie(writer, live_server)
    urls = [f"/admin/articles/article/{demo.pk}/change/", "/admin/articles/article/add/"]

    problems = in_browser(
        lambda browser: overflowing_pages(
            browser, live_server, steps, cookie, urls, NARROW, INLINES_AT_768
        )
    )

    assert not problems, "\n".join(problems)
