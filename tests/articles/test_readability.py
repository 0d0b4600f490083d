"""The reading grade shown to reviewers, and the warnings a writer sees before submitting."""

import pytest
from django.urls import reverse

from articles import workflow
from articles.models import Review
from articles.readability import readability, syllables
from articles.submission_checks import submission_warnings
from tests.factories import ArticleFactory, RelatedTopicFactory, SectionFactory, stored_image

PLAIN = "Rest your knee. Put ice on it. Walk a bit each day. Call us if it gets worse."
DENSE = (
    "Patellofemoral pain syndrome, characterized by retropatellar or peripatellar discomfort "
    "exacerbated by activities increasing patellofemoral joint reaction forces, frequently "
    "necessitates comprehensive biomechanical evaluation and individualized rehabilitation."
)


@pytest.mark.parametrize(
    ("word", "count"),
    [("knee", 1), ("rest", 1), ("ice", 1), ("swelling", 2), ("physician", 3), ("ibuprofen", 4)],
)
def test_syllables_are_counted_by_vowel_groups(word, count):
    assert syllables(word) == count


def test_plain_patient_text_reads_below_grade_eight_and_dense_text_far_above():
    plain, dense = readability(PLAIN), readability(DENSE)
    assert plain.words == 18 and plain.sentences == 4
    assert plain.grade < 3 and plain.suits_patients
    assert dense.grade > 20 and not dense.suits_patients


def test_text_without_words_has_no_grade():
    assert readability("  ... 42 ") is None


@pytest.mark.django_db
def test_reviewers_see_the_grade_beside_the_diff(client, writer, reviewer):
    article = ArticleFactory(author=writer, intro=DENSE)
    SectionFactory(article=article, body=DENSE)
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    review = Review.objects.get()
    client.force_login(reviewer)
    html = client.get(reverse("admin:articles_review_decide", args=[review.pk])).content.decode()
    grade = readability(f"{DENSE}\n{DENSE}").grade
    assert f"Reading grade <strong>{grade}</strong>" in html
    assert "should read at grade 8 or below" in html
    assert "A new article, not live yet" in html


@pytest.mark.django_db
def test_the_preview_names_the_reviewer_it_awaits(client, writer, reviewer):
    article = ArticleFactory(author=writer)
    SectionFactory(article=article, body=PLAIN)
    client.force_login(writer)
    url = reverse("admin:articles_article_preview", args=[article.pk])
    assert "Not yet reviewed by a physician" in client.get(url).content.decode()
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    assert "Awaiting review by Jane Roe" in client.get(url).content.decode()
    workflow.approve(review=Review.objects.get(), by=reviewer)
    assert "Reviewed by Jane Roe" in client.get(url).content.decode()


@pytest.mark.django_db
def test_submitting_warns_of_each_problem_a_reader_would_notice(client, writer, reviewer):
    hidden = ArticleFactory(author=writer, title="Shin splints", slug="shin-splints")
    hero = stored_image(alt="IMG_2041.jpg")
    article = ArticleFactory(author=writer, summary="x" * 200, hero_image=hero, intro=DENSE)
    SectionFactory(article=article, body="See [this](article:nowhere).")
    RelatedTopicFactory(from_article=article, to_article=hidden)
    warnings = submission_warnings(article)
    assert len(warnings) == 5, warnings
    assert "Link readers cannot follow" in warnings[0] and "nowhere" in warnings[0]
    assert "“Shin splints” is not published" in warnings[1]
    assert "“IMG_2041.jpg” does not describe it" in warnings[2]
    assert "200 characters" in warnings[3]
    assert "grade 8 or below" in warnings[4]
    client.force_login(writer)
    html = client.get(reverse("admin:articles_article_move", args=[article.pk, "submit"]))
    assert "Check these before submitting" in html.content.decode()
    assert "does not describe it" in html.content.decode()


@pytest.mark.django_db
def test_a_clean_article_has_no_warnings(writer):
    article = ArticleFactory(author=writer, summary="Short and clear.", intro=PLAIN)
    SectionFactory(article=article, body=PLAIN)
    assert submission_warnings(article) == []
