"""The database itself refuses rows that break the content model's rules."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from articles.models import Article, Reference, RelatedTopic, Section
from tests.factories import (
    ArticleFactory,
    ReferenceFactory,
    RelatedTopicFactory,
    SectionFactory,
    TagFactory,
    stored_image,
)

pytestmark = pytest.mark.django_db


def refused(**kwargs):
    """Expect the database to refuse what runs inside the block, and keep the test usable."""
    return pytest.raises(kwargs.get("errors", IntegrityError))


def test_article_slugs_are_unique():
    ArticleFactory(slug="knee-pain")
    with refused(), transaction.atomic():
        ArticleFactory(slug="knee-pain")


def test_article_slug_cannot_be_empty():
    with refused(), transaction.atomic():
        ArticleFactory(slug="")


def test_summary_longer_than_300_characters_is_refused():
    with refused(errors=(IntegrityError, DataError)), transaction.atomic():
        ArticleFactory(summary="x" * 301)
    assert ArticleFactory(summary="x" * 300).summary == "x" * 300


def test_unknown_state_is_refused():
    article = ArticleFactory()
    with refused(), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(state="live")


def test_an_image_without_alt_text_is_refused():
    image = stored_image()
    with refused(), transaction.atomic():
        type(image).objects.filter(pk=image.pk).update(alt="")


def test_an_image_without_alt_text_fails_model_validation_with_a_sentence():
    image = stored_image()
    image.alt = ""
    with pytest.raises(ValidationError, match="Alt text is required"):
        image.validate_constraints()


def test_a_focal_point_must_be_inside_the_image():
    image = stored_image()
    with refused(), transaction.atomic():
        type(image).objects.filter(pk=image.pk).update(focal_x=1.5, focal_y=0.5)
    with refused(), transaction.atomic():
        type(image).objects.filter(pk=image.pk).update(focal_x=0.5)


def test_section_positions_are_unique_within_an_article():
    section = SectionFactory(position=1)
    SectionFactory(position=1)  # another article may use the same position
    with refused(), transaction.atomic():
        SectionFactory(article=section.article, position=1)


def test_section_anchors_are_unique_within_an_article():
    section = SectionFactory(anchor="rest")
    SectionFactory(anchor="rest")
    with refused(), transaction.atomic():
        Section.objects.bulk_create(
            [Section(article=section.article, position=9, heading="Rest", anchor="rest")]
        )


def test_section_anchor_cannot_be_empty():
    section = SectionFactory()
    with refused(), transaction.atomic():
        Section.objects.filter(pk=section.pk).update(anchor="")


def test_an_article_is_not_related_to_itself():
    article = ArticleFactory()
    with refused(), transaction.atomic():
        RelatedTopicFactory(from_article=article, to_article=article)


def test_a_related_pair_appears_once():
    topic = RelatedTopicFactory()
    with refused(), transaction.atomic():
        RelatedTopicFactory(from_article=topic.from_article, to_article=topic.to_article)


def test_related_topic_positions_are_unique_within_an_article():
    topic = RelatedTopicFactory(position=1)
    with refused(), transaction.atomic():
        RelatedTopicFactory(from_article=topic.from_article, position=1)


def test_reference_positions_are_unique_within_an_article():
    reference = ReferenceFactory(position=1)
    with refused(), transaction.atomic():
        ReferenceFactory(article=reference.article, position=1)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.com/a", "data:text/html,x"])
def test_references_must_be_web_addresses(url):
    article = ArticleFactory()
    with refused(), transaction.atomic():
        Reference.objects.create(article=article, position=1, label="Bad", url=url)


def test_a_tag_is_attached_to_an_article_once():
    article = ArticleFactory()
    tag = TagFactory()
    article.tags.add(tag)
    with refused(), transaction.atomic():
        article.tagged_items.create(tag=tag)


def test_unknown_tag_kind_is_refused():
    tag = TagFactory()
    with refused(), transaction.atomic():
        type(tag).objects.filter(pk=tag.pk).update(kind="mood")


def test_review_interval_must_be_sensible():
    with refused(), transaction.atomic():
        ArticleFactory(review_interval_months=0)


def test_deleting_an_article_removes_its_parts_and_the_cards_pointing_to_it():
    topic = RelatedTopicFactory()
    SectionFactory(article=topic.to_article)
    topic.to_article.delete()
    assert not RelatedTopic.objects.exists()
    assert not Section.objects.exists()
