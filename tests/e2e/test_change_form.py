"""The article change page in a browser: sections moved with the arrow buttons, and the live
preview following the writer's typing without saving."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.e2e.test_editorial_journey import signed_in
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def article(writer):
    article = ArticleFactory(author=writer, title="Calf cramps", slug="calf-cramps")
    for heading in ("First", "Second", "Third"):
        SectionFactory(article=article, heading=heading, body=f"{heading} body.")
    return article


def test_arrows_reorder_sections_and_the_live_preview_follows(
    in_browser, live_server, steps, writer, article
):
    in_browser(lambda browser: reorder_and_watch(browser, live_server, steps, writer, article))
    headings = list(article.sections.order_by("position").values_list("heading", flat=True))
    assert headings == ["Third", "First", "Second"]
    assert Article.objects.get(pk=article.pk).title == "Calf cramps at night"


def reorder_and_watch(browser, live_server, steps, writer, article):
    page = signed_in(browser, live_server, steps, writer)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    preview = page.locator("#live-preview .live-preview-body")
    expect(preview.locator("nav.toc")).to_contain_text("First")
    steps.shot(page, "the change page with its live preview")

    page.locator("#sections-2").get_by_role("button", name="Move section up").click()
    page.locator("#sections-2").get_by_role("button", name="Move section up").click()
    expect(preview.locator("nav.toc li").first).to_have_text("Third")
    page.fill("#id_title", "Calf cramps at night")
    expect(preview.locator("h1")).to_have_text("Calf cramps at night")
    steps.shot(page, "third section moved to the top, title typed")
    assert Article.objects.get(pk=article.pk).title == "Calf cramps"  # nothing saved yet

    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    steps.shot(page, "saved")
