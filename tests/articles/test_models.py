"""Derived fields of the content model: anchors, word counts, reading time, link checks."""

import pytest

from articles.models import Article, Section
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_anchor_is_derived_from_the_heading():
    section = SectionFactory(heading="Inner Thigh Pain When Walking?")
    assert section.anchor == "inner-thigh-pain-when-walking"


def test_repeated_headings_get_distinct_anchors_within_an_article():
    article = ArticleFactory()
    anchors = [SectionFactory(article=article, heading="Treatment").anchor for _ in range(3)]
    assert anchors == ["treatment", "treatment-2", "treatment-3"]
    assert SectionFactory(heading="Treatment").anchor == "treatment"  # another article


def test_anchor_stays_when_the_heading_is_edited():
    section = SectionFactory(heading="Inner thigh pian")
    section.heading = "Inner thigh pain"
    section.save()
    section.refresh_from_db()
    assert section.anchor == "inner-thigh-pian"


def test_clearing_the_anchor_derives_it_again_from_the_heading():
    section = SectionFactory(heading="Old heading")
    section.heading, section.anchor = "New heading", ""
    section.save()
    assert section.anchor == "new-heading"


def test_heading_without_letters_still_gets_an_anchor():
    assert SectionFactory(heading="???").anchor == "section"


def test_word_count_and_reading_time_are_derived_from_intro_and_sections():
    article = ArticleFactory(intro="one two three")
    SectionFactory(article=article, body="word " * 150)
    SectionFactory(article=article, body="word " * 100)
    assert [section.word_count for section in Section.objects.filter(article=article)] == [150, 100]
    assert article.word_count == 253
    assert article.reading_time_minutes == 2


def test_link_problems_name_missing_articles_and_anchors(publish):
    target = ArticleFactory(slug="knee-pain")
    SectionFactory(article=target, heading="Clicking")
    publish(target)
    article = ArticleFactory(intro="See [knee](article:knee-pain#clicking).")
    SectionFactory(article=article, body="[a](article:knee-pain#locking) [b](article:hip-pain)")
    assert article.link_problems() == [
        'article:knee-pain#locking: the article "knee-pain" has no section "#locking".',
        'article:hip-pain: there is no article with the slug "hip-pain".',
    ]


def test_render_resolves_links_in_intro_and_sections_to_the_frontend(publish):
    target = ArticleFactory(slug="knee-pain")
    SectionFactory(article=target, heading="Clicking")
    publish(target)
    article = ArticleFactory(intro="See [knee](article:knee-pain).")
    SectionFactory(article=article, heading="More", body="[c](article:knee-pain#clicking)")
    rendered = article.render()
    assert 'href="https://health.example/articles/knee-pain/"' in rendered.intro_html
    assert rendered.sections[0].anchor == "more"
    assert 'href="https://health.example/articles/knee-pain/#clicking"' in rendered.sections[0].html
    assert rendered.problems == []


def test_absolute_url_is_the_frontend_page(settings):
    settings.FRONTEND_ARTICLE_PATH = "/knowledge-base/{slug}"
    assert ArticleFactory(slug="knee-pain").get_absolute_url() == (
        "https://health.example/knowledge-base/knee-pain"
    )


def test_for_admin_list_reads_authors_and_word_counts_in_one_query(django_assert_num_queries):
    for _ in range(5):
        article = ArticleFactory()
        SectionFactory.create_batch(3, article=article, body="four words right here")
    with django_assert_num_queries(1):
        rows = [(a.author.username, a.word_count) for a in Article.objects.for_admin_list()]
    assert len(rows) == 5
    assert {words for _, words in rows} == {3 + 12}  # "An opening paragraph." + 3 x 4
