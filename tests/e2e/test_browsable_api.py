"""The browsable editorial API works under the Content-Security-Policy it is served with: its
scripts run (the OPTIONS button sends its request from JavaScript) and the browser reports no
violation of the policy."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_editorial_journey import signed_in
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_browsable_api_runs_its_scripts_under_the_policy(
    in_browser, live_server, steps, editor
):
    ArticleFactory(author=editor, title="Calf cramps", slug="calf-cramps")
    refusals = in_browser(
        lambda browser: options_from_javascript(browser, live_server, steps, editor)
    )
    assert refusals == []


def options_from_javascript(browser, live_server, steps, editor):
    page = signed_in(browser, live_server, steps, editor)
    refusals = []

    def note_refusal(message):  # Chromium reports each blocked script or style on the console
        if "Content Security Policy" in message.text:
            refusals.append(message.text)

    page.on("console", note_refusal)
    url = f"{live_server.url}/api/v1/editorial/articles/"
    response = page.goto(url)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".request-info")).to_contain_text("GET /api/v1/editorial/articles/")
    steps.shot(page, "browsable api")
    # ajax-form.js sends this request and writes the answer over the page.
    page.locator("form[data-method=OPTIONS] button").click()
    expect(page.locator(".request-info")).to_contain_text("OPTIONS /api/v1/editorial/articles/")
    steps.shot(page, "options sent from javascript")
    return refusals
