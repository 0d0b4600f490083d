"""Every admin page a role can reach by following links from the admin home answers without a
server error, on the demo knowledge base (hero images, every workflow state).

The crawl follows `<a href>` links only, with GET, inside `/admin/`, breadth first. It never
signs out, and it keeps to a few query-string variants of each page so that changelists' sort,
filter and paging links do not multiply into thousands of requests.
"""

import io
import re
import sys
import traceback
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from articles.models import Article, Review
from reviewers.models import Reviewer

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
SKIPPED = {"/admin/logout/"}
# Pages per role beyond the ones that must be seen (below); the demo needs far fewer.
PAGE_CAP = 500
# Query-string variants (by their sorted keys) followed for one path.
VARIANTS_PER_PATH = 4
# Pages the crawl must reach and may never leave out because of the cap.
MUST_VISIT = {
    "change page": re.compile(r"^/admin/\w+/\w+/\d+/change/$"),
    "review page": re.compile(r"^/admin/articles/review/\d+/decide/$"),
    "diff page": re.compile(r"^/admin/articles/article/\d+/diff/$"),
    "preview page": re.compile(r"^/admin/articles/article/\d+/preview/(live/)?$"),
    "move page": re.compile(r"^/admin/articles/article/\d+/move/\w+/$"),
}


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(html):
    parser = LinkParser()
    parser.feed(html)
    return parser.hrefs


def normalise(href, page):
    """The admin URL `href` (found on `page`) points to, without its fragment and changelist
    filters, or None when it leads out of the admin or to signing out."""
    url = urlsplit(urljoin(f"http://testserver{page}", href))
    if url.scheme not in ("http", "https") or url.netloc != "testserver":
        return None
    if not url.path.startswith(ADMIN) or url.path in SKIPPED:
        return None
    query = sorted(
        (key, value)
        for key, value in parse_qsl(url.query, keep_blank_values=True)
        if key != "_changelist_filters"
    )
    return url.path + (f"?{urlencode(query)}" if query else "")


def kinds(url):
    """Which of the MUST_VISIT kinds of page `url` is."""
    path = url.partition("?")[0]
    return {kind for kind, pattern in MUST_VISIT.items() if pattern.match(path)}


def project_traceback():
    """The exception being handled, with only the frames of this project's code."""
    error = sys.exc_info()[1]
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if "site-packages" not in frame.filename
    ]
    return "".join(traceback.format_list(frames) + traceback.format_exception_only(error))


def crawl(client, also=()):
    """Visit every admin page reachable from the home page (and from `also`); return (visited
    URLs, failures)."""
    queue = deque([(ADMIN, "(start)"), *((url, "(start)") for url in also)])
    seen = {ADMIN, *also}
    variants = {}  # path: the sets of query keys followed for it
    visited, failures = [], []
    while queue:
        url, referrer = queue.popleft()
        if len(visited) >= PAGE_CAP and not kinds(url):
            continue
        visited.append(url)
        try:
            response = client.get(url)
        except Exception:  # the test client re-raises a view's exception; report them all
            failures.append(f"{url} (from {referrer}) raised:\n{project_traceback()}")
            continue
        if response.status_code >= 500:
            failures.append(f"{url} (from {referrer}) answered {response.status_code}")
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            found = [response["Location"]]
        elif "text/html" in response.get("Content-Type", ""):
            found = links(response.content.decode())
        else:
            continue
        for href in found:
            target = normalise(href, url)
            if target is None or target in seen:
                continue
            path, _, query = target.partition("?")
            keys = frozenset(key for key, _ in parse_qsl(query, keep_blank_values=True))
            followed = variants.setdefault(path, set())
            if keys not in followed and len(followed) >= VARIANTS_PER_PATH:
                continue
            if keys in followed and query:
                continue  # one variant per set of keys: ?o=1 stands for ?o=2
            followed.add(keys)
            seen.add(target)
            queue.append((target, url))
    return visited, failures


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("load_demo", stdout=io.StringIO())


def editor_reviewer():
    """An editor who is also a physician reviewer: the role separation of duties is about."""
    user = get_user_model().objects.create_user(
        username="editor-reviewer",
        first_name="Ada",
        last_name="Okafor",
        email="editor-reviewer@example.com",
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name="Editors"))
    Reviewer.objects.create(
        user=user,
        name="Ada Okafor",
        slug="ada-okafor",
        credentials="MD",
        specialty="Family Medicine",
        is_active=True,
    )
    return user


def kinds_visited(visited):
    return set().union(*map(kinds, visited))


@pytest.mark.parametrize("username", ["writer", "reviewer", "editor", "editor-reviewer"])
def test_no_admin_page_reachable_from_home_fails(demo, client, username):
    User = get_user_model()
    user = (
        editor_reviewer() if username == "editor-reviewer" else User.objects.get(username=username)
    )
    client.force_login(user)

    # The review queue opens on pending reviews; its "All" links share their keys with the
    # default's, so the crawl is also started from the queue with every review shown.
    visited, failures = crawl(client, also=[f"{ADMIN}articles/review/?assigned=all&decision=all"])

    assert not failures, f"{len(failures)} of {len(visited)} pages failed:\n\n" + "\n\n".join(
        failures
    )
    # The crawl reached the pages where a hero image, a diff or a decision is shown.
    expected = {
        "writer": {"change page", "diff page", "preview page", "move page"},
        "reviewer": {"review page"},
        "editor": set(MUST_VISIT),
        "editor-reviewer": set(MUST_VISIT),
    }[username]
    assert expected <= kinds_visited(visited), sorted(visited)
    if username == "editor":  # editors see every article and every review
        paths = {url.partition("?")[0] for url in visited}
        for pk in Article.objects.values_list("pk", flat=True):
            assert {
                f"/admin/articles/article/{pk}/change/",
                f"/admin/articles/article/{pk}/preview/",
                f"/admin/articles/article/{pk}/diff/",
            } <= paths
        for pk in Review.objects.values_list("pk", flat=True):
            assert f"/admin/articles/review/{pk}/decide/" in paths
