"""Security headers: a Content-Security-Policy on the pages this server renders, and pages that
keep to it (no inline script anywhere, so the policy needs no 'unsafe-inline' for scripts)."""

import re

import pytest
from django.test import Client


def directives(response):
    policy = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def inline_scripts(html):
    """<script> elements with code inside rather than a src (JSON data blocks are not code)."""
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    return [
        body
        for attributes, body in scripts
        if body.strip() and "application/json" not in attributes and "src=" not in attributes
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/login/", "/api/docs/"])
def test_pages_carry_a_policy_that_allows_only_this_servers_scripts(path):
    response = Client().get(path)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert inline_scripts(response.content.decode()) == []


@pytest.mark.django_db
def test_admin_pages_behind_the_login_keep_to_the_policy(editor_client, writer):
    from tests.factories import ArticleFactory

    article = ArticleFactory(author=writer)
    for path in [
        "/admin/",
        "/admin/articles/article/",
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/articles/article/{article.pk}/preview/",
        "/admin/articles/article/add/",
    ]:
        response = editor_client.get(path)
        assert response.status_code == 200, path
        assert directives(response)["script-src"] == ["'self'"], path
        html = response.content.decode()
        assert inline_scripts(html) == [], path
        # Every script and stylesheet comes from this server: no CDN.
        assets = re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="([^"]+)"', html)
        assert assets, path
        assert not [a for a in assets if a.startswith(("http:", "https:", "//"))], path


def test_the_docs_script_is_served_from_this_server_as_javascript():
    html = Client().get("/api/docs/").content.decode()
    script_url = re.search(r'<script src="([^"]*\?script=?)"', html).group(1)
    response = Client().get(script_url.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


@pytest.mark.django_db
def test_every_response_says_nosniff_and_a_referrer_policy(client):
    for path in ["/admin/login/", "/api/v1/articles/", "/healthz"]:
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Referrer-Policy"] == "same-origin", path


@pytest.mark.django_db
def test_the_browsable_editorial_api_carries_the_policy_and_keeps_to_it(editor_client):
    response = editor_client.get("/api/v1/editorial/articles/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    html = response.content.decode()
    assert inline_scripts(html) == []
    scripts = re.findall(r'<script\b[^>]*src="([^"]+)"', html)
    assert scripts
    assert all(src.startswith("/static/") for src in scripts)


@pytest.mark.django_db
def test_every_response_carries_the_same_policy_a_view_may_replace(settings):
    from django.http import HttpResponse

    from config.content_security_policy import ContentSecurityPolicyMiddleware

    api = Client().get("/api/v1/articles/")
    admin_login = Client().get("/admin/login/")
    assert api.headers["Content-Security-Policy"] == admin_login.headers["Content-Security-Policy"]
    assert directives(api)["default-src"] == ["'self'"]

    own = HttpResponse(headers={"Content-Security-Policy": "sandbox"})
    middleware = ContentSecurityPolicyMiddleware(lambda request: own)
    assert middleware(None).headers["Content-Security-Policy"] == "sandbox"


@pytest.mark.django_db
def test_debug_error_pages_keep_their_inline_code_working(settings):
    from django.http import HttpResponseNotFound

    from config.content_security_policy import ContentSecurityPolicyMiddleware

    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponseNotFound())
    settings.DEBUG = True
    assert "Content-Security-Policy" not in middleware(None).headers
    settings.DEBUG = False
    assert "Content-Security-Policy" in middleware(None).headers
