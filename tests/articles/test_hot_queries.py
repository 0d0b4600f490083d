"""hot_read: the public API's fixed queries, straight to libpq on PostgreSQL, must answer,
fail and be counted as a query through Django's cursor would."""

import logging

import pytest
from django.db import ProgrammingError, connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from articles.models.hot_queries import hot_read
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

DOCUMENT = (
    "SELECT document_text, rendered_at, next_review_due, live_revision_id "
    "FROM articles_publishedarticle p JOIN articles_article a ON a.id = p.article_id "
    "WHERE p.slug = %s AND a.id > %s"
)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="only PostgreSQL's reads bypass the cursor"
)


@pytest.fixture
def live(writer, publish):
    publish(ArticleFactory(author=writer, slug="live-one", title="Live one"))


def through_cursor(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_rows_are_what_the_cursor_returns(live):
    rows = hot_read("default", DOCUMENT, ["live-one", 0])
    assert rows == through_cursor(DOCUMENT, ["live-one", 0])
    text, _, _, revision_id = rows[0]
    assert '"title":"Live one"' in text
    assert isinstance(revision_id, int)
    assert hot_read("default", DOCUMENT, ["nobody", 0]) == []


def test_each_read_is_logged_as_one_query_with_its_parameters(live, caplog):
    with (
        caplog.at_level(logging.DEBUG, logger="django.db.backends"),
        CaptureQueriesContext(connection) as queries,
    ):
        hot_read("default", DOCUMENT, ["live-one", 7])
        hot_read("default", DOCUMENT, ["live-one", 7])
    assert len(queries) == 2
    assert "live-one" in queries[0]["sql"] and "> 7" in queries[0]["sql"]
    logged = [record for record in caplog.records if "live-one" in record.getMessage()]
    assert len(logged) == 2 and logged[0].alias == "default"


@on_postgresql
def test_parameters_other_than_text_and_integers_are_refused(live):
    with pytest.raises(TypeError, match="text and integer"):
        hot_read("default", DOCUMENT, ["live-one", 1.5])


def test_execute_wrappers_still_see_the_query(live):
    seen = []

    def spy(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        rows = hot_read("default", DOCUMENT, ["live-one", 0])
    assert seen == [DOCUMENT] and len(rows) == 1


@on_postgresql
def test_errors_are_translated_and_the_connection_goes_on(live):
    with pytest.raises(ProgrammingError, match="no_such_table"), transaction.atomic():
        hot_read("default", "SELECT id FROM no_such_table WHERE id = %s", [1])
    assert hot_read("default", DOCUMENT, ["live-one", 0])


def prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


@on_postgresql
def test_the_document_read_is_prepared_from_its_first_run(live):
    assert APIClient().get("/api/v1/articles/live-one/").status_code == 200
    assert any("document_text" in text for text in prepared_statements())


@on_postgresql
def test_nothing_is_prepared_when_preparing_is_off(live):
    unprepared = DOCUMENT + " AND a.id <> %s"  # a query this connection never prepared
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    connection.connection.prepare_threshold = None
    try:
        assert hot_read("default", unprepared, ["live-one", 0, 0])
    finally:
        connection.connection.prepare_threshold = threshold
    assert not any("<> $3" in text for text in prepared_statements())
    assert hot_read("default", unprepared, ["live-one", 0, 0])
    assert any("<> $3" in text for text in prepared_statements())
