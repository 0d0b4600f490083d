"""Hostile traffic at the edge: who a client is. Rate limits and login lockouts count clients by
REMOTE_ADDR, or behind DJANGO_TRUSTED_PROXIES proxies by the X-Forwarded-For entry the outermost
of them appended; nothing a client writes in that header moves it into another count."""

import json
import textwrap

import pytest
from django.test import Client

from articles import preview
from tests.factories import ArticleFactory, SectionFactory, TagFactory, UserFactory
from tests.test_settings import load_settings

pytestmark = pytest.mark.django_db

API = "/api/v1"
PROXY = "10.0.0.1"
CLIENT_A = "203.0.113.5"
CLIENT_B = "203.0.113.6"


@pytest.fixture
def live(writer, publish):
    article = ArticleFactory(author=writer, slug="calf-cramps", title="Calf cramps")
    SectionFactory(article=article, heading="Causes", body="Dehydration.")
    article.tags.add(TagFactory(name="Leg Pain", slug="leg-pain"))
    publish(article)
    return article


@pytest.fixture
def trusted_proxies(settings):
    """Set how many proxies are trusted, as DJANGO_TRUSTED_PROXIES does."""

    def trust(count):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}

    return trust


def spoofed(number):
    """A different made-up X-Forwarded-For on each request, from the same REMOTE_ADDR."""
    return {"REMOTE_ADDR": CLIENT_A, "HTTP_X_FORWARDED_FOR": f"198.51.100.{number}"}


def behind_proxy(client_address, *, claimed=None):
    """A request that came through one proxy, which appended the address it saw; `claimed` is
    what the client itself wrote in the header before that."""
    forwarded = f"{claimed}, {client_address}" if claimed else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


# Paths answered directly (a live document, a page already made) and through DRF (every other
# public endpoint, and a list page nobody asked for yet: `page_size` varies with each request).
PUBLIC_PATHS = [
    f"{API}/articles/calf-cramps/",
    f"{API}/articles/",
    f"{API}/articles/?page_size={{n}}",
    f"{API}/tags/",
    f"{API}/tags/leg-pain/",
    f"{API}/reviewers/",
    f"{API}/reviewers/jane-roe/",
    f"{API}/preview/{{token}}/",
]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_a_new_x_forwarded_for_on_each_request_does_not_escape_the_rate_limit(settings, live, path):
    settings.API_ANON_RATE = "3/min"
    client = Client()
    answers = [
        client.get(path.format(n=n + 1, token="guessed"), **spoofed(n)).status_code
        for n in range(4)
    ]
    expected = 404 if "preview" in path else 200  # a guessed token is refused, then throttled
    assert answers == [expected, expected, expected, 429]


def test_a_valid_preview_link_is_throttled_like_the_rest_of_the_api(settings, live):
    settings.API_ANON_RATE = "2/min"
    token = preview.issue_token(article=live)
    client = Client()
    responses = [client.get(f"{API}/preview/{token}/", **spoofed(n)).status_code for n in range(3)]
    assert responses == [200, 200, 429]


@pytest.mark.parametrize("path", [f"{API}/articles/calf-cramps/", f"{API}/tags/"])
def test_behind_one_proxy_each_client_is_counted_apart(settings, live, trusted_proxies, path):
    trusted_proxies(1)
    settings.API_ANON_RATE = "3/min"
    client = Client()
    first = [client.get(path, **behind_proxy(CLIENT_A)).status_code for _ in range(4)]
    assert first == [200, 200, 200, 429]
    # Another reader behind the same proxy has a count of their own.
    assert client.get(path, **behind_proxy(CLIENT_B)).status_code == 200
    # Whatever the first reader claims to be, the proxy's entry still names them.
    claims = [f"198.51.100.{n}" for n in range(3)] + [CLIENT_B]
    assert {
        client.get(path, **behind_proxy(CLIENT_A, claimed=claim)).status_code for claim in claims
    } == {429}


# A fresh server configured by the environment alone: one trusted proxy, two requests a minute.
# A guessed preview token is refused without touching the database, after the rate limit.
THROUGH_ONE_PROXY = textwrap.dedent(f"""
    import json, django
    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment
    setup_test_environment()
    client = Client()

    def status(forwarded):
        return client.get(
            "/api/v1/preview/guessed/", REMOTE_ADDR="{PROXY}", HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    print(json.dumps({{
        "a": [status(f"198.51.100.{{n}}, {CLIENT_A}") for n in range(3)],
        "b": status("{CLIENT_B}"),
    }}))
""")


def test_django_trusted_proxies_sets_whom_the_rate_limit_counts(tmp_path):
    result = load_settings(
        code=THROUGH_ONE_PROXY,
        DJANGO_DEBUG="1",
        DJANGO_TRUSTED_PROXIES="1",
        API_ANON_RATE="2/min",
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"a": [404, 404, 429], "b": 404}


PAGE_PATHS = ["/sitemap.xml", "/feeds/articles/", "/api/schema/", "/api/docs/"]


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_the_sitemap_feed_schema_and_docs_answer_429_past_their_rate(settings, live, path):
    settings.PAGES_ANON_RATE = "2/min"
    client = Client()
    assert [client.get(path, **spoofed(n)).status_code for n in range(2)] == [200, 200]
    refused = client.get(path, **spoofed(3))
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert refused.json()["code"] == "throttled"
    assert "throttled" in refused.json()["detail"].lower()
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "Cache-Control" not in refused  # no cache may keep a refusal for everybody


def test_the_pages_have_a_rate_of_their_own_apart_from_the_api(settings, live):
    settings.API_ANON_RATE = "1/min"
    settings.PAGES_ANON_RATE = "2/min"
    client = Client()
    assert client.get(f"{API}/tags/").status_code == 200
    assert client.get(f"{API}/tags/").status_code == 429
    assert [client.get("/sitemap.xml").status_code for _ in range(3)] == [200, 200, 429]


def test_the_pages_rate_can_be_switched_off(settings, live):
    settings.PAGES_ANON_RATE = ""
    client = Client()
    assert {client.get("/feeds/articles/").status_code for _ in range(70)} == {200}


@pytest.fixture
def lockouts(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    return UserFactory(username="nora")


def log_in(password, **headers):
    return Client().post(
        "/admin/login/?next=/admin/", {"username": "nora", "password": password}, **headers
    )


def test_a_new_x_forwarded_for_on_each_login_does_not_escape_a_lockout(lockouts):
    for n in range(3):
        log_in("wrong", **spoofed(n))
    locked = log_in("correct horse battery staple", **spoofed(4))
    assert locked.status_code == 429


def test_behind_one_proxy_a_lockout_locks_out_one_client_not_everyone(lockouts, trusted_proxies):
    trusted_proxies(1)
    for n in range(3):
        log_in("wrong", **behind_proxy(CLIENT_A, claimed=f"198.51.100.{n}"))
    assert log_in("correct horse battery staple", **behind_proxy(CLIENT_A)).status_code == 429
    # Nora at another address behind the same proxy still logs in.
    elsewhere = log_in("correct horse battery staple", **behind_proxy(CLIENT_B))
    assert elsewhere.status_code == 302
    assert elsewhere["Location"] == "/admin/"
