"""Varnish with the shipped VCL in front of a live server: after every publish, unpublish and
rename made through the editorial API returns, a read through Varnish shows the new state,
while anonymous reads are served from the cache and signed-in or preview reads never are.

Needs Debian's `varnish` and `varnish-modules` (xkey); skipped without them, unless
VARNISH_REQUIRED=1 (set by `.ci/run`) makes that a failure.
"""

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from articles import preview, workflow
from articles.models import Article, Review
from tests.articles.test_editorial_api import client_for
from tests.factories import ArticleFactory, SectionFactory, edit

VCL = Path(__file__).parents[2] / "deploy" / "varnish" / "default.vcl"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
CYCLES = 20

# The live server reads what the test commits; the roles made by migrations are restored after.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def require_varnish():
    xkey = Path("/usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so")
    if Path(VARNISHD).exists() and (xkey.exists() or not xkey.parent.exists()):
        return
    reason = "Varnish with the xkey vmod is missing: apt-get install varnish varnish-modules."
    if os.environ.get("VARNISH_REQUIRED"):
        pytest.fail(reason)
    pytest.skip(reason)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def vcl_for(backend_url):
    """The shipped VCL with its backend pointed at `backend_url`."""
    backend = urlsplit(backend_url)
    text = VCL.read_text()
    text, hosts = re.subn(r'\.host = "[^"]*";', f'.host = "{backend.hostname}";', text, count=1)
    text, ports = re.subn(r'\.port = "[^"]*";', f'.port = "{backend.port}";', text, count=1)
    assert hosts == ports == 1, "the VCL's backend block changed shape"
    return text


class Varnish:
    def __init__(self, port):
        self.port = port
        self.url = f"http://127.0.0.1:{port}/"

    def get(self, path, **headers):
        """(status, headers, body) of a GET through Varnish, redirects not followed."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()


@pytest.fixture
def start_varnish(tmp_path):
    """Start varnishd on a free port with the given VCL; stopped when the test ends."""
    require_varnish()
    processes = []

    def start(vcl_text):
        vcl = tmp_path / f"default-{len(processes)}.vcl"
        vcl.write_text(vcl_text)
        port = free_port()
        command = [
            VARNISHD,
            "-F",  # in the foreground, so the test can stop it
            "-j", "none",  # no privilege separation: files in tmp_path stay readable
            "-n", str(tmp_path / f"varnish-{len(processes)}"),
            "-a", f"127.0.0.1:{port}",
            "-f", str(vcl),
            "-s", "malloc,64m",
        ]  # fmt: skip
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        processes.append(process)
        wait_for(port, process)
        return Varnish(port)

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def varnish(start_varnish, live_server, settings):
    """Varnish in front of the live server, which purges it on every change."""
    cache = start_varnish(vcl_for(live_server.url))
    settings.FRONTEND_CACHE_URLS = [cache.url]
    settings.API_ANON_RATE = ""  # every reader here is 127.0.0.1
    settings.PAGES_ANON_RATE = ""
    return cache


def wait_for(port, process):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"varnishd stopped: {process.stdout.read().decode()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail("varnishd did not start listening within 20 seconds")


def detail(slug):
    return reverse("api:article-detail", args=[slug])


LIST = "/api/v1/articles/?page_size=100"


class Reads:
    """Reads through Varnish, counting what a test asserts on."""

    def __init__(self, varnish):
        self.varnish = varnish
        self.stale = []
        self.repeat_reads = 0
        self.repeat_hits = 0

    def check(self, path, expect, what):
        status, headers, body = self.varnish.get(path)
        if not expect(status, headers, body):
            self.stale.append(f"{what}: {path} answered {status} {body[:120]!r}")

    def warm(self, path):
        """Read `path` twice, so the cache holds it; count whether the second was a hit."""
        self.varnish.get(path)
        status, headers, _ = self.varnish.get(path)
        if status < 400:  # errors are never kept
            self.repeat_reads += 1
            self.repeat_hits += is_hit(headers)


def is_hit(headers):
    return headers["X-Cache"] == "HIT" or int(headers.get("Age", "0")) > 0


def approved(article, writer, reviewer):
    article = workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    review = Review.objects.get(revision=article.current_revision, decision="pending")
    return workflow.approve(review=review, by=reviewer, comment="Accurate.")


def shows(title):
    return lambda status, headers, body: status == 200 and title.encode() in body


def redirects_to(slug):
    return lambda status, headers, body: status == 301 and headers["Location"] == detail(slug)


def is_gone(status, headers, body):
    return status == 404


def listed(slug):
    return lambda status, headers, body: status == 200 and f'"{slug}"'.encode() in body


def not_listed(slug):
    return lambda status, headers, body: status == 200 and f'"{slug}"'.encode() not in body


def test_every_publish_unpublish_and_rename_is_seen_through_varnish_at_once(
    varnish, writer, reviewer, editor
):
    api = client_for(editor)
    reads = Reads(varnish)
    for cycle in range(CYCLES):
        slug, renamed = f"cycle-{cycle}", f"cycle-{cycle}-renamed"
        article = ArticleFactory(author=writer, slug=slug, title=f"Cycle {cycle}")
        SectionFactory(article=article)
        approved(article, writer, reviewer)
        reads.warm(LIST)
        reads.check(detail(slug), is_gone, "before publishing")

        moved = api.post(f"/api/v1/editorial/articles/{article.pk}/publish/", {}, format="json")
        assert moved.status_code == 200, moved.content
        reads.check(detail(slug), shows(f"Cycle {cycle}"), "publish")
        reads.check(LIST, listed(slug), "publish, list")

        reads.warm(detail(slug))
        reads.warm(LIST)
        article = edit(Article.objects.get(pk=article.pk), writer, slug=renamed)
        article = edit(article, writer, title=f"Cycle {cycle} renamed")
        approved(article, writer, reviewer)
        moved = api.post(f"/api/v1/editorial/articles/{article.pk}/publish/", {}, format="json")
        assert moved.status_code == 200, moved.content
        reads.check(detail(slug), redirects_to(renamed), "rename, old slug")
        reads.check(detail(renamed), shows(f"Cycle {cycle} renamed"), "rename, new slug")
        reads.check(LIST, listed(renamed), "rename, list")

        reads.warm(detail(slug))
        reads.warm(detail(renamed))
        reads.warm(LIST)
        moved = api.post(f"/api/v1/editorial/articles/{article.pk}/unpublish/", {}, format="json")
        assert moved.status_code == 200, moved.content
        reads.check(detail(renamed), is_gone, "unpublish")
        reads.check(detail(slug), is_gone, "unpublish, old slug")
        reads.check(LIST, not_listed(renamed), "unpublish, list")

    print(
        f"\n{CYCLES} cycles: {len(reads.stale)} stale reads; "
        f"{reads.repeat_hits} hits in {reads.repeat_reads} repeated anonymous reads"
    )
    assert reads.stale == []
    assert reads.repeat_reads == CYCLES * 6
    assert reads.repeat_hits == reads.repeat_reads


def test_signed_in_staff_and_preview_reads_never_come_from_the_cache(
    varnish, live, editor, settings
):
    path = detail("hip-pain")
    assert varnish.get(path)[1]["X-Cache"] == "MISS"
    assert is_hit(varnish.get(path)[1])  # anonymous: from the cache the second time
    signed_in = [
        {"Cookie": "sessionid=anything"},
        {"Cookie": "theme=dark; sessionid=anything"},
        {"Authorization": "Token whatever"},
    ]
    for headers in signed_in:
        for _ in range(2):
            status, answer, _ = varnish.get(path, **headers)
            assert status == 200 and not is_hit(answer), headers
    preview_path = reverse("api:preview", args=[preview.issue_token(article=live)])
    editorial = f"/api/v1/editorial/articles/{live.pk}/"
    for private_path in (preview_path, editorial, reverse("admin:index")):
        for _ in range(2):
            _, answer, _ = varnish.get(private_path)
            assert not is_hit(answer), private_path


def test_other_cookies_still_share_the_cached_copy(varnish, live):
    path = detail("hip-pain")
    varnish.get(path)
    status, headers, _ = varnish.get(path, Cookie="theme=dark")
    assert status == 200 and is_hit(headers)


def test_a_conditional_read_is_answered_304_by_varnish(varnish, live):
    path = detail("hip-pain")
    _, headers, _ = varnish.get(path)
    status, answer, body = varnish.get(path, **{"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b"" and is_hit(answer)


def purge(cache, **headers):
    connection = http.client.HTTPConnection("127.0.0.1", cache.port, timeout=5)
    try:
        connection.request("PURGE", "/", headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_purge_empties_what_its_key_labels_and_nothing_else(varnish, live):
    varnish.get(detail("hip-pain"))
    varnish.get(LIST)
    assert purge(varnish) == 400  # names no keys
    assert purge(varnish, **{"xkey-purge": "article:hip-pain"}) == 200
    assert varnish.get(detail("hip-pain"))[1]["X-Cache"] == "MISS"
    assert varnish.get(LIST)[1]["X-Cache"] == "HIT"


def test_only_the_purgers_network_may_purge(start_varnish):
    # The same VCL, with the local addresses taken off its purgers list.
    vcl = re.sub(r'\n\s*"(localhost|127\.0\.0\.1|::1)";', "", vcl_for("http://127.0.0.1:9/"))
    assert '127.0.0.1";' not in vcl.split("acl purgers")[1].split("}")[0]
    assert purge(start_varnish(vcl), **{"xkey-purge": "articles"}) == 403


def test_a_forwarded_scheme_cannot_rewrite_the_links_other_readers_get(
    varnish, live, writer, publish, settings
):
    """With the application trusting X-Forwarded-Proto (as behind a TLS proxy), a reader who
    sends it gets https links in a copy of their own; the plain copy stays http."""
    from tests.factories import ArticleFactory, SectionFactory

    second = ArticleFactory(author=writer, slug="knee-pain")
    SectionFactory(article=second)
    publish(second)  # two live articles: the first page of one has a `next` link
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    path = "/api/v1/articles/?page_size=1"
    _, _, forged = varnish.get(path, **{"X-Forwarded-Proto": "https"})
    assert json.loads(forged)["next"].startswith("https://")
    _, headers, body = varnish.get(path)
    assert json.loads(body)["next"].startswith("http://") and not is_hit(headers)
    _, headers, body = varnish.get(path)
    assert json.loads(body)["next"].startswith("http://") and is_hit(headers)
