"""Issue #21, point 5: references carry DOIs and PubMed IDs into the document and the JSON-LD;
`check_references` checks live articles' sources against a local server that answers 200, 404,
500, redirects and too late, and never connects into the network."""

import datetime
import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.dashboard import panels_for
from articles.models import Reference, ReferenceCheck
from articles.reference_checks import check_references
from tests.factories import ArticleFactory, ReferenceFactory, SectionFactory, edit

pytestmark = pytest.mark.django_db


class Sources:
    """A local HTTP server standing in for the sites articles cite."""

    ANSWERS = {
        "/ok": (200, None),
        "/gone": (404, None),
        "/error": (500, None),
        "/moved": (301, "/ok"),
        "/moved-away": (302, "/gone"),
        "/loop": (302, "/loop"),
        "/to-private": (302, "http://10.0.0.1/admin"),
        "/to-metadata": (302, "http://169.254.169.254/latest/meta-data/"),
        "/to-file": (302, "file:///etc/passwd"),
    }

    def __init__(self):
        self.hits, self.user_agents = [], set()
        self.in_flight = self.most_in_flight = 0
        self.lock = threading.Lock()
        sources = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with sources.lock:
                    sources.hits.append(self.path)
                    sources.user_agents.add(self.headers.get("User-Agent"))
                    sources.in_flight += 1
                    sources.most_in_flight = max(sources.most_in_flight, sources.in_flight)
                try:
                    if self.path.startswith("/slow"):
                        time.sleep(1.5)  # longer than the checker waits
                    time.sleep(0.2)  # long enough for requests sent together to overlap
                    status, location = sources.ANSWERS.get(self.path.split("?")[0], (200, None))
                    self.send_response(status)
                    if location:
                        self.send_header("Location", location)
                    self.end_headers()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the checker stopped waiting
                finally:
                    with sources.lock:
                        sources.in_flight -= 1

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sources(settings):
    settings.REFERENCE_CHECK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.REFERENCE_CHECK_TIMEOUT = 0.8
    settings.REFERENCE_CHECK_CONCURRENCY = 8
    server = Sources()
    yield server
    server.close()


def live_citing(publish, writer, slug, *paths, base):
    article = ArticleFactory(author=writer, slug=slug, title=slug.replace("-", " ").capitalize())
    SectionFactory(article=article)
    for position, path in enumerate(paths, start=1):
        ReferenceFactory(article=article, position=position, label=f"Source {path}",
                         url=f"{base}{path}")  # fmt: skip
    return publish(article)


def outcomes():
    return {
        check.url.split(":", 2)[2].split("/", 1)[1]: (check.outcome, check.status_code)
        for check in ReferenceCheck.objects.all()
    }


def test_each_source_is_checked_and_its_answer_recorded(sources, publish, writer):
    paths = ["/ok", "/gone", "/error", "/moved", "/moved-away", "/loop", "/slow",
             "/to-private", "/to-metadata", "/to-file"]  # fmt: skip
    live_citing(publish, writer, "knee-pain", *paths, base=sources.base)
    counts = check_references()
    assert counts == {"ok": 2, "broken": 4, "unreachable": 1, "refused": 3}
    assert outcomes() == {
        "ok": ("ok", 200),
        "gone": ("broken", 404),
        "error": ("broken", 500),
        "moved": ("ok", 200),
        "moved-away": ("broken", 404),
        "loop": ("broken", 302),
        "slow": ("unreachable", None),
        "to-private": ("refused", None),
        "to-metadata": ("refused", None),
        "to-file": ("refused", None),
    }
    refused = ReferenceCheck.objects.get(url__endswith="/to-metadata")
    assert refused.detail == "http://169.254.169.254/latest/meta-data/ leads to a private address."
    assert "/admin" not in sources.hits and "/latest/meta-data/" not in sources.hits
    assert sources.user_agents == {"HealthCMS-reference-check/1.0 (+http://localhost:8000)"}
    assert sources.most_in_flight >= 2, "the sources were fetched one at a time"


def test_each_url_is_fetched_at_most_once_a_day_however_many_cite_it(
    sources, publish, writer, reviewer
):
    live_citing(publish, writer, "knee-pain", "/ok", "/gone", base=sources.base)
    live_citing(publish, writer, "hip-pain", "/gone", base=sources.base)
    check_references()
    assert sorted(sources.hits) == ["/gone", "/ok"]
    assert check_references(now=timezone.now() + datetime.timedelta(hours=23)) == {}
    assert len(sources.hits) == 2
    assert check_references(now=timezone.now() + datetime.timedelta(hours=25)) == {
        "ok": 1, "broken": 1
    }  # fmt: skip
    assert len(sources.hits) == 4


def test_without_the_allowed_host_a_local_address_is_refused_unfetched(
    sources, settings, publish, writer
):
    settings.REFERENCE_CHECK_ALLOWED_HOSTS = []
    live_citing(publish, writer, "knee-pain", "/ok", base=sources.base)
    assert check_references() == {"refused": 1}
    assert ReferenceCheck.objects.get().detail.endswith("/ok leads to a private address.")
    assert sources.hits == []


def test_broken_references_are_listed_for_editors_and_in_the_editorial_api(
    sources, publish, writer, other_writer, editor
):
    live_citing(publish, writer, "knee-pain", "/ok", "/gone", base=sources.base)
    live_citing(publish, writer, "hip-pain", "/ok", base=sources.base)
    out = io.StringIO()
    call_command("check_references", stdout=out)
    assert "Checked 2 reference URL(s): 1 broken, 1 ok." in out.getvalue()

    [panel] = [p for p in panels_for(editor) if p.title.startswith("Live articles citing")]
    [row] = panel.rows
    assert row["title"] == "Knee pain" and row["state"] == "1 broken"
    assert "Source /gone: HTTP 404" in row["note"]

    def listed(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        return client.get("/api/v1/editorial/broken-references/").json()["results"]

    [entry] = listed(editor)
    assert (entry["slug"], entry["title"]) == ("knee-pain", "Knee pain")
    [broken] = entry["references"]
    assert (broken["url"], broken["outcome"], broken["status_code"]) == (
        f"{sources.base}/gone", "broken", 404
    )  # fmt: skip
    assert listed(writer) == [entry]
    assert listed(other_writer) == [], "another writer's articles stay out of sight"


def test_an_article_that_no_longer_cites_the_source_is_not_listed(sources, publish, writer, editor):
    live = live_citing(publish, writer, "knee-pain", "/gone", base=sources.base)
    check_references()
    article = live.article
    Reference.objects.filter(article=article).update(url=f"{sources.base}/ok")
    publish(edit(article, writer))  # the new revision cites the working source
    [panel] = [p for p in panels_for(editor) if p.title.startswith("Live articles citing")]
    assert panel.rows == []


API = "/api/v1/editorial/articles/"


def test_dois_and_pubmed_ids_reach_the_document_and_the_json_ld(writer, reviewer, editor):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=writer).key}")
    payload = {
        "title": "Restless legs",
        "slug": "restless-legs",
        "summary": "An urge to move the legs at night.",
        "intro": "Common and treatable.",
        "sections": [{"heading": "Causes", "body": "Often unknown."}],
        "references": [
            {"label": "IRLSSG criteria", "url": "https://doi.org/10.1016/j.sleep.2014.03.025",
             "doi": "https://doi.org/10.1016/j.sleep.2014.03.025", "pmid": "PMID: 25023924"},
            {"label": "MedlinePlus", "url": "https://medlineplus.gov/restlesslegs.html"},
        ],
    }  # fmt: skip
    bad = client.post(API, {**payload, "references": [
        {"label": "x", "url": "https://example.org/", "doi": "11.1/x", "pmid": "12ab"}]},
        format="json")  # fmt: skip
    assert bad.status_code == 400
    assert "A DOI starts with 10." in str(bad.json()) and "A PubMed ID is a number" in str(
        bad.json()
    )
    created = client.post(API, payload, format="json")
    assert created.status_code == 201, created.json()
    reference = Reference.objects.get(label="IRLSSG criteria")
    assert (reference.doi, reference.pmid) == ("10.1016/j.sleep.2014.03.025", "25023924")

    from articles import workflow
    from articles.models import Article, PublishedArticle, Review

    article = Article.objects.get(slug="restless-legs")
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    workflow.approve(review=Review.objects.get(revision__article=article), by=reviewer)
    workflow.publish(article=article, by=editor)
    document = APIClient().get("/api/v1/articles/restless-legs/").json()
    paper, page = document["references"]
    assert (paper["doi"], paper["pmid"]) == ("10.1016/j.sleep.2014.03.025", "25023924")
    assert (page["doi"], page["pmid"]) == (None, None)
    cited_paper, cited_page = document["json_ld"]["citation"]
    assert cited_paper["@type"] == "ScholarlyArticle"
    assert cited_paper["identifier"] == [
        {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1016/j.sleep.2014.03.025"},
        {"@type": "PropertyValue", "propertyID": "PMID", "value": "25023924"},
    ]
    assert cited_paper["sameAs"] == [
        "https://doi.org/10.1016/j.sleep.2014.03.025",
        "https://pubmed.ncbi.nlm.nih.gov/25023924/",
    ]
    assert cited_page["@type"] == "CreativeWork" and "identifier" not in cited_page
    assert PublishedArticle.objects.get().revision.snapshot["references"][1].keys() == {
        "label", "url", "publisher", "accessed_on"
    }, "a reference without them hashes as before they existed"  # fmt: skip


def test_the_admin_takes_a_doi_pasted_as_a_link(client, editor, writer):
    article = ArticleFactory(author=writer, slug="shin-splints", title="Shin splints")
    ReferenceFactory(article=article, position=1)
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert 'name="references-0-doi"' in page.content.decode()


def test_a_host_with_no_address_is_unreachable_not_refused(monkeypatch):
    import socket

    from articles.reference_checks import fetch

    def no_such_host(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    answer = fetch("https://no-such-host.example/paper")
    assert answer.outcome == "unreachable"
    assert "No address could be found for no-such-host.example" in answer.detail


@pytest.mark.parametrize(
    "doi",
    [
        "10.1234/</script><script>alert(1)</script>",
        '10.1234/"><b>x',
        "10.\u0661\u0662\u0663\u0664/x",  # Arabic-Indic digits
        "10.1234/\u202eabc",
    ],
)
def test_a_doi_that_could_carry_markup_is_refused(writer, doi):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=writer).key}")
    article = ArticleFactory(author=writer)
    response = client.patch(
        f"{API}{article.pk}/",
        {"version": article.version,
         "references": [{"label": "Paper", "url": "https://example.org/p", "doi": doi}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400 and "A DOI starts with 10." in str(response.json())
    assert not Reference.objects.exists()


def test_the_review_page_shows_a_references_doi_and_pmid(client, writer, reviewer):
    from articles import workflow
    from articles.models import Review

    article = ArticleFactory(author=writer, slug="shin-splints", title="Shin splints")
    SectionFactory(article=article)
    ReferenceFactory(article=article, position=1, doi="10.1000/xyz123", pmid="12345678")
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    client.force_login(reviewer)
    page = client.get(reverse("admin:articles_review_decide", args=[Review.objects.get().pk]))
    assert "DOI: 10.1000/xyz123. PMID: 12345678" in page.content.decode()
