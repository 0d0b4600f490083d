"""Issue #18, point 3: the review queue opens on "pending, assigned to me", oldest first, with
each review's risk at a glance, and the admin home's review panel links there."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, PublishedArticle, Review
from articles.word_diff import changed_word_count
from tests.factories import ArticleFactory, SectionFactory, edit

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:articles_review_changelist")


def new_article(writer, slug, body="Overuse and rest."):
    article = ArticleFactory(author=writer, slug=slug, title=slug.replace("-", " ").title())
    SectionFactory(article=article, heading="Causes", body=body)
    return Article.objects.get(pk=article.pk)


def submit(article, by, reviewer):
    article = workflow.submit(article=article, by=by, reviewers=[reviewer.reviewer_profile])
    return Review.objects.get(revision=article.current_revision, decision="pending")


def rows(response):
    return list(response.context["cl"].result_list)


def test_reviewers_open_on_their_pending_reviews_oldest_first(
    client, writer, reviewer, second_reviewer
):
    first = submit(new_article(writer, "knee-pain"), writer, reviewer)
    second = submit(new_article(writer, "hip-pain"), writer, reviewer)
    submit(new_article(writer, "neck-pain"), writer, second_reviewer)  # someone else's
    decided = submit(new_article(writer, "back-pain"), writer, reviewer)
    workflow.approve(review=decided, by=reviewer, comment="Fine.")
    client.force_login(reviewer)

    assert rows(client.get(QUEUE)) == [first, second]
    everything = client.get(QUEUE + "?assigned=all&decision=all")
    assert len(rows(everything)) == 3  # reviewers only ever see their own reviews
    assert 'href="?assigned=all"' in client.get(QUEUE).text  # "All" widens the filter


def test_the_kind_column_tells_a_new_article_from_an_edit_of_a_live_one_and_a_recertification(
    client, writer, reviewer, live
):
    first = submit(new_article(writer, "knee-pain"), writer, reviewer)
    second = submit(edit(live, writer, summary="Updated."), writer, reviewer)
    client.force_login(reviewer)
    html = client.get(QUEUE).text
    assert "New article" in html and "Re-review of a live article" in html
    assert first.revision.compared_with_id is None
    assert second.revision.compared_with_id == live.live_revision_id


def test_a_recertification_is_labelled_so_and_red_when_overdue(client, writer, reviewer, live):
    PublishedArticle.objects.filter(article=live).update(
        next_review_due=timezone.localdate() - datetime.timedelta(days=3)
    )
    workflow.recertify(
        article=Article.objects.get(pk=live.pk), by=writer, reviewers=[reviewer.reviewer_profile]
    )
    client.force_login(reviewer)
    html = client.get(QUEUE).text
    assert '<strong class="errornote">Re-certification, overdue since' in html
    assert "Unchanged" in html


def test_the_size_of_the_change_is_counted_in_words_against_the_live_version(
    client, writer, reviewer, live
):
    changed = edit(live, writer, summary=live.summary + " Runners and cyclists get it too.")
    review = submit(changed, writer, reviewer)
    assert review.revision.changed_words == 6
    client.force_login(reviewer)
    assert "6 words" in client.get(QUEUE).text


def test_a_new_article_counts_all_its_words():
    snapshot = {
        "title": "Knee pain", "slug": "knee-pain", "summary": "Why.", "tags": [],
        "review_interval_months": 12, "intro": "Knees hurt.", "sections": [],
        "related_topics": [], "references": [],
    }  # fmt: skip
    assert changed_word_count(None, snapshot) == 5  # Knee pain, Why., Knees hurt.
    assert changed_word_count(snapshot, {**snapshot, "intro": "Knees ache."}) == 1
    assert changed_word_count(snapshot, snapshot) == 0


def test_the_queue_costs_the_same_queries_for_one_review_or_many(
    client, writer, reviewer, django_assert_num_queries
):
    submit(new_article(writer, "knee-pain"), writer, reviewer)
    client.force_login(reviewer)
    client.get(QUEUE)  # session and permissions warmed up
    with CaptureQueriesContext(connection) as one:
        client.get(QUEUE)
    for slug in ["hip-pain", "neck-pain", "back-pain", "calf-cramps"]:
        submit(new_article(writer, slug), writer, reviewer)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(rows(client.get(QUEUE))) == 5


def test_the_home_pages_review_panel_links_to_the_queue_as_it_opens(client, writer, reviewer):
    submit(new_article(writer, "knee-pain"), writer, reviewer)
    client.force_login(reviewer)
    html = client.get(reverse("admin:index")).text
    assert f'href="{QUEUE}?assigned=me&amp;decision=pending"' in html


def test_a_resubmission_is_counted_against_the_revision_sent_back(client, writer, reviewer):
    """The queue counts what the reviewer has not read yet, as the review page compares it:
    a new article sent back and resubmitted with one word changed is one word, not all."""
    article = ArticleFactory(author=writer, slug="calf-pain", intro="Calves ache after runs.")
    SectionFactory(article=article)
    first = submit(article, writer, reviewer)
    workflow.request_changes(review=first, by=reviewer, comment="Say when.")
    resubmitted = submit(
        edit(article, writer, intro="Calves ache after long runs."), writer, reviewer
    )
    assert resubmitted.revision.changed_words == 1
    client.force_login(reviewer)
    assert "1 word<" in client.get(QUEUE).text
