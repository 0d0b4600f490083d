"""From a blank article to a published API response, in a real browser, through the admin only.

A writer creates an article with three sections, tags and a related topic and submits it; the
reviewer requests changes with a comment; the writer edits and resubmits; the reviewer approves;
an editor publishes; the public API then serves exactly the approved text.
"""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from articles.models import Article, Review
from tests.factories import ArticleFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct horse battery staple"  # tests/factories.py gives every user this one
SECTIONS = [
    ("Why the knee hurts", "The kneecap rubs on the thigh bone when the muscles are tight."),
    ("What helps at home", "Rest for a few days and put ice on the knee for 15 minutes."),
    ("When to see a doctor", "See a doctor if the knee swells or gives way."),
]
FIXED_BODY = "Rest for two or three days and put ice on the knee for 15 minutes at a time."


@pytest.fixture
def site(publish, writer):
    TagFactory(name="Knee Pain", slug="knee-pain")
    TagFactory(name="Running", slug="running")
    related = ArticleFactory(author=writer, title="Shin splints", slug="shin-splints")
    SectionFactory(article=related)
    publish(related)


def signed_in(browser, live_server, steps, user, javascript=True):
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, java_script_enabled=javascript
    )
    page = context.new_page()
    steps.pages.append(page)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("Log out")
    steps.shot(page, f"{user.username} signed in")
    return page


def pick(page, field_row, text):
    """Choose `text` in the autocomplete (select2) widget inside `field_row`."""
    field_row.locator(".select2-selection").first.click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def write_article(page, live_server, steps):
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_title", "Knee pain when running")
    page.fill("#id_summary", "Why runners get sore knees and what helps.")
    page.fill("#id_intro", "Many runners feel a dull ache around the kneecap.")
    pick(page, page.locator(".field-tags"), "Knee Pain")
    pick(page, page.locator(".field-tags"), "Running")
    for index, (heading, body) in enumerate(SECTIONS):
        if index:
            page.locator("#sections-group .add-row a").click()
        page.fill(f"#id_sections-{index}-heading", heading)
        page.fill(f"#id_sections-{index}-body", body)
    page.locator("#related_topics-group .add-row a").click()
    pick(page, page.locator("#related_topics-0"), "Shin splints")
    steps.shot(page, "writer filled in the article")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    steps.shot(page, "writer saved the draft")


def submit_for_review(page, steps, comment):
    page.locator(".object-tools a", has_text="Submit for review").click()
    page.get_by_label("Jane Roe").check()
    page.fill("#id_comment", comment)
    steps.shot(page, "writer chose the reviewer")
    page.locator("input[type=submit][value='Submit for review']").click()
    expect(page.locator(".messagelist")).to_contain_text("Submitted for review")
    steps.shot(page, "writer submitted")


def open_review(page, live_server, steps):
    page.goto(f"{live_server.url}/admin/")
    steps.shot(page, "reviewer home page")
    page.locator(".dashboard-panel", has_text="Waiting for my review").get_by_role(
        "link", name="Knee pain when running"
    ).click()
    expect(page.locator("#content")).to_contain_text("Reading grade")
    steps.shot(page, "reviewer opened the review")


def test_an_article_goes_from_blank_to_published_through_the_admin(
    in_browser, live_server, steps, site, writer, reviewer, editor
):
    in_browser(lambda browser: walk_through(browser, live_server, steps, writer, reviewer, editor))

    document = Client().get("/api/v1/articles/knee-pain-when-running/").json()
    approved = Review.objects.get(
        decision="approved", revision__article__slug="knee-pain-when-running"
    ).revision.snapshot
    expected_bodies = [body for _, body in SECTIONS]
    expected_bodies[1] = FIXED_BODY
    assert [s["heading"] for s in document["sections"]] == [h for h, _ in SECTIONS]
    assert [s["html"] for s in document["sections"]] == [f"<p>{b}</p>\n" for b in expected_bodies]
    assert [s["body"] for s in approved["sections"]] == expected_bodies
    assert document["title"] == approved["title"] == "Knee pain when running"
    assert [t["slug"] for t in document["tags"]] == ["knee-pain", "running"]
    assert [t["slug"] for t in document["related_topics"]] == ["shin-splints"]
    assert document["reviewer"]["name"] == "Jane Roe"


def walk_through(browser, live_server, steps, writer, reviewer, editor):
    """Every step in the browser, each one screenshotted."""
    writer_page = signed_in(browser, live_server, steps, writer)
    write_article(writer_page, live_server, steps)
    submit_for_review(writer_page, steps, "Ready for a first look.")

    reviewer_page = signed_in(browser, live_server, steps, reviewer)
    open_review(reviewer_page, live_server, steps)
    reviewer_page.fill("#id_comment", "Say how long to rest, in days.")
    reviewer_page.locator("input[name=request_changes]").click()
    expect(reviewer_page.locator(".messagelist")).to_contain_text("Your review is recorded")
    steps.shot(reviewer_page, "reviewer requested changes")

    article = Article.objects.get(slug="knee-pain-when-running")
    writer_page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    expect(writer_page.locator("#content")).to_contain_text("Changes requested")
    writer_page.fill("#id_sections-1-body", FIXED_BODY)
    writer_page.click("input[name=_continue]")
    expect(writer_page.locator(".messagelist")).to_contain_text("was changed successfully")
    steps.shot(writer_page, "writer made the change")
    submit_for_review(writer_page, steps, "Added the number of days.")

    open_review(reviewer_page, live_server, steps)
    expect(reviewer_page.locator(".article-preview")).to_contain_text(FIXED_BODY)
    reviewer_page.fill("#id_comment", "Accurate and clear.")
    reviewer_page.locator("input[name=approve]").click()
    expect(reviewer_page.locator(".messagelist")).to_contain_text("Your review is recorded")
    steps.shot(reviewer_page, "reviewer approved")

    editor_page = signed_in(browser, live_server, steps, editor)
    editor_page.goto(f"{live_server.url}/admin/")
    editor_page.locator(".dashboard-panel", has_text="Approved, ready to publish").get_by_role(
        "link", name="Knee pain when running"
    ).click()
    editor_page.locator(".object-tools a", has_text=re.compile("^Publish$")).click()
    steps.shot(editor_page, "editor about to publish")
    editor_page.locator("input[type=submit][value='Publish']").click()
    expect(editor_page.locator(".messagelist")).to_contain_text("Published")
    steps.shot(editor_page, "editor published")
    editor_page.goto(f"{live_server.url}/api/v1/articles/knee-pain-when-running/")
    steps.shot(editor_page, "the public API serves the approved text")
