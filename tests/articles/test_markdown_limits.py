"""Markdown that is cheap to send and dear to render: the limits on a section and on an article,
the same through the editorial API, the admin and the importer.

Most tests lower the limits (pytest-django's `settings`) so that the texts stay small; the last
ones use the real defaults, to show content just within them saves and renders.
"""

import pytest
from django.test import Client

from articles import preview
from articles.demo_content import ARTICLES as DEMO_ARTICLES
from articles.importing import import_file
from articles.markdown_limits import check_article
from articles.models import Article
from tests.articles.test_admin_workflow import admin_form_data, as_user, change_url
from tests.articles.test_editorial_api import client_for, new_article_payload, url
from tests.articles.test_import import good_line, write
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v1/editorial/articles/"


@pytest.fixture
def small_limits(settings):
    settings.MARKDOWN_SECTION_MAX_KB = 2
    settings.MARKDOWN_ARTICLE_MAX_KB = 3
    settings.MARKDOWN_TABLE_MAX_CELLS = 20
    settings.MARKDOWN_MAX_NESTING = 3
    settings.MARKDOWN_ARTICLE_MAX_LINKS = 10
    settings.MARKDOWN_ARTICLE_MAX_ELEMENTS = 400
    return settings


def table(columns, rows):
    header = "|" + "|".join(f"c{n}" for n in range(columns)) + "|\n"
    delimiter = "|" + "|".join("-" for _ in range(columns)) + "|\n"
    return header + delimiter + "".join("|" + "x|" * columns + "\n" for _ in range(rows))


def nested_list(depth):
    return "".join("  " * level + f"- level {level + 1}\n" for level in range(depth))


# One body per limit a single section can break, with what the sentence must say.
SECTION_OVER_LIMIT = {
    "size": ("word " * 600, ["is 3 KB of Markdown", "at most 2 KB"]),
    "table cells": (table(5, 4), ["a table of 25 cells", "at most 20"]),
    # A short header row is padded to its width in every row: 5 bytes a row, 50 cells.
    "padded table": (table(50, 0) + "x\n" * 3, ["a table of 200 cells", "at most 20"]),
    "nesting": (nested_list(4), ["nested 4 deep", "at most 3 levels"]),
    "nested quotes": ("> " * 5 + "deep", ["nested 5 deep", "at most 3 levels"]),
}
# What only the whole article can break, spread over two sections each within its own limits.
ARTICLE_OVER_LIMIT = {
    "size": ("word " * 350, ["is 4 KB of Markdown", "at most 3 KB", 'section "A" (2 KB)']),
    "links": ("[a](https://example.org/) " * 6, ["12 links and images", "at most 10"]),
    "brackets": ("[a " * 11, ['22 square brackets "["', "at most 20"]),
    "emphasis marks": ("_a " * 201, ['402 emphasis marks ("_" and "*")', "at most 400"]),
    "elements": ("*a*\n" * 60, ["more than 400 Markdown elements", 'goes over in section "B"']),
}


def two_sections(body):
    return [{"heading": "A", "body": body}, {"heading": "B", "body": body}]


# The editorial API ---------------------------------------------------------------------------


@pytest.mark.parametrize("limit", SECTION_OVER_LIMIT)
def test_the_api_refuses_a_section_over_a_limit_naming_the_section_and_the_limit(
    writer, small_limits, limit
):
    body, expected = SECTION_OVER_LIMIT[limit]
    sections = [{"heading": "Causes", "body": "Fine."}, {"heading": "Symptoms", "body": body}]
    response = client_for(writer).post(
        ARTICLES, new_article_payload(sections=sections, related_topics=[], tags=[]), format="json"
    )
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid" and data["detail"]
    assert data["errors"]["sections"][0] == {}
    [sentence] = data["errors"]["sections"][1]["body"]
    assert sentence.startswith('Section "Symptoms"')
    assert all(part in sentence for part in expected), sentence
    assert not Article.objects.exists()


@pytest.mark.parametrize("limit", ARTICLE_OVER_LIMIT)
def test_the_api_refuses_an_article_over_a_limit_of_the_whole(writer, small_limits, limit):
    body, expected = ARTICLE_OVER_LIMIT[limit]
    payload = new_article_payload(sections=two_sections(body), related_topics=[], tags=[])
    response = client_for(writer).post(ARTICLES, payload, format="json")
    assert response.status_code == 400
    [sentence] = response.json()["errors"]["non_field_errors"]
    assert all(part in sentence for part in expected), sentence
    assert not Article.objects.exists()


def test_the_api_refuses_an_intro_over_the_size_limit(writer, small_limits):
    payload = new_article_payload(intro="word " * 500, related_topics=[], tags=[])
    response = client_for(writer).post(ARTICLES, payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["intro"] == [
        "The intro is 3 KB of Markdown; an intro may have at most 2 KB."
    ]


def test_an_intro_sent_alone_counts_with_the_stored_sections(writer, small_limits):
    article = ArticleFactory(author=writer, intro="")
    SectionFactory(article=article, heading="Stored", body="word " * 350)
    SectionFactory(article=article, heading="Also stored", body="word " * 350)
    response = client_for(writer).patch(
        url(article), {"intro": "word " * 350, "version": article.version}, format="json"
    )
    assert response.status_code == 400
    [sentence] = response.json()["errors"]["non_field_errors"]
    assert "is 6 KB of Markdown" in sentence and "at most 3 KB" in sentence
    article.refresh_from_db()
    assert article.intro == ""


def test_stored_content_over_a_limit_sent_again_unchanged_is_explained(writer, small_limits):
    article = ArticleFactory(author=writer)
    SectionFactory(article=article, heading="Dosing", body=table(5, 4))  # saved before limits
    sections = [{"heading": "Dosing", "anchor": "dosing", "body": table(5, 4)}]
    response = client_for(writer).patch(
        url(article), {"sections": sections, "version": article.version}, format="json"
    )
    assert response.status_code == 400
    [sentence] = response.json()["errors"]["sections"][0]["body"]
    assert sentence == (
        'Section "Dosing" has a table of 25 cells (its header row included); a table may have '
        "at most 20."
    )
    # and the working copy it cannot save still previews
    token = preview.issue_token(article=article)
    assert Client().get(f"/api/v1/preview/{token}/").status_code == 200


# The admin -----------------------------------------------------------------------------------


@pytest.fixture
def admin_article(writer):
    article = ArticleFactory(author=writer, title="Hip pain")
    SectionFactory(article=article, heading="Symptoms", body="Aching.")
    return article


@pytest.mark.parametrize("limit", SECTION_OVER_LIMIT)
def test_the_admin_shows_a_section_over_a_limit_on_that_section_and_keeps_the_text(
    client, writer, admin_article, small_limits, limit
):
    body, expected = SECTION_OVER_LIMIT[limit]
    data = admin_form_data(admin_article) | {"sections-0-body": body}
    response = as_user(client, writer).post(change_url(admin_article), data)
    assert response.status_code == 200  # the form again, not a redirect
    section_form = response.context["inline_admin_formsets"][0].formset.forms[0]
    [sentence] = section_form.errors["body"]
    assert sentence.startswith('Section "Symptoms"')
    assert all(part in sentence for part in expected), sentence
    assert section_form["body"].value() == body  # nothing the writer typed is lost
    assert admin_article.sections.get().body == "Aching."


@pytest.mark.parametrize("limit", ARTICLE_OVER_LIMIT)
def test_the_admin_shows_an_article_over_a_limit_of_the_whole(
    client, writer, admin_article, small_limits, limit
):
    body, expected = ARTICLE_OVER_LIMIT[limit]
    data = admin_form_data(admin_article) | {
        "intro": "",
        "sections-TOTAL_FORMS": "2",
        "sections-0-heading": "A",
        "sections-0-body": body,
        "sections-1-heading": "B",
        "sections-1-body": body,
        "sections-1-order": "2",
    }
    response = as_user(client, writer).post(change_url(admin_article), data)
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    [sentence] = formset.non_form_errors()
    assert all(part in sentence for part in expected), sentence
    assert admin_article.sections.count() == 1


def test_the_admin_shows_an_intro_over_the_size_limit_on_the_intro(
    client, writer, admin_article, small_limits
):
    intro = "word " * 500
    data = admin_form_data(admin_article) | {"intro": intro}
    response = as_user(client, writer).post(change_url(admin_article), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["intro"] == [
        "The intro is 3 KB of Markdown; an intro may have at most 2 KB."
    ]
    assert form["intro"].value() == intro


# The importer --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"sections": [{"heading": "Symptoms", "body": "word " * 600}]}, 'Section "Symptoms" is'),
        ({"sections": [{"heading": "Dosing", "body": table(5, 4)}]}, "a table of 25 cells"),
        ({"sections": [{"heading": "Steps", "body": nested_list(4)}]}, "nested 4 deep"),
        ({"intro": "word " * 500}, "The intro is 3 KB"),
        ({"sections": two_sections("word " * 350)}, "at most 3 KB"),
    ],
)
def test_the_importer_reports_a_line_over_a_limit_and_writes_nothing_of_it(
    tmp_path, small_limits, changes, reason
):
    bad = good_line("too-dear", **changes)
    path = write(tmp_path / "a.jsonl", [good_line("first"), bad, good_line("third")])
    report = import_file(path, publish=True)
    [error] = report.errors
    assert error.startswith("line 2: ") and reason in error, error
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["first", "third"]


# Content just within the real limits ---------------------------------------------------------


def test_the_demo_articles_are_far_within_the_limits():
    for article in DEMO_ARTICLES:
        sections = [(section[0], section[1]) for section in article["sections"]]
        assert not check_article(article["intro"], sections), article["slug"]


def test_content_just_within_the_limits_saves_and_renders(writer, settings):
    widest = table(50, 39)  # 50 columns by 40 rows: 2,000 cells, the limit
    deepest = nested_list(settings.MARKDOWN_MAX_NESTING)
    links = "[source](https://example.org/) " * 400
    sections = [
        {"heading": "Table", "body": widest},
        {"heading": "Steps", "body": deepest},
        {"heading": "Sources", "body": links},
        {"heading": "Long", "body": ("A long sentence of plain prose. " * 3120)[:99_990]},
    ]
    payload = new_article_payload(sections=sections, related_topics=[], tags=[])
    response = client_for(writer).post(ARTICLES, payload, format="json")
    assert response.status_code == 201, response.json()
    article = Article.objects.get(slug="shin-splints")
    token = preview.issue_token(article=article)
    document = Client().get(f"/api/v1/preview/{token}/").json()
    html = {section["heading"]: section["html"] for section in document["sections"]}
    assert html["Table"].count("<td>") == 50 * 39
    assert f"level {settings.MARKDOWN_MAX_NESTING}" in html["Steps"]
    assert html["Sources"].count("<a ") == 400
