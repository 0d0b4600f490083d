"""The review page (/admin/articles/review/N/decide/): the document as readers will see it
beside what changed word by word, who changed it, earlier comments and the submit warnings."""

import pytest
from django.urls import reverse

from articles import workflow
from articles.models import Article, Review
from tests.factories import edit, stored_image

pytestmark = pytest.mark.django_db

NEW_ALT = "A runner icing her hip after a race"


def pending_review(article):
    return Review.objects.get(
        revision=Article.objects.get(pk=article.pk).current_revision, decision="pending"
    )


def re_review(live, writer, reviewer, **changes):
    article = edit(live, writer, **changes)
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    return pending_review(live)


def page(client, user, review):
    client.force_login(user)
    response = client.get(reverse("admin:articles_review_decide", args=[review.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_re_review_shows_the_new_hero_image_and_the_changed_words(client, live, writer, reviewer):
    section = live.sections.get()
    section.body = "Overuse and **bursitis**, mostly in runners."
    section.save()
    image = stored_image(alt=NEW_ALT, credit="Photo: Demo Studio")
    review = re_review(live, writer, reviewer, hero_image=image)
    html = page(client, reviewer, review)
    # The document as readers will see it: hero image with alt text and credit, the section.
    assert f'alt="{NEW_ALT}"' in html and "Photo: Demo Studio" in html
    assert '<h2 id="causes">Causes</h2>' in html
    # What changed, word by word, and the image before and after.
    assert "Changes compared with the live version (revision 1)" in html
    assert "<ins>, mostly in runners</ins>" in html
    assert "<strong>Before</strong>" in html and "<strong>After</strong>" in html
    assert f"Alt text: {NEW_ALT}" in html
    # Who made the changes.
    assert f"<strong>{writer.get_full_name()}</strong>: 1 save," in html


def test_a_changed_sentence_is_marked_ins_and_del_and_html_stays_escaped(
    client, live, writer, reviewer
):
    section = live.sections.get()
    section.body = "Overuse and <script>alert(1)</script> **tendinitis**."
    section.save()
    review = re_review(live, writer, reviewer)
    html = page(client, reviewer, review)
    assert "<del>bursitis</del>" in html and "<ins>tendinitis</ins>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_a_resubmission_compares_with_the_revision_sent_back_and_shows_its_comment(
    client, live, writer, reviewer
):
    first = re_review(live, writer, reviewer, intro="Hip pain is common in runners.")
    workflow.request_changes(review=first, by=reviewer, comment="Say how long to rest.")
    second = re_review(
        Article.objects.get(pk=live.pk), writer, reviewer,
        intro="Hip pain is common in runners. Rest for two days.",
    )  # fmt: skip
    html = page(client, reviewer, second)
    assert "Changes since revision 2, which you sent back" in html
    assert "runners.<ins> Rest for two days.</ins>" in html
    # The live comparison is there too, folded.
    assert "Changes compared with the live version (revision 1)" in html
    assert "Say how long to rest." in html
    assert "changes requested" in html


def test_unchanged_sections_are_collapsed_with_a_line(client, live, writer, reviewer):
    review = re_review(live, writer, reviewer, title="Hip pain in runners")
    html = page(client, reviewer, review)
    assert "1 unchanged section: Causes" in html
    assert "Hip pain<ins> in runners</ins>" in html


def test_the_warnings_the_writer_saw_at_submit_are_shown(client, live, writer, reviewer):
    review = re_review(live, writer, reviewer, summary="Long. " * 40)
    html = page(client, reviewer, review)
    assert "Warnings the writer saw at submit" in html
    assert "The summary has 240 characters" in html


def test_a_new_article_says_there_is_nothing_to_compare(client, writer, reviewer):
    from tests.factories import ArticleFactory

    article = ArticleFactory(author=writer)
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    html = page(client, reviewer, pending_review(article))
    assert "A new article, not live yet" in html


def test_the_writers_note_at_submit_is_shown_to_the_reviewer(client, live, writer, reviewer):
    article = edit(live, writer, summary="A shorter summary.")
    workflow.submit(
        article=article,
        by=writer,
        reviewers=[reviewer.reviewer_profile],
        comment="Tightened the summary, as asked.",
    )
    html = page(client, reviewer, pending_review(live))
    assert "Tightened the summary, as asked." in html


def test_a_recertification_says_nothing_changed_since_its_approval(client, live, editor, reviewer):
    workflow.recertify(article=live, by=editor, reviewers=[reviewer.reviewer_profile])
    html = page(client, reviewer, pending_review(live))
    assert "Nothing changed since it was approved on" in html
    assert "A new article" not in html


def test_a_decision_that_was_not_recorded_says_so_at_the_top(client, live, writer, reviewer):
    review = re_review(live, writer, reviewer, summary="A shorter summary.")
    client.force_login(reviewer)
    url = reverse("admin:articles_review_decide", args=[review.pk])
    html = client.post(url, {"request_changes": "1", "comment": ""}).content.decode()
    top, _form = html.split('id="decision"', 1)
    assert "Your decision was not recorded" in top  # not only at the foot of a long page
    assert Review.objects.get(pk=review.pk).decision == Review.Decision.PENDING
