"""The approval guarantee (issue #16) walked by real people in a browser: points 1, 2 and 6.

1. A reviewer reads and approves a revision that adds a hero image; the writer's "Changes since
   live" page shows the image too.
2. An editor who is also a reviewer edits someone else's live article: the submit form does not
   offer them as a reviewer, and a review assigned to them anyway tells them why they cannot
   decide it, with no Approve button.
6. An overdue live article is sent for re-certification from the overdue list, the reviewer
   approves it from their queue, and the public API shows the renewed review date on the same
   revision.
"""

import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from articles import workflow
from articles.models import Article, PublishedArticle, Review
from tests.e2e.test_editorial_journey import signed_in
from tests.factories import (
    edit,
    stored_image,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORT = {"width": 1280, "height": 1000}
HERO_ALT = "A runner holding her hip"
HERO_CREDIT = "Photo: Demo Studio"
NEW_INTRO = "Hip pain in runners is often bursitis, and it usually settles with rest."


def sign_in(browser, live_server, steps, user):
    page = signed_in(browser, live_server, steps, user)
    page.set_viewport_size(VIEWPORT)
    serve_uploads(page)
    return page


def serve_uploads(page):
    """Answer for uploads: the test server runs with debug off, as production does, and so
    serves none (production leaves them to a bucket or the web server in front); the browser
    gets each one from this test's MEDIA_ROOT instead."""
    prefix = urlsplit(settings.MEDIA_URL).path

    def from_media_root(route):
        name = unquote(urlsplit(route.request.url).path.removeprefix(prefix))
        path = Path(settings.MEDIA_ROOT) / name
        if path.is_file():
            route.fulfill(path=path)
        else:
            route.fulfill(status=404)

    page.context.route(f"**{prefix}**", from_media_root)


# 1. A revision with a hero image is reviewed and approved in the admin ------------------------


def test_a_reviewer_approves_a_revision_with_a_hero_image(
    in_browser, live_server, steps, writer, reviewer, live
):
    image = stored_image(alt=HERO_ALT, credit=HERO_CREDIT)
    article = edit(live, writer, hero_image=image)
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    review = Review.objects.get(
        revision=Article.objects.get(pk=live.pk).current_revision, decision="pending"
    )

    in_browser(
        lambda browser: approve_with_hero_image(
            browser, live_server, steps, writer, reviewer, live, review
        )
    )

    review.refresh_from_db()
    assert review.decision == Review.Decision.APPROVED
    assert review.comment == "The image and its alt text fit the article."
    assert Article.objects.get(pk=live.pk).state == Article.State.APPROVED


def approve_with_hero_image(browser, live_server, steps, writer, reviewer, article, review):
    writer_page = sign_in(browser, live_server, steps, writer)
    writer_page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    writer_page.locator(".object-tools a", has_text="Changes since live").click()
    expect(writer_page.locator("h1")).to_contain_text("Changes: Hip pain")
    diff_text = writer_page.locator(".review-changes").inner_text()
    assert "Hero image" in diff_text
    assert f"Alt text: {HERO_ALT}" in diff_text
    steps.shot(writer_page, "writer sees the hero image in the changes since live")

    page = sign_in(browser, live_server, steps, reviewer)
    page.goto(f"{live_server.url}/admin/articles/review/{review.pk}/decide/")
    hero = page.locator("article.article-preview img.hero")
    expect(hero).to_have_attribute("alt", HERO_ALT)
    expect(hero).to_be_visible()
    assert hero.evaluate("img => img.complete && img.naturalWidth > 0"), "the image did not load"
    expect(page.locator("article.article-preview figcaption")).to_have_text(HERO_CREDIT)
    changes = page.locator("details.comparison", has_text="Changes compared with the live version")
    expect(changes.locator(".image-change figure.after")).to_contain_text(f"Alt text: {HERO_ALT}")
    steps.shot(page, "reviewer sees the hero image and the changes since live")

    page.fill("#id_comment", "The image and its alt text fit the article.")
    page.locator("input[type=submit][value='Approve this revision']").click()
    expect(page.locator(".messagelist")).to_contain_text("Your review is recorded")
    steps.shot(page, "reviewer approved")


# 2. Separation of duties -----------------------------------------------------------------------


def test_an_editor_reviewer_cannot_review_their_own_edit_of_someone_elses_article(
    in_browser, live_server, steps, writer, reviewer, editor_reviewer, live
):
    in_browser(
        lambda browser: edit_and_try_to_review(
            browser, live_server, steps, writer, editor_reviewer, live
        )
    )

    review = Review.objects.get(reviewer=editor_reviewer.reviewer_profile)
    assert review.decision == Review.Decision.PENDING
    assert Article.objects.get(pk=live.pk).state == Article.State.IN_REVIEW
    public = Client().get("/api/v1/articles/hip-pain/").content.decode()
    assert NEW_INTRO not in public


def edit_and_try_to_review(browser, live_server, steps, writer, editor_reviewer, article):
    page = sign_in(browser, live_server, steps, editor_reviewer)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.fill("#id_intro", NEW_INTRO)
    steps.shot(page, "editor-reviewer changed the intro of the writer's live article")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    steps.shot(page, "editor-reviewer saved")

    page.locator(".object-tools a", has_text="Submit for review").click()
    offered = page.locator("#id_reviewers")
    expect(offered).to_contain_text("Jane Roe")
    expect(offered).not_to_contain_text("Sam Both")
    steps.shot(page, "the submit form does not offer the editor-reviewer")
    page.get_by_label("Jane Roe").check()
    page.locator("input[type=submit][value='Submit for review']").click()
    expect(page.locator(".messagelist")).to_contain_text("Submitted for review")

    # Assigned behind the form's back, as an older version of the product allowed.
    revision = Article.objects.get(pk=article.pk).current_revision
    review = Review.objects.create(
        revision=revision, reviewer=editor_reviewer.reviewer_profile, assigned_by=writer
    )
    page.goto(f"{live_server.url}/admin/articles/review/{review.pk}/decide/")
    expect(page.locator(".errornote")).to_contain_text(
        "You changed this article since it was last approved"
    )
    expect(page.locator("article.article-preview")).to_contain_text(NEW_INTRO)
    expect(page.locator("input[name=approve]")).to_have_count(0)
    expect(page.get_by_role("button", name="Approve this revision")).to_have_count(0)
    steps.shot(page, "the review page says why they cannot review it")


# 6. Re-certification without an edit -----------------------------------------------------------


def test_an_overdue_article_is_recertified_without_a_new_revision(
    in_browser, live_server, steps, editor, second_reviewer, live
):
    PublishedArticle.objects.filter(article=live).update(
        next_review_due=timezone.localdate() - datetime.timedelta(days=3)
    )
    client = Client()
    before = client.get("/api/v1/articles/hip-pain/").json()
    assert before["review_overdue"] is True

    in_browser(
        lambda browser: recertify(browser, live_server, steps, editor, second_reviewer, live)
    )

    after = client.get("/api/v1/articles/hip-pain/").json()
    assert after["revision"] == before["revision"]
    assert after["next_review_due"] > timezone.localdate().isoformat()
    assert after["review_overdue"] is False
    assert after["last_reviewed_at"] > before["last_reviewed_at"]
    assert after["reviewer"]["slug"] == "ada-poe"
    assert Article.objects.get(pk=live.pk).state == Article.State.PUBLISHED


def recertify(browser, live_server, steps, editor, second_reviewer, article):
    page = sign_in(browser, live_server, steps, editor)
    page.goto(f"{live_server.url}/admin/articles/article/?review_due=overdue")
    row = page.locator("#result_list tbody tr", has_text="Hip pain")
    expect(row).to_contain_text("Overdue since")
    steps.shot(page, "editor opens the overdue list")
    row.get_by_role("link", name="Send for re-certification").click()
    expect(page.locator("h1")).to_contain_text("Send for re-certification: Hip pain")
    page.get_by_label("Ada Poe").check()
    page.fill("#id_comment", "Due for its yearly review.")
    steps.shot(page, "editor chose the reviewer")
    page.locator("input[type=submit][value='Send for re-certification']").click()
    expect(page.locator(".messagelist")).to_contain_text("Sent for re-certification")
    steps.shot(page, "editor sent it for re-certification")

    page = sign_in(browser, live_server, steps, second_reviewer)
    page.goto(f"{live_server.url}/admin/articles/review/?assigned=me")
    row = page.locator("#result_list tbody tr", has_text="Hip pain")
    expect(row).to_contain_text("Re-certification")
    steps.shot(page, "reviewer's queue")
    row.get_by_role("link", name="Review", exact=True).click()
    expect(page.locator("#content")).to_contain_text("Re-certification: the live version")
    steps.shot(page, "reviewer opened the re-certification")
    page.fill("#id_comment", "Still accurate.")
    page.locator("input[type=submit][value='Approve this revision']").click()
    expect(page.locator(".messagelist")).to_contain_text("Your review is recorded")
    steps.shot(page, "reviewer approved the re-certification")

    page.goto(f"{live_server.url}/api/v1/articles/{article.slug}/")
    steps.shot(page, "the public API after re-certification")
