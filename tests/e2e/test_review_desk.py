"""The review page in a browser (issue #18, point 1): a re-review of a live article with a
changed hero image and a changed sentence shows the image, the changed words in <ins> and
<del>, and does not scroll sideways at 1280 or 768 px. Its screenshots illustrate
docs/reviewing.md."""

import pytest
from playwright.sync_api import expect

from articles import workflow
from articles.models import Article, Review, ReviewComment, Transition
from tests.e2e.test_approval_guarantee import sign_in
from tests.factories import edit, stored_image

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OLD_ALT = "A runner stretching her calf"
NEW_ALT = "A runner icing her hip after a race"
NOTE = "Is tendinitis the right word here?"


def test_a_re_review_shows_the_new_image_and_the_changed_words_at_1280_and_768(
    in_browser, live_server, steps, writer, reviewer, live, publish
):
    # The live version has an image, which the re-review replaces.
    publish(edit(live, writer, hero_image=stored_image(alt=OLD_ALT)))

    article = Article.objects.get(pk=live.pk)
    section = article.sections.get()
    section.body = "Overuse and **tendinitis**, mostly in runners."
    section.save()
    article = edit(article, writer, hero_image=stored_image(alt=NEW_ALT, credit="Photo: Demo"))
    article = workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    review = Review.objects.get(revision=article.current_revision, decision="pending")
    # A note the reviewer made earlier (through the API, say), which they take back to approve.
    workflow.add_comment(
        review=review, by=reviewer, target="section", section_anchor=section.anchor, body=NOTE
    )

    in_browser(lambda browser: read_the_review_page(browser, live_server, steps, reviewer, review))
    assert not ReviewComment.objects.exists()
    assert Transition.objects.filter(action="remove_comment", by=reviewer).exists()
    assert Review.objects.get(pk=review.pk).decision == Review.Decision.APPROVED


def read_the_review_page(browser, live_server, steps, reviewer, review):
    page = sign_in(browser, live_server, steps, reviewer)
    page.goto(f"{live_server.url}/admin/articles/review/?assigned=me")
    steps.shot(page, "the reviewer's queue")
    page.goto(f"{live_server.url}/admin/articles/review/{review.pk}/decide/")

    for width in (1280, 768):
        page.set_viewport_size({"width": width, "height": 900})
        hero = page.locator("article.article-preview img.hero")
        expect(hero).to_have_attribute("alt", NEW_ALT)
        expect(hero).to_be_visible()
        assert hero.evaluate("img => img.complete && img.naturalWidth > 0"), "no image loaded"
        changes = page.locator("details.comparison").first
        expect(changes.locator("del", has_text="bursitis")).to_be_visible()
        expect(changes.locator("ins", has_text="tendinitis")).to_be_visible()
        expect(changes.locator("figure.after img")).to_have_attribute("alt", NEW_ALT)
        expect(changes.locator("figure.before img")).to_have_attribute("alt", OLD_ALT)
        overflow = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert overflow[0] <= overflow[1], f"the page scrolls sideways at {width}px: {overflow}"
        steps.shot(page, f"review page at {width} px")

    page.set_viewport_size({"width": 1280, "height": 900})
    # The earlier note is open beside its section, with a box to take it back.
    note = page.locator(".review-document details.part-comment[open]", has_text=NOTE)
    note.get_by_label("Take back this comment").check()
    note.scroll_into_view_if_needed()
    page.screenshot(path=steps.folder / "take-back.png")
    steps.shot(page, "the reviewer takes back their earlier note")
    page.fill("#id_comment", "The new image and the change of diagnosis are right.")
    page.locator("input[type=submit][value='Approve this revision']").click()
    expect(page.locator(".messagelist")).to_contain_text("Your review is recorded")
    steps.shot(page, "review recorded")
