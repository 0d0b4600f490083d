"""Hostile requests get a clear answer in the API's error format: a 4xx with a sentence in
`detail` and a stable `code`, never a 500 and never an HTML page."""

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import encode_multipart
from rest_framework.test import APIClient

from articles.api.parsers import JSON_STRING, MAX_JSON_DEPTH
from articles.models import Article
from images.models import Image
from tests.articles.test_editorial_api import client_for
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db
ARTICLES = "/api/v1/editorial/articles/"
IMAGES = "/api/v1/editorial/images/"
LIST = "/api/v1/articles/"


@pytest.fixture
def article(writer):
    article = ArticleFactory(author=writer, slug="hamstring-strain", title="Hamstring strain")
    SectionFactory(article=article, heading="Rest", body="Rest the leg.")
    return article


def nested(depth):
    """A JSON array `depth` levels deep, as text."""
    return "[" * depth + "]" * depth


def assert_api_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == code
    assert body["detail"].endswith(".")  # a sentence, not a bare token
    return body["detail"]


# Deeply nested JSON ------------------------------------------------------------------------


def test_a_100000_deep_array_is_a_400_with_a_sentence(writer):
    response = client_for(writer).post(ARTICLES, nested(100_000), content_type="application/json")
    detail = assert_api_error(response, 400, "too_deep")
    assert detail == (
        f"The JSON body is nested 100000 levels deep; at most {MAX_JSON_DEPTH} levels are accepted."
    )


def test_a_4000_deep_value_inside_sections_is_a_400_on_create_and_on_edit(writer, article):
    client = client_for(writer)
    sections = f'[{{"heading": "Deep", "body": {nested(4000)}}}]'
    create = f'{{"title": "Deep", "slug": "deep", "summary": "Deep.", "sections": {sections}}}'
    edit = f'{{"version": 1, "sections": {sections}}}'

    response = client.post(ARTICLES, create, content_type="application/json")
    assert "4003 levels deep" in assert_api_error(response, 400, "too_deep")
    response = client.patch(f"{ARTICLES}{article.pk}/", edit, content_type="application/json")
    assert_api_error(response, 400, "too_deep")
    assert list(Article.objects.values_list("slug", "version")) == [("hamstring-strain", 1)]


def test_a_recursion_error_while_decoding_is_the_same_400(writer, monkeypatch):
    # The bracket scan stops such bodies first; this is the net under it.
    monkeypatch.setattr("articles.api.parsers.nesting_depth", lambda body: 0)
    response = client_for(writer).post(ARTICLES, nested(5000), content_type="application/json")
    assert "deeper than it can be read" in assert_api_error(response, 400, "too_deep")


def test_the_depth_limit_is_checked_on_every_json_endpoint(writer, article):
    response = client_for(writer).post(
        f"{ARTICLES}{article.pk}/submit/", nested(5000), content_type="application/json"
    )
    assert_api_error(response, 400, "too_deep")


def test_nesting_up_to_the_limit_is_parsed_and_one_level_more_is_refused(writer, article):
    client = client_for(writer)

    def patch_with_body_nested(depth):
        # {"sections": [{"body": …}]} holds three levels around the body's own.
        body = {"version": 1, "sections": [{"heading": "Deep", "body": "x"}]}
        text = json.dumps(body).replace('"x"', nested(depth - 3))
        return client.patch(f"{ARTICLES}{article.pk}/", text, content_type="application/json")

    at_the_limit = patch_with_body_nested(MAX_JSON_DEPTH)
    assert_api_error(at_the_limit, 400, "invalid")  # parsed; a list is not a section body
    assert at_the_limit.json()["errors"]["sections"] == {"0": {"body": ["Not a valid string."]}}
    assert_api_error(patch_with_body_nested(MAX_JSON_DEPTH + 1), 400, "too_deep")


@pytest.mark.parametrize(
    "unterminated",
    [b'"' + b'\\"' * 1000, b'"abc' + b"[" * 100, b'"ends on a backslash \\', b'"\\\\\\'],
)
def test_a_string_left_open_is_read_to_the_end_in_one_match(unterminated):
    # The depth scan stays linear only if a string it starts reading never fails to match:
    # a failed match would be tried again from every quote inside it (quadratic time).
    assert JSON_STRING.match(unterminated).end() == len(unterminated)


def test_a_body_of_escaped_quotes_left_open_is_a_clear_400(writer, article):
    body = b'{"version": 1, "intro": "' + b'\\"' * 200_000
    response = client_for(writer).patch(
        f"{ARTICLES}{article.pk}/", body, content_type="application/json"
    )
    assert_api_error(response, 400, "parse_error")


def test_brackets_and_escaped_quotes_inside_strings_do_not_count_as_nesting(writer, article):
    # Fewer "[" than the Markdown limits allow (each may start a link); "{" has no such limit.
    body = 'A \\"quoted\\" [ and { ' + "[" * 1000 + "{" * 5000 + " \\\\"
    text = f'{{"version": 1, "sections": [{{"heading": "Brackets", "body": "{body}"}}]}}'
    response = client_for(writer).patch(
        f"{ARTICLES}{article.pk}/", text, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["sections"][0]["body"] == json.loads(f'"{body}"')


# Bodies too large --------------------------------------------------------------------------


def test_a_json_body_over_the_limit_is_a_413_in_json(settings, writer, article):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    edit = {"version": 1, "sections": [{"heading": "Big", "body": "x" * 1024 * 1024}]}
    response = client_for(writer).patch(f"{ARTICLES}{article.pk}/", edit, format="json")
    detail = assert_api_error(response, 413, "too_large")
    assert detail == "The request body is larger than 1 MB, the most the API accepts."
    assert Article.objects.get(pk=article.pk).version == 1


def test_a_json_body_over_the_limit_is_a_413_in_json_with_debug_on_too(settings, writer, article):
    # With DEBUG on Django answers its refusals with an HTML debug page, not handler400.
    settings.DEBUG = True
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = json.dumps({"version": 1, "intro": "x" * (2 * 1024 * 1024)})
    response = client_for(writer).patch(
        f"{ARTICLES}{article.pk}/", body, content_type="application/json"
    )
    assert_api_error(response, 413, "too_large")


def test_an_image_over_max_upload_mb_is_a_413_and_nothing_is_stored(settings, writer, tmp_path):
    settings.MAX_UPLOAD_MB = 1
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path  # to see what reached the disk
    big = SimpleUploadedFile("big.jpg", b"\xff" * (3 * 1024 * 1024), "image/jpeg")
    response = client_for(writer).post(IMAGES, {"file": big, "alt": "Big."}, format="multipart")
    detail = assert_api_error(response, 413, "too_large")
    assert detail == "The upload is larger than 1 MB, the most an image may be."
    assert not Image.objects.exists()
    assert not any(path.stat().st_size > 1024 * 1024 for path in tmp_path.iterdir())


def test_files_that_together_pass_max_upload_mb_are_a_413(settings, writer, tmp_path):
    settings.MAX_UPLOAD_MB = 1
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path
    files = {
        name: SimpleUploadedFile(f"{name}.jpg", b"\xff" * (600 * 1024), "image/jpeg")
        for name in ("file", "spare", "another")
    }
    response = client_for(writer).post(IMAGES, files | {"alt": "Many."}, format="multipart")
    assert_api_error(response, 413, "too_large")
    assert sum(path.stat().st_size for path in tmp_path.iterdir()) <= 1024 * 1024


def test_an_image_at_max_upload_mb_is_still_checked_as_an_image(settings, writer):
    settings.MAX_UPLOAD_MB = 1
    exactly = SimpleUploadedFile("exact.png", b"\x89PNG" * (256 * 1024), "image/png")
    response = client_for(writer).post(
        IMAGES, {"file": exactly, "alt": "Exact."}, format="multipart"
    )
    assert_api_error(response, 400, "invalid")  # not refused for its size, but as no image
    assert "file" in response.json()["errors"]


def test_upload_form_fields_over_the_limit_are_a_413_in_json(settings, writer, tiny_png):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = client_for(writer).post(
        IMAGES, {"file": tiny_png, "alt": "x" * (1024 * 1024 + 1)}, format="multipart"
    )
    assert "1 MB" in assert_api_error(response, 413, "too_large")


def test_an_upload_over_the_limit_is_a_413_with_a_session_and_csrf_checks_too(settings, writer):
    # Session authentication reads the form for its CSRF token before the view does.
    settings.MAX_UPLOAD_MB = 1
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(writer)
    csrf_secret = "a" * 32
    client.cookies[settings.CSRF_COOKIE_NAME] = csrf_secret
    big = SimpleUploadedFile("big.jpg", b"\xff" * (2 * 1024 * 1024), "image/jpeg")
    form = {"csrfmiddlewaretoken": csrf_secret, "file": big, "alt": "Big."}
    response = client.post(IMAGES, form, format="multipart")
    assert_api_error(response, 413, "too_large")
    assert not Image.objects.exists()


def test_too_many_form_fields_are_a_400_in_json(settings, writer, tiny_png):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    fields = {"file": tiny_png, "alt": "Alt."} | {f"extra{n}": "x" for n in range(10)}
    body = encode_multipart("BOUNDARY", fields)
    response = client_for(writer).post(
        IMAGES, body, content_type="multipart/form-data; boundary=BOUNDARY"
    )
    assert "at most 5" in assert_api_error(response, 400, "too_many_fields")


def test_too_many_query_parameters_are_a_400_in_json(settings, live):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = APIClient().get(LIST + "?" + "&".join(f"tag=t{n}" for n in range(10)))
    assert "at most 5" in assert_api_error(response, 400, "too_many_fields")


def test_a_body_over_the_limit_sent_to_the_admin_is_a_400_page_not_a_500(settings, client, editor):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(editor)
    response = client.post("/admin/articles/article/add/", {"title": "x" * 2048})
    assert response.status_code == 400


def test_a_refused_host_under_the_api_is_a_400_in_json(live):
    response = APIClient().get(LIST, HTTP_HOST="attacker.example")
    assert_api_error(response, 400, "bad_request")


# Malformed cursors -------------------------------------------------------------------------


def cursor(querystring):
    return base64.b64encode(querystring.encode()).decode()


@pytest.mark.parametrize(
    "value",
    [
        "not-a-cursor",  # not base64
        base64.b64encode(b"\xff\xfe\x00garbage").decode(),  # base64 of bytes, not text
        cursor("o=abc"),  # offset not a number
        cursor("o=-1"),
        cursor("o=" + "9" * 5000),  # more digits than Python turns into an int
        cursor("o=1000000"),  # far past any offset this API writes
        cursor("r=yes"),
        cursor("p=not-a-date"),
        cursor("p=2026-02-30 10:00:00+00:00"),  # a date that does not exist
        cursor("o=1&p=2026-01-01 25:61:00+00:00"),
        cursor("p=9999-12-31T23:59:59.999999-23:59"),  # the year 10000 in UTC
        cursor("p=0001-01-01T00:00:00+23:59"),  # the year 0 in UTC
        cursor("o=999&p=2026-01-01"),  # no time zone: this API never writes one so
    ],
)
def test_a_malformed_cursor_is_a_400_with_a_sentence(live, value):
    response = APIClient().get(LIST, {"cursor": value})
    detail = assert_api_error(response, 400, "invalid_query")
    assert "cursor" in detail


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"])
def test_a_time_with_no_utc_equivalent_is_a_400(live, moment):
    response = APIClient().get(LIST, {"updated_since": moment})
    assert_api_error(response, 400, "invalid")
    assert "UTC" in str(response.json()["errors"]["updated_since"])


def test_a_cursor_the_api_wrote_still_works(writer, publish):
    for number in range(3):
        publish(ArticleFactory(author=writer, slug=f"article-{number}"))
    first = APIClient().get(LIST, {"cursor": "", "page_size": 2}).json()
    second = APIClient().get(first["next"])
    assert second.status_code == 200
    assert len(second.json()["results"]) == 1


# If-Match ----------------------------------------------------------------------------------


def patch(writer, article, if_match, **fields):
    return client_for(writer).patch(
        f"{ARTICLES}{article.pk}/",
        {"summary": "Changed.", **fields},
        format="json",
        HTTP_IF_MATCH=if_match,
    )


def current_etag(article):
    return f'"article-{article.pk}-v{Article.objects.get(pk=article.pk).version}"'


def test_if_match_star_names_no_version_so_the_edit_needs_one(writer, article):
    detail = assert_api_error(patch(writer, article, "*"), 428, "version_required")
    assert "`If-Match: *`" in detail
    assert Article.objects.get(pk=article.pk).version == 1


def test_if_match_star_with_a_version_field_uses_that_version(writer, article):
    client_for(writer).patch(
        f"{ARTICLES}{article.pk}/", {"title": "Moved on", "version": 1}, format="json"
    )
    assert_api_error(patch(writer, article, "*", version=1), 409, "stale_version")
    response = patch(writer, article, "*", version=2)
    assert response.status_code == 200
    assert response.json()["version"] == 3


def test_if_match_with_a_list_of_etags_passes_when_one_is_current(writer, article):
    old = current_etag(article)
    response = patch(writer, article, f'"article-{article.pk}-v0", {old}')
    assert response.status_code == 200
    assert_api_error(
        patch(writer, article, f'{old}, "article-{article.pk}-v9"'), 412, "stale_version"
    )
    assert Article.objects.get(pk=article.pk).version == 2


def test_a_weak_etag_never_matches_and_the_answer_says_why(writer, article):
    detail = assert_api_error(
        patch(writer, article, f"W/{current_etag(article)}"), 412, "stale_version"
    )
    assert "weak" in detail
    assert Article.objects.get(pk=article.pk).version == 1


def test_a_malformed_if_match_is_a_400(writer, article):
    detail = assert_api_error(patch(writer, article, f"article-{article.pk}-v1"), 400, "invalid")
    assert "If-Match" in detail
    assert Article.objects.get(pk=article.pk).version == 1


def test_the_stale_edit_check_holds_for_an_etag_read_before_another_edit(writer, article):
    etag = current_etag(article)
    assert patch(writer, article, etag).status_code == 200
    assert_api_error(patch(writer, article, etag, summary="Lost update?"), 412, "stale_version")
    assert Article.objects.get(pk=article.pk).summary == "Changed."


def test_requiring_more_tags_than_allowed_is_a_400_not_a_database_error(live):
    # Each tag is a join: 200 of them made SQLite refuse the query with a 500.
    query = "&".join(f"tag=tag-{number}" for number in range(200))
    response = APIClient().get(f"{LIST}?{query}")
    assert_api_error(response, 400, "invalid")
    assert "At most 10 different tags" in str(response.json()["errors"]["tag"])


def test_a_tag_repeated_counts_once(live):
    query = "&".join(["tag=tag-1"] * 50)
    assert APIClient().get(f"{LIST}?{query}").status_code == 200


# Numbers in query strings and bodies --------------------------------------------------------

NOT_WHOLE_NUMBERS = ["\u00b2", "\u2460", "9" * 5000, "", "-1", "1.5", "0x10"]


@pytest.mark.parametrize("value", NOT_WHOLE_NUMBERS)
@pytest.mark.parametrize("path", [LIST, "/api/v1/tags/", "/api/v1/reviewers/"])
def test_a_page_that_is_not_a_whole_number_is_a_400(live, path, value):
    # "²" and "①" pass str.isdigit() and then fail int(), as do 4,301 digits: a 500 once.
    assert_api_error(APIClient().get(path, {"page": value}), 400, "invalid_query")
    assert_api_error(APIClient().get(path, {"page_size": value}), 400, "invalid_query")


@pytest.mark.parametrize("value", NOT_WHOLE_NUMBERS)
def test_an_editorial_page_that_is_not_a_whole_number_is_a_400(writer, value):
    response = client_for(writer).get(ARTICLES, {"page": value})
    assert_api_error(response, 400, "invalid_query")


@pytest.mark.parametrize("version", ["1e400", "1.9", "true", '"\u00b2"', '"1"'])
def test_a_version_that_is_not_a_whole_number_is_refused(writer, article, version):
    body = f'{{"version": {version}, "title": "Hamstring strain, again"}}'
    response = client_for(writer).patch(
        f"{ARTICLES}{article.pk}/", body, content_type="application/json"
    )
    if version == '"1"':  # a number in a string is still the version it names
        assert response.status_code == 200
        return
    assert_api_error(response, 400, "invalid")
    assert Article.objects.get(pk=article.pk).title != "Hamstring strain, again"


@pytest.mark.parametrize("method", ["options", "head", "put", "delete", "trace"])
@pytest.mark.parametrize(
    "path",
    ["/api/docs/", "/api/docs/?script=", "/api/schema/", "/sitemap.xml", "/feeds/articles/", LIST],
)
def test_any_method_on_the_public_pages_answers_without_a_server_error(live, path, method):
    client = APIClient()
    response = client.generic(method.upper(), path)
    assert response.status_code < 500  # OPTIONS on the docs page once answered 500


def test_a_time_with_an_offset_beyond_what_postgresql_takes_is_compared_in_utc(live):
    """Found by the schema fuzzer on PostgreSQL, which refuses offsets over 15:59 (a 500)."""
    response = APIClient().get(LIST, {"updated_since": "0249-02-20T10:23:24.51+22:38"})
    assert response.status_code == 200
    assert [card["slug"] for card in response.json()["results"]] == [live.slug]
    later = APIClient().get(LIST, {"updated_since": "9000-01-01T00:00:00+22:38"})
    assert later.json()["results"] == []
