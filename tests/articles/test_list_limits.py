"""Lists that are cheap to send and dear to store: how many sections, references, related topics
and tags an article may have, and how many reviewers a request for review may name, the same
through the editorial API, the admin and the importer.
"""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import list_limits, workflow
from articles.importing import import_file
from articles.models import Article, WebhookEndpoint
from tests.articles.test_admin_workflow import as_user, change_url
from tests.articles.test_editorial_api import client_for, new_article_payload, url
from tests.articles.test_import import good_line, write
from tests.factories import (
    ArticleFactory,
    ReferenceFactory,
    RelatedTopicFactory,
    ReviewerFactory,
    SectionFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v1/editorial/articles/"
LIMITS = {
    "sections": list_limits.SECTIONS,
    "references": list_limits.REFERENCES,
    "related_topics": list_limits.RELATED_TOPICS,
    "tags": list_limits.TAGS,
}


def sections(count):
    return [{"heading": f"Part {n}", "body": f"Body {n}."} for n in range(count)]


def references(count):
    return [{"label": f"Source {n}", "url": f"https://example.org/{n}"} for n in range(count)]


@pytest.fixture
def targets(writer):
    """Enough tags and articles to fill every list to its limit, and one more."""
    tags = [TagFactory(slug=f"tag-{n}") for n in range(list_limits.TAGS.maximum + 1)]
    articles = [
        ArticleFactory(slug=f"target-{n}", author=writer)
        for n in range(list_limits.RELATED_TOPICS.maximum + 1)
    ]
    return tags, articles


def lists_of(length):
    """Each list of an article, `length` items long (tags and related topics that exist)."""
    return {
        "sections": sections(length),
        "references": references(length),
        "related_topics": [f"target-{n}" for n in range(length)],
        "tags": [f"tag-{n}" for n in range(length)],
    }


# The editorial API ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", LIMITS)
def test_the_api_refuses_a_list_over_its_limit_naming_the_limit(writer, targets, name):
    limit = LIMITS[name]
    payload = new_article_payload(tags=[], related_topics=[])
    payload[name] = lists_of(limit.maximum + 1)[name]
    response = client_for(writer).post(ARTICLES, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]
    assert body["errors"] == {name: [limit.sentence(limit.maximum + 1)]}
    assert not Article.objects.filter(slug=payload["slug"]).exists()


def test_the_sentences_name_the_limit_and_the_count():
    assert list_limits.REFERENCES.sentence(100_000) == (
        "An article may have at most 200 references; this one has 100,000."
    )
    assert list_limits.REVIEWERS.sentence(11) == (
        "A request for review may have at most 10 reviewers; this one has 11."
    )


@pytest.mark.parametrize("name", LIMITS)
def test_an_edit_with_a_list_over_its_limit_is_refused_and_changes_nothing(writer, targets, name):
    article = ArticleFactory(author=writer)
    SectionFactory(article=article, heading="Kept")
    limit = LIMITS[name]
    payload = {name: lists_of(limit.maximum + 1)[name], "version": article.version}
    response = client_for(writer).patch(url(article), payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {name: [limit.sentence(limit.maximum + 1)]}
    assert list(article.sections.values_list("heading", flat=True)) == ["Kept"]


def test_the_issues_100000_references_are_refused_before_any_is_looked_at(writer):
    payload = new_article_payload(tags=[], related_topics=[], references=references(100_000))
    client = client_for(writer)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(ARTICLES, payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["references"] == [
        "An article may have at most 200 references; this one has 100,000."
    ]
    # The token and the user: no reference, tag or article was looked up.
    assert len(queries) <= 2, [query["sql"] for query in queries]


def test_an_article_with_every_list_at_its_limit_is_accepted(writer, targets):
    payload = new_article_payload(**lists_of(0))
    payload |= {name: lists_of(limit.maximum)[name] for name, limit in LIMITS.items()}
    response = client_for(writer).post(ARTICLES, payload, format="json")
    assert response.status_code == 201, response.json()
    article = Article.objects.get(slug=payload["slug"])
    assert article.sections.count() == list_limits.SECTIONS.maximum
    assert article.references.count() == list_limits.REFERENCES.maximum
    assert article.related_topics.count() == list_limits.RELATED_TOPICS.maximum
    assert article.tags.count() == list_limits.TAGS.maximum


def test_the_schema_tells_clients_the_limits(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    write = schema["components"]["schemas"]["ArticleWriteRequest"]["properties"]
    for name, limit in LIMITS.items():
        assert f"t most {limit.maximum}." in write[name]["description"], name
    assert write["tags"]["maxItems"] == list_limits.TAGS.maximum
    assert write["related_topics"]["maxItems"] == list_limits.RELATED_TOPICS.maximum


def test_a_request_for_review_naming_too_many_reviewers_is_refused(writer):
    article = ArticleFactory(author=writer)
    SectionFactory(article=article)
    slugs = [f"reviewer-{n}" for n in range(list_limits.REVIEWERS.maximum + 1)]
    response = client_for(writer).post(url(article, "submit/"), {"reviewers": slugs}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "reviewers": ["A request for review may have at most 10 reviewers; this one has 11."]
    }
    assert Article.objects.get(pk=article.pk).state == Article.State.DRAFT


def test_the_workflow_refuses_too_many_reviewers_whoever_asks(writer):
    article = ArticleFactory(author=writer)
    SectionFactory(article=article)
    reviewers = [
        ReviewerFactory(user=UserFactory(group="Reviewers"))
        for _ in range(list_limits.REVIEWERS.maximum + 1)
    ]
    with pytest.raises(workflow.InvalidInput, match="at most 10 reviewers; this one has 11"):
        workflow.submit(article=article, by=writer, reviewers=reviewers)
    article = workflow.submit(article=article, by=writer, reviewers=reviewers[:10])
    assert article.state == Article.State.IN_REVIEW


# The admin -----------------------------------------------------------------------------------


def inline_rows(prefix, rows):
    """Form data of one inline; rows with an "id" are stored ones and must come first."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(sum("id" in row for row in rows)),
    }
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{field}": value for field, value in row.items()}
    return data


def stored_rows(article):
    """Every row the article's change form shows, as the browser sends it back."""
    return {
        "sections": [
            {"id": s.pk, "article": article.pk, "order": s.position, "heading": s.heading,
             "anchor": s.anchor, "body": s.body}
            for s in article.sections.all()
        ],
        "related_topics": [
            {"id": t.pk, "from_article": article.pk, "order": t.position,
             "to_article": t.to_article_id, "blurb": t.blurb}
            for t in article.related_topics.all()
        ],
        "references": [
            {"id": r.pk, "article": article.pk, "order": r.position, "label": r.label,
             "url": r.url, "publisher": r.publisher}
            for r in article.references.all()
        ],
    }  # fmt: skip


def article_form(article, *, tags=None, **added):
    """The change form of `article` sent back with its stored rows and the `added` new ones."""
    data = {
        "based_on_version": str(Article.objects.get(pk=article.pk).version),
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "intro": article.intro,
        "review_interval_months": "12",
        "tags": [tag.pk for tag in (article.tags.all() if tags is None else tags)],
    }
    for prefix, rows in stored_rows(article).items():
        data |= inline_rows(prefix, rows + added.get(prefix, []))
    return data


def new_rows(prefix, count, targets):
    if prefix == "sections":
        return [{"heading": f"New {n}", "body": "Text."} for n in range(count)]
    if prefix == "references":
        return [{"label": f"Source {n}", "url": f"https://example.org/{n}"} for n in range(count)]
    return [{"to_article": target.pk} for target in targets[1][:count]]


@pytest.mark.parametrize("prefix", ["sections", "related_topics", "references"])
def test_the_admin_refuses_rows_over_the_limit_above_them_and_keeps_what_was_typed(
    client, writer, targets, prefix
):
    article = ArticleFactory(author=writer)
    SectionFactory(article=article, heading="Kept")
    limit = LIMITS[prefix]
    stored = len(stored_rows(article)[prefix])
    added = new_rows(prefix, limit.maximum + 1 - stored, targets)
    response = as_user(client, writer).post(change_url(article), article_form(article, **{
        prefix: added
    }))  # fmt: skip
    assert response.status_code == 200  # the form again, not a redirect
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == prefix
    )
    assert formset.non_form_errors() == [limit.sentence()]
    # shown above the rows, where the writer is looking
    assert limit.sentence() in response.content.decode()
    assert len(formset.forms) == limit.maximum + 1  # every row typed comes back
    assert list(article.sections.values_list("heading", flat=True)) == ["Kept"]
    assert not article.references.exists() and not article.related_topics.exists()


def test_the_admin_refuses_tags_over_the_limit_on_the_tags_field(client, writer, targets):
    article = ArticleFactory(author=writer)
    SectionFactory(article=article)
    tags, _ = targets
    response = as_user(client, writer).post(change_url(article), article_form(article, tags=tags))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["tags"] == ["An article may have at most 30 tags; this one has 31."]
    assert not article.tags.exists()


@pytest.fixture
def article_at_the_limits(writer, targets):
    tags, articles = targets
    article = ArticleFactory(author=writer)
    for n in range(list_limits.SECTIONS.maximum):
        SectionFactory(article=article, position=n + 1)
    for n in range(list_limits.REFERENCES.maximum):
        ReferenceFactory(article=article, position=n + 1)
    for n in range(list_limits.RELATED_TOPICS.maximum):
        RelatedTopicFactory(from_article=article, to_article=articles[n], position=n + 1)
    article.tags.set(tags[: list_limits.TAGS.maximum])
    return article


def test_the_admin_saves_an_article_with_every_list_at_its_limit(
    client, writer, article_at_the_limits
):
    article = article_at_the_limits
    data = article_form(article) | {"intro": "A changed intro."}
    response = as_user(client, writer).post(change_url(article), data)
    assert response.status_code == 302, response.context["errors"]
    article.refresh_from_db()
    assert article.intro == "A changed intro."
    # The change form offers no row beyond the limits, and what a browser sends back from it
    # (every named field, the rows' templates and each chosen tag) fits in one request.
    page = as_user(client, writer).get(change_url(article))
    assert all(
        len(inline.formset.forms) == inline.formset.max_num
        for inline in page.context["inline_admin_formsets"]
    )
    fields = FieldCounter()
    fields.feed(page.content.decode())
    assert 1000 < fields.count + list_limits.TAGS.maximum < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


class FieldCounter(HTMLParser):
    """Counts the named fields of a page's forms."""

    count = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"input", "select", "textarea"} and dict(attrs).get("name"):
            self.count += 1


def test_rows_stored_over_the_limit_are_explained_and_deleting_some_saves(client, writer):
    article = ArticleFactory(author=writer)
    for n in range(list_limits.SECTIONS.maximum + 2):  # saved before the limits
        SectionFactory(article=article, position=n + 1)
    data = article_form(article)
    response = as_user(client, writer).post(change_url(article), data)
    assert response.status_code == 200
    assert list_limits.SECTIONS.sentence() in response.content.decode()
    data |= {"sections-0-DELETE": "on", "sections-1-DELETE": "on"}
    response = as_user(client, writer).post(change_url(article), data)
    assert response.status_code == 302
    assert article.sections.count() == list_limits.SECTIONS.maximum


def test_a_webhook_endpoint_keeps_each_event_once(client, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["hooks.example.org"]
    admin = UserFactory(username="admin", is_superuser=True)
    data = {
        "url": "https://hooks.example.org/in",
        "description": "Frontend",
        "secret": "s3cret-s3cret",
        "events": ["article.published"] * 500 + ["article.updated"],
        "is_active": "on",
    }
    response = as_user(client, admin).post(reverse("admin:articles_webhookendpoint_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert WebhookEndpoint.objects.get().events == ["article.published", "article.updated"]


# The importer --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "items", "reason"),
    [
        ("sections", sections(51), "at most 50 sections; this one has 51."),
        ("references", references(201), "at most 200 references; this one has 201."),
        ("related", [f"first-{n}" for n in range(13)], "at most 12 related topics; this one"),
        ("tags", [f"Tag {n}" for n in range(31)], "at most 30 tags; this one has 31."),
        ("references", "https://example.org/", "references must be a list"),
        ("references", ["https://example.org/"], "references must be a list of objects"),
        ("tags", [{"name": "Hip"}], "tags must be a list of strings"),
    ],
)
def test_the_importer_reports_a_list_over_its_limit_and_writes_nothing_of_it(
    tmp_path, name, items, reason
):
    bad = good_line("too-long", **{name: items})
    path = write(tmp_path / "a.jsonl", [good_line("first"), bad, good_line("third")])
    report = import_file(path, publish=True)
    [error] = report.errors
    assert error.startswith("line 2: ") and reason in error, error
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["first", "third"]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"title": "T" * 201}, "title is 201 characters long; at most 200 are allowed"),
        (
            {"sections": [{"heading": "H" * 201, "body": "Text."}]},
            "section 1 heading is 201 characters long; at most 200",
        ),
        (
            {"references": [{"label": "L" * 301, "url": "https://example.org/"}]},
            "reference 1 label is 301 characters long; at most 300",
        ),
        (
            {"references": [{"url": "https://example.org/" + "p" * 481}]},
            "reference 1 label is 501 characters long",  # the URL stands in for the label
        ),
        (
            {"references": [{"label": "L", "url": "https://example.org/" + "p" * 481}]},
            "reference 1 URL is 501 characters long; at most 500",
        ),
        (
            {"references": [{"label": "L", "url": "https://example.org/", "publisher": "P" * 201}]},
            "reference 1 publisher is 201 characters long; at most 200",
        ),
        ({"tags": ["T" * 101]}, "tag 1 is 101 characters long; at most 100"),
        ({"related": ["first", "first"]}, "related lists an article twice"),
    ],
)
def test_the_importer_reports_an_item_too_long_for_its_column(tmp_path, changes, reason):
    bad = good_line("too-long", **changes)
    path = write(tmp_path / "a.jsonl", [good_line("first"), bad])
    report = import_file(path)
    [error] = report.errors
    assert error.startswith("line 2: ") and reason in error, error
    assert list(Article.objects.values_list("slug", flat=True)) == ["first"]


def test_the_importer_takes_every_list_at_its_limit(tmp_path):
    firsts = [good_line(f"first-{n}") for n in range(12)]
    line = good_line(
        "full",
        sections=sections(50),
        references=references(200),
        related=[f"first-{n}" for n in range(12)],
        tags=[f"Tag {n}" for n in range(30)],
    )
    report = import_file(write(tmp_path / "a.jsonl", [*firsts, line]))
    assert report.errors == []
    article = Article.objects.get(slug="full")
    assert article.sections.count() == 50 and article.references.count() == 200
    assert article.related_topics.count() == 12 and article.tags.count() == 30
