"""The admin as writers and editors use it."""

import pytest
from django.urls import reverse

from articles.models import Article, Section
from tests.factories import (
    ArticleFactory,
    ReferenceFactory,
    RelatedTopicFactory,
    ReviewerFactory,
    SectionFactory,
    TagFactory,
    stored_image,
)

pytestmark = pytest.mark.django_db


def admin_pages(model_label, obj):
    app_label, model_name = model_label.split(".")
    return [
        reverse(f"admin:{app_label}_{model_name}_changelist"),
        reverse(f"admin:{app_label}_{model_name}_add"),
        reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk]),
    ]


@pytest.fixture
def article(writer):
    article = ArticleFactory(author=writer, slug="inner-thigh-pain", title="Inner thigh pain")
    article.tags.add(TagFactory(name="Hip Pain", slug="hip-pain"))
    SectionFactory(article=article, heading="When walking", body="Mind the **adductors**.")
    SectionFactory(article=article, heading="At night", body="[knee](article:knee-pain)")
    RelatedTopicFactory(from_article=article)
    ReferenceFactory(article=article)
    return article


def test_every_article_and_tag_page_answers_a_writer(writer_client, article):
    tag_changelist, tag_add, tag_change = admin_pages("tags.tag", TagFactory())
    for url in [*admin_pages("articles.article", article), tag_changelist, tag_change]:
        assert writer_client.get(url).status_code == 200, url
    assert writer_client.get(tag_add).status_code == 403  # editors manage tags


def test_pages_keep_their_width_for_content_not_the_side_list_of_models(writer_client, article):
    # The review page and the lists need the 300 px Django's side navigation takes.
    html = writer_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert 'id="nav-sidebar"' not in html and "result_list" in html


def test_writer_can_read_reviewer_pages_but_not_add_reviewers(writer_client):
    reviewer = ReviewerFactory()
    changelist, add, change = admin_pages("reviewers.reviewer", reviewer)
    assert writer_client.get(changelist).status_code == 200
    assert writer_client.get(change).status_code == 200
    assert writer_client.get(add).status_code == 403


def test_every_reviewer_page_answers_an_editor(editor_client):
    for url in admin_pages("reviewers.reviewer", ReviewerFactory()):
        assert editor_client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_the_login_page(client, article):
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=draft", True),
        ("state=published", False),
        ("tag=hip-pain", True),
        ("tag=knee-pain", False),
        ("q=adductors", True),
        ("q=nothing-like-this", False),
    ],
)
def test_changelist_filters_and_searches_section_bodies(writer_client, article, query, expected):
    response = writer_client.get(reverse("admin:articles_article_changelist") + "?" + query)
    assert response.status_code == 200
    assert (article in response.context["cl"].result_list) is expected


def test_changelist_filters_by_author(writer_client, article, other_writer):
    ArticleFactory(author=other_writer, title="Someone else's")
    url = reverse("admin:articles_article_changelist") + f"?author__id__exact={article.author_id}"
    assert list(writer_client.get(url).context["cl"].result_list) == [article]


def test_preview_renders_sanitized_sections_and_reports_broken_links(writer_client, article):
    SectionFactory(article=article, heading="Hostile", body="<script>alert(1)</script>Safe text")
    response = writer_client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>adductors</strong>" in html
    assert 'id="when-walking"' in html and 'href="#when-walking"' in html
    assert "Safe text" in html and "alert(1)" not in html
    assert "Link readers cannot follow: article:knee-pain" in html


def form_data(**fields):
    """POST data for the article form, with no inline rows unless given."""
    data = {
        "title": "Calf cramps",
        "slug": "calf-cramps",
        "summary": "Why calves cramp at night.",
        "intro": "Cramps are common.",
        "review_interval_months": "12",
    }
    for prefix in ("sections", "related_topics", "references"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | fields


def inline_rows(prefix, rows, initial=0):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    return data


def test_writer_creates_an_article_with_sections_tags_related_topics_and_references(
    writer_client, writer
):
    tag = TagFactory(name="Leg Pain", slug="leg-pain")
    target = ArticleFactory(slug="knee-pain")
    data = form_data(tags=[str(tag.pk)])
    data |= inline_rows(
        "sections",
        [
            {"order": "2", "heading": "At night", "anchor": "", "body": "Stretch first."},
            {"order": "1", "heading": "Why", "anchor": "", "body": "Tired **muscles**."},
        ],
    )
    data |= inline_rows("related_topics", [{"order": "", "to_article": str(target.pk)}])
    data |= inline_rows(
        "references", [{"order": "", "label": "Cramps", "url": "https://example.org/cramps"}]
    )
    response = writer_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, [
        f.formset.errors for f in response.context["inline_admin_formsets"]
    ]
    article = Article.objects.get(slug="calf-cramps")
    assert article.author == writer
    assert article.state == Article.State.DRAFT
    assert [(s.position, s.anchor) for s in article.sections.all()] == [(1, "why"), (2, "at-night")]
    assert list(article.tags.all()) == [tag]
    assert [t.to_article for t in article.related_topics.all()] == [target]
    assert article.references.get().position == 1
    # The first save is recorded, so the review page can say who wrote the article.
    assert list(article.edits.values_list("by", flat=True)) == [writer.pk]


def change_data(article, **fields):
    version = type(article).objects.values_list("version", flat=True).get(pk=article.pk)
    data = form_data(
        title=article.title,
        slug=article.slug,
        summary=article.summary,
        intro=article.intro,
        based_on_version=str(version),
    )
    sections = [
        {
            "id": s.pk,
            "article": article.pk,
            "order": s.position,
            "heading": s.heading,
            "anchor": s.anchor,
            "body": s.body,
        }
        for s in article.sections.all()
    ]
    data |= inline_rows("sections", sections, initial=len(sections))
    return data | fields


def test_swapping_two_sections_saves_the_new_order(writer_client, article):
    data = change_data(article)
    data["sections-0-order"], data["sections-1-order"] = "2", "1"
    response = writer_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    assert [s.heading for s in article.sections.all()] == ["At night", "When walking"]
    assert [s.position for s in article.sections.all()] == [1, 2]


def test_deleting_a_section_renumbers_the_rest(writer_client, article):
    SectionFactory(article=article, heading="Third")
    data = change_data(article)
    data["sections-0-DELETE"] = "on"
    writer_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert [(s.position, s.heading) for s in Section.objects.filter(article=article)] == [
        (1, "At night"),
        (2, "Third"),
    ]


def test_an_article_cannot_be_its_own_related_topic(writer_client, article):
    data = change_data(article)
    data |= inline_rows("related_topics", [{"order": "", "to_article": str(article.pk)}])
    response = writer_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert "cannot be a related topic of itself" in response.content.decode()


def test_duplicate_section_anchors_are_a_form_error(writer_client, article):
    data = change_data(article)
    data["sections-1-anchor"] = data["sections-0-anchor"]
    response = writer_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert "Please correct the duplicate data for anchor" in response.content.decode()


def test_summary_over_300_characters_is_a_form_error(writer_client, article):
    data = change_data(article, summary="x" * 301)
    response = writer_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert "at most 300 characters" in response.content.decode()


def test_saving_warns_about_broken_article_links(writer_client, article):
    response = writer_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        change_data(article),
        follow=True,
    )
    messages = [str(message) for message in response.context["messages"]]
    expected = 'article:knee-pain: there is no article with the slug "knee-pain".'
    assert f"Link readers cannot follow: {expected}" in messages


def test_tag_autocomplete_finds_tags_for_the_article_form(writer_client):
    TagFactory(name="Orthopedics", slug="orthopedics")
    TagFactory(name="Sleep", slug="sleep")
    response = writer_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "tags", "term": "orth"},
    )
    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Orthopedics"]


def test_reference_url_without_a_scheme_is_taken_as_https(writer_client, article):
    data = change_data(article)
    data |= inline_rows("references", [{"order": "", "label": "Cramps", "url": "example.org/a"}])
    writer_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert article.references.get(label="Cramps").url == "https://example.org/a"


def test_rows_left_out_of_a_posted_formset_are_not_moved(writer_client, article):
    data = change_data(article)
    data |= inline_rows("references", [{"order": "", "label": "Cramps", "url": "example.org/a"}])
    writer_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert [reference.label for reference in article.references.all()] == [
        "Cramps",
        "Restless Legs",
    ]
    assert [reference.position for reference in article.references.all()] == [1, 2]


def changelist_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:articles_article_changelist")).status_code == 200
    return len(queries)


def test_article_changelist_queries_do_not_grow_with_the_number_of_articles(writer_client):
    ArticleFactory.create_batch(2)
    few = changelist_queries(writer_client)
    for article in ArticleFactory.create_batch(10):
        SectionFactory.create_batch(2, article=article)
    assert changelist_queries(writer_client) == few


def test_change_page_links_to_the_preview_and_not_to_the_frontend_for_a_draft(
    writer_client, article
):
    html = writer_client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    assert reverse("admin:articles_article_preview", args=[article.pk]).encode() in html
    assert b"View on site" not in html


def test_writer_picks_an_uploaded_image_as_the_hero_image(writer_client, article):
    image = stored_image(alt="A runner stretching her calf")
    data = change_data(article, hero_image=str(image.pk))
    response = writer_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.hero_image == image
    html = writer_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert image.file.url in html.content.decode()


def test_saving_over_a_newer_version_is_refused_with_a_form_error(writer_client, article, writer):
    from articles import workflow

    stale = change_data(article, intro="My edit, made on an old page.")
    workflow.begin_edit(article=article, by=writer)  # someone else saved in between
    response = writer_client.post(
        reverse("admin:articles_article_change", args=[article.pk]), stale
    )
    assert response.status_code == 200
    assert "Someone saved this article after you opened it" in response.content.decode()
    article.refresh_from_db()
    assert article.intro != "My edit, made on an old page."


def test_line_breaks_a_browser_sends_do_not_count_as_a_change(writer_client, article):
    """Browsers send a textarea's line breaks as CRLF: an untouched section must stay
    untouched, and what is stored keeps LF whichever way it came."""
    from django.contrib.admin.models import LogEntry

    first, second = article.sections.all()
    Section.objects.filter(pk=first.pk).update(body="Stretch first.\n\nThen walk.")
    Section.objects.filter(pk=second.pk).update(body="Rest.\n\nIce.")
    data = change_data(article, intro="Cramps are common.\r\nMostly at night.")
    data = {key: value.replace("\n", "\r\n") if key.endswith("-body") else value
            for key, value in data.items()}  # fmt: skip
    data["sections-1-body"] = "Rest.\r\n\r\nIce, then heat."
    response = writer_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    assert [s.body for s in article.sections.all()] == [
        "Stretch first.\n\nThen walk.",
        "Rest.\n\nIce, then heat.",
    ]
    assert Article.objects.get(pk=article.pk).intro == "Cramps are common.\nMostly at night."
    change = LogEntry.objects.filter(object_id=str(article.pk)).latest("action_time")
    assert "Changed Body for section “At night”" in change.get_change_message()
    assert "When walking" not in change.get_change_message()
