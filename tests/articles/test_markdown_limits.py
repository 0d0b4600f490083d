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
    settings.MARKDOWN_ARTICLE_MAX_HTML_TAGS = 40
    settings.MARKDOWN_ARTICLE_MAX_HTML_FORMATTING_TAGS = 5
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
    # One block of raw HTML is one Markdown element, whatever it holds.
    "raw HTML tags": ("<div>\n" + "<ul>" * 20, ["42 raw HTML tags", "at most 40"]),
    "formatting tags with attributes": (
        '<div>\n<b id="1"><i class=x><u/title=y>',
        ["6 raw HTML formatting tags with attributes", "at most 5"],
    ),
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
        ({"sections": two_sections("<div>\n" + "<ul>" * 20)}, "42 raw HTML tags"),
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


# Raw HTML ------------------------------------------------------------------------------------

# The hole found after the limits landed: one block of raw HTML is one Markdown element, so
# 99 KB of "<ul>" nested 24,748 deep in the intro and in each of three sections passed, took
# 2.4 s to save and 6.1 s to preview.
UL_BOMB = "<div>\n" + "<ul>" * 24748


def test_the_api_refuses_raw_html_nested_tens_of_thousands_deep(writer):
    sections = [{"heading": f"Part {n}", "body": UL_BOMB} for n in range(1, 4)]
    payload = new_article_payload(intro=UL_BOMB, sections=sections, related_topics=[], tags=[])
    response = client_for(writer).post(ARTICLES, payload, format="json")
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid" and data["detail"]
    assert data["errors"]["non_field_errors"] == [
        "The article has 98,996 raw HTML tags (HTML typed into its text: each opening and "
        "closing tag, such as <b> and </b>, counts); an article may have at most 2,000. Write "
        "its formatting in Markdown or simplify the HTML."
    ]
    assert not Article.objects.exists()


def test_the_admin_refuses_raw_html_nested_tens_of_thousands_deep(client, writer, admin_article):
    data = admin_form_data(admin_article) | {"intro": UL_BOMB, "sections-0-body": UL_BOMB}
    response = as_user(client, writer).post(change_url(admin_article), data)
    assert response.status_code == 200
    [sentence] = response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert "49,498 raw HTML tags" in sentence and "at most 2,000" in sentence, sentence
    assert response.context["adminform"].form["intro"].value() == UL_BOMB
    assert admin_article.sections.get().body == "Aching."


def test_the_importer_refuses_raw_html_nested_tens_of_thousands_deep(tmp_path):
    bad = good_line("ul-bomb", intro=UL_BOMB, sections=[{"heading": "Part", "body": UL_BOMB}])
    path = write(tmp_path / "a.jsonl", [good_line("first"), bad])
    report = import_file(path, publish=True)
    [error] = report.errors
    assert error.startswith("line 2: ") and "49,498 raw HTML tags" in error, error
    assert list(Article.objects.values_list("slug", flat=True)) == ["first"]


def raw_html_tags_problem(intro, settings):
    """The sentence about raw HTML tags for an article of just this intro, or None."""
    settings.MARKDOWN_ARTICLE_MAX_HTML_TAGS = 40
    settings.MARKDOWN_ARTICLE_MAX_LINKS = 1000
    found = [s for s in check_article(intro, []).messages() if "raw HTML tags" in s]
    return found[0] if found else None


@pytest.mark.parametrize(
    "trick",
    [
        "<!-- a comment -->",
        "<!DOCTYPE html>",
        "<![CDATA[ x ]]>",
        "<?php x ?>",
        "</p>",
        "<SUP>",
        '<b title="x">',
    ],
)
def test_every_kind_of_raw_tag_counts_in_blocks_inline_and_table_cells(settings, trick):
    # As a block of its own, inside a paragraph and inside a Markdown table's cells.
    assert "41 raw HTML tags" in raw_html_tags_problem((trick + "\n\n") * 41, settings)
    assert "41 raw HTML tags" in raw_html_tags_problem("x " + trick * 41, settings)
    cells = "|a|b|\n|-|-|\n" + f"|{trick}|x|\n" * 41
    assert "41 raw HTML tags" in raw_html_tags_problem(cells, settings)


def test_an_unclosed_quote_does_not_hide_the_tags_after_it(settings):
    text = '<div title="\n' + "<ul>" * 40
    assert "41 raw HTML tags" in raw_html_tags_problem(text, settings)


@pytest.mark.parametrize(
    "not_a_tag",
    ["`<b>`", "a < b", "x<3", "&lt;b&gt;", "<https://example.org/>", "<me@example.org>"],
)
def test_what_is_not_raw_html_does_not_count(settings, not_a_tag):
    assert raw_html_tags_problem((not_a_tag + "\n\n") * 41, settings) is None


def test_autolinks_count_as_links(small_limits):
    [sentence] = check_article("<https://example.org/> " * 11, []).messages()
    assert "11 links and images" in sentence


def pasted_table(rows):
    """An HTML table as writers paste it: a header row and `rows` rows of three cells with a
    footnote mark and a bold note, 12 tags a row; 1,214 tags for 100 rows."""
    header = "<table>\n<thead>\n<tr><th>Drug</th><th>Dose</th><th>Notes</th></tr>\n</thead>\n"
    row = "<tr><td>Ibuprofen</td><td>400 mg<sup>1</sup></td><td><b>with food</b></td></tr>\n"
    return header + "<tbody>\n" + row * rows + "</tbody>\n</table>\n"


def test_raw_html_up_to_the_limit_saves_and_renders_and_one_tag_more_is_refused(writer, settings):
    table = pasted_table(100)
    styled = '<b class="note">Note</b> ' * settings.MARKDOWN_ARTICLE_MAX_HTML_FORMATTING_TAGS
    padding = "<br>" * (settings.MARKDOWN_ARTICLE_MAX_HTML_TAGS - 1214 - styled.count("<"))
    sections = [
        {"heading": "Doses", "body": table},
        {"heading": "Notes", "body": f"{styled}\n\nSee the table.{padding}"},
    ]
    payload = new_article_payload(sections=sections, related_topics=[], tags=[])
    one_more = dict(
        payload, sections=[sections[0], {**sections[1], "body": "<br>" + sections[1]["body"]}]
    )
    response = client_for(writer).post(ARTICLES, one_more, format="json")
    assert response.status_code == 400
    assert "2,001 raw HTML tags" in response.json()["errors"]["non_field_errors"][0]

    response = client_for(writer).post(ARTICLES, payload, format="json")
    assert response.status_code == 201, response.json()
    article = Article.objects.get(slug="shin-splints")
    token = preview.issue_token(article=article)
    document = Client().get(f"/api/v1/preview/{token}/").json()
    html = {section["heading"]: section["html"] for section in document["sections"]}
    assert html["Doses"].count("<tr>") == 101
    assert html["Doses"].count("<sup>1</sup>") == 100
    assert html["Notes"].count("<b>Note</b>") == 50
