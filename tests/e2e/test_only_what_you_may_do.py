"""Issue #18, point 4, in a browser: a writer is offered no publish button, and opening the
publish URL of their own approved article anyway gets a 403 page that says why."""

import pytest
from playwright.sync_api import expect

from articles import workflow
from articles.models import Article, Review
from tests.e2e.test_editorial_journey import signed_in
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_writer_opening_the_publish_url_gets_403(
    in_browser, live_server, steps, writer, reviewer
):
    article = ArticleFactory(author=writer, slug="knee-pain", title="Knee pain")
    SectionFactory(article=article, heading="Causes", body="Overuse.")
    article = workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    review = Review.objects.get(revision=article.current_revision)
    workflow.approve(review=review, by=reviewer, comment="Accurate.")

    def scenario(browser):
        page = signed_in(browser, live_server, steps, writer)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
        expect(page.locator("#content")).to_contain_text("Approved")
        expect(page.get_by_role("link", name="Publish", exact=True)).to_have_count(0)
        steps.shot(page, "approved article without a publish button")

        response = page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/move/publish/")
        assert response.status == 403
        expect(page.locator("h1")).to_have_text("Not allowed")
        expect(page.locator("#content")).to_contain_text("Only editors publish, schedule")
        steps.shot(page, "publish url refused with a sentence")

    in_browser(scenario)
    assert Article.objects.get(pk=article.pk).state == Article.State.APPROVED


def test_the_review_queue_fits_1280_px_and_opens_from_the_home_page(
    in_browser, live_server, steps, writer, reviewer
):
    article = ArticleFactory(author=writer, slug="knee-pain", title="Knee pain")
    SectionFactory(article=article, heading="Causes", body="Overuse.")
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])

    def scenario(browser):
        page = signed_in(browser, live_server, steps, reviewer)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/admin/")
        page.locator(".dashboard-panel", has_text="Waiting for my review").get_by_text(
            "See all"
        ).click()
        expect(page.locator("#result_list")).to_contain_text("New article")
        expect(page.locator("#result_list")).to_contain_text("words")
        steps.shot(page, "review queue at 1280 px")
        page_overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        table_overflow = page.evaluate(
            "(results => results.scrollWidth - results.clientWidth)"
            "(document.querySelector('.results'))"
        )
        assert (page_overflow, table_overflow) == (0, 0)  # every column in view

    in_browser(scenario)
