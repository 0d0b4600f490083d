"""Issue #21, point 1, in a browser: a reviewer whose licence has expired is refused on the review
page; an editor records the renewal in the admin, and the reviewer can then approve."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles import workflow
from articles.models import Article, Review
from reviewers.models import Credential
from tests.e2e.test_approval_guarantee import sign_in
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_expired_reviewer_is_refused_until_an_editor_records_the_renewal(
    in_browser, live_server, steps, writer, reviewer, editor
):
    profile = reviewer.reviewer_profile
    expired_on = timezone.localdate() - datetime.timedelta(days=2)
    article = ArticleFactory(author=writer, slug="tennis-elbow", title="Tennis elbow")
    SectionFactory(article=article, heading="Causes", body="Repeated gripping.")
    # Assigned while the licence was in date; it ran out before the review.
    workflow.submit(article=article, by=writer, reviewers=[profile])
    profile.held_credentials.update(valid_until=expired_on)
    review = Review.objects.get(revision__article=article)

    in_browser(lambda browser: refused_then_renewed(browser, live_server, steps, review, reviewer,
                                                    editor, expired_on))  # fmt: skip

    review.refresh_from_db()
    assert review.decision == Review.Decision.APPROVED
    assert Article.objects.get(pk=article.pk).state == Article.State.APPROVED
    renewed = Credential.objects.get(reviewer=profile)
    assert renewed.verified_by == editor and renewed.in_force()


def refused_then_renewed(browser, live_server, steps, review, reviewer, editor, expired_on):
    decide = f"{live_server.url}/admin/articles/review/{review.pk}/decide/"
    page = sign_in(browser, live_server, steps, reviewer)
    page.goto(decide)
    expect(page.locator(".errornote")).to_contain_text(
        f"has no credential in date: the last one expired on {expired_on.isoformat()}"
    )
    expect(page.get_by_role("button", name="Approve this revision")).to_have_count(0)
    steps.shot(page, "the reviewer with an expired licence cannot approve")

    desk = sign_in(browser, live_server, steps, editor)
    desk.goto(f"{live_server.url}/admin/")
    steps.shot(desk, "editor's dashboard")
    desk.goto(f"{live_server.url}/admin/reviewers/reviewer/{review.reviewer_id}/change/")
    row = desk.locator("#held_credentials-group tbody tr.form-row").first
    expect(row).to_contain_text("by ")  # the editor who checked it first
    expect(row).not_to_contain_text("not verified")
    renewed_until = timezone.localdate() + datetime.timedelta(days=730)
    row.locator("input[name$='-valid_until']").fill(renewed_until.isoformat())
    expect(row.locator("input[name$='-verified']")).to_be_checked()
    steps.shot(desk, "editor records the renewed licence, checked with the board")
    desk.click("input[name=_continue]")
    expect(desk.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(desk.locator("#held_credentials-group")).to_contain_text(
        f"by {editor.get_full_name() or editor.get_username()}"
    )
    steps.shot(desk, "the renewal is recorded with who checked it")

    page.goto(decide)
    expect(page.locator(".errornote")).to_have_count(0)
    page.fill("#id_comment", "Accurate and current.")
    page.locator("input[type=submit][value='Approve this revision']").click()
    expect(page.locator(".messagelist")).to_contain_text("Your review is recorded")
    steps.shot(page, "the renewed reviewer approves")
