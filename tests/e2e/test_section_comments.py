"""Issue #18, point 2, in a browser: a section comment goes from the reviewer to the writer, is
resolved, and the article is approved, with a screenshot of each step."""

import pytest
from playwright.sync_api import expect

from articles import workflow
from articles.models import Article, Review, ReviewComment
from tests.e2e.test_editorial_journey import signed_in
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COMMENT = "Say which sports cause this most often."
REPLY = "Named running and football."


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def beside_its_section(page, box):
    """The box sits under its section's text and above the next section, in the document's
    column (the left one, where the page has two)."""
    causes = page.locator("h2#causes").bounding_box()
    treatment = page.locator("h2#treatment").bounding_box()
    where = box.bounding_box()
    assert causes["y"] < where["y"] < treatment["y"], (causes, where, treatment)
    column = page.locator(".review-document").bounding_box()
    assert (
        column["x"] <= where["x"]
        and where["x"] + where["width"] <= column["x"] + column["width"] + 1
    ), (where, column)


def test_a_section_comment_goes_to_the_writer_is_resolved_and_the_article_approved(
    in_browser, live_server, steps, writer, reviewer
):
    article = ArticleFactory(author=writer, slug="knee-pain", title="Knee pain")
    SectionFactory(article=article, heading="Causes", body="Running too much.")
    SectionFactory(article=article, heading="Treatment", body="Rest and ice.")
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    first_review = Review.objects.get(revision__article=article)

    def scenario(browser):
        # The reviewer comments on the Causes section and sends the revision back.
        page = signed_in(browser, live_server, steps, reviewer)
        page.set_viewport_size({"width": 1280, "height": 1000})
        page.goto(f"{live_server.url}/admin/articles/review/{first_review.pk}/decide/")
        causes = page.locator(".review-document section", has=page.locator("h2#causes"))
        box = causes.locator("details.part-comment")
        expect(box).not_to_have_attribute("open", "")  # folded until the reviewer asks
        box.locator("summary", has_text="Comment on this section").click()
        page.get_by_label("Your comment on the section “Causes”").fill(COMMENT)
        for width in (1280, 768):
            page.set_viewport_size({"width": width, "height": 1000})
            beside_its_section(page, box)
            assert no_sideways_scroll(page), f"the page scrolls sideways at {width}px"
            box.scroll_into_view_if_needed()
            page.screenshot(path=steps.folder / f"section-comment-{width}.png")
            steps.shot(page, f"reviewer writes a comment beside the Causes section at {width} px")
        page.set_viewport_size({"width": 1280, "height": 1000})
        page.click("input[name=request_changes]")
        expect(page.locator(".messagelist")).to_contain_text("Your review is recorded")
        steps.shot(page, "changes requested")

        # The writer sees it beside the section, resolves it with a reply and saves.
        page = signed_in(browser, live_server, steps, writer)
        page.set_viewport_size({"width": 1280, "height": 1000})
        page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
        expect(page.locator(".inline-related", has_text="Causes").first).to_contain_text(COMMENT)
        comment = ReviewComment.objects.get()
        page.check(f"#id_answer_{comment.pk}_resolved")
        page.fill(f"#id_answer_{comment.pk}_reply", REPLY)
        page.fill("#id_sections-0-body", "Running too much, and football.")
        steps.shot(page, "writer resolves the comment beside its section")
        page.click("input[name=_continue]")
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
        steps.shot(page, "saved with the comment resolved")

        # Nothing is left open, so the writer submits without giving a reason.
        page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/move/submit/")
        expect(page.locator("#content")).not_to_contain_text("Submit anyway because")
        page.get_by_label("Jane Roe").check()
        page.click("input[type=submit][value='Submit for review']")
        expect(page.locator(".messagelist")).to_contain_text("Submitted for review")

        # The next review shows how the comment was resolved; the reviewer approves.
        next_review = Review.objects.get(revision__article=article, decision="pending")
        page = signed_in(browser, live_server, steps, reviewer)
        page.set_viewport_size({"width": 1280, "height": 1000})
        page.goto(f"{live_server.url}/admin/articles/review/{next_review.pk}/decide/")
        earlier = page.locator(".review-comments")
        expect(earlier).to_contain_text(COMMENT)
        expect(earlier).to_contain_text(f"Resolved by {writer.get_full_name()}")
        expect(earlier).to_contain_text(REPLY)
        # Read as content, not in the admin's small grey for help and quotes.
        quote = earlier.locator("blockquote", has_text=COMMENT)
        assert quote.evaluate("q => parseFloat(getComputedStyle(q).fontSize)") >= 14
        assert quote.evaluate("q => getComputedStyle(q).color") == page.evaluate(
            "getComputedStyle(document.body).color"
        )
        assert no_sideways_scroll(page)
        steps.shot(page, "the next review shows the comment resolved")
        page.click("input[name=approve]")
        expect(page.locator(".messagelist")).to_contain_text("Your review is recorded")
        steps.shot(page, "approved")

    in_browser(scenario)
    assert Article.objects.get(pk=article.pk).state == Article.State.APPROVED
    comment = ReviewComment.objects.get()
    assert comment.is_resolved and comment.reply == REPLY
