"""The essential moves work with JavaScript switched off: every one is a plain form."""

import pytest
from playwright.sync_api import expect

from articles.models import Article, PublishedArticle
from tests.e2e.test_editorial_journey import signed_in
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_submit_preview_review_and_publish_without_javascript(
    in_browser, live_server, steps, writer, reviewer, editor
):
    article = ArticleFactory(author=writer, title="Calf cramps", slug="calf-cramps")
    SectionFactory(article=article, heading="What helps", body="Stretch the calf.")
    in_browser(
        lambda browser: every_move_as_a_form(
            browser, live_server, steps, article, writer, reviewer, editor
        )
    )
    assert PublishedArticle.objects.get(article=article).title == "Calf cramps at night"
    assert Article.objects.get(pk=article.pk).state == Article.State.PUBLISHED


def every_move_as_a_form(browser, live_server, steps, article, writer, reviewer, editor):
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"

    page = signed_in(browser, live_server, steps, writer, javascript=False)
    page.goto(change_url)
    page.fill("#id_title", "Calf cramps at night")
    with page.context.expect_page() as opened:
        page.locator("input[value='Preview unsaved changes']").click()
    preview = opened.value
    expect(preview.locator("article.article-preview h1")).to_have_text("Calf cramps at night")
    steps.shot(preview, "preview of unsaved changes without javascript")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.locator(".object-tools a", has_text="Submit for review").click()
    page.get_by_label("Jane Roe").check()
    page.locator("input[type=submit][value='Submit for review']").click()
    expect(page.locator(".messagelist")).to_contain_text("Submitted for review")
    steps.shot(page, "submitted without javascript")

    page = signed_in(browser, live_server, steps, reviewer, javascript=False)
    page.goto(f"{live_server.url}/admin/articles/review/?assigned=me")
    page.get_by_role("link", name="Review", exact=True).click()
    page.locator("input[name=approve]").click()
    expect(page.locator(".messagelist")).to_contain_text("Your review is recorded")
    steps.shot(page, "approved without javascript")

    page = signed_in(browser, live_server, steps, editor, javascript=False)
    page.goto(change_url)
    page.locator(".object-tools a", has_text="Publish").first.click()
    page.locator("input[type=submit][value='Publish']").click()
    expect(page.locator(".messagelist")).to_contain_text("Published")
    steps.shot(page, "published without javascript")
