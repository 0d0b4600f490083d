"""With DATABASE_REPLICA_URLS, the public API reads from a replica and everything else from
the primary. The replica here is a second connection to the test database."""

import time
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import DatabaseError, OperationalError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from articles.models import mark_read_model_changed
from config import replicas, request_context
from config.db_router import PrimaryReplicaRouter, public_reads
from config.settings import replica_options
from tests.articles.test_editorial_api import approved, client_for
from tests.conftest import TEST_REPLICA
from tests.factories import ArticleFactory, SectionFactory

# Real commits: a replica connection only sees committed rows.
pytestmark = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", TEST_REPLICA]
)


@pytest.fixture
def replica(settings):
    settings.DATABASE_REPLICAS = [TEST_REPLICA]


def queries_on_each(request):
    """(queries on the primary, queries on the replica) while `request()` runs."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[TEST_REPLICA]) as replica,
    ):
        response = request()
    assert response.status_code == 200, response.content
    return len(primary), len(replica)


def test_public_reads_go_to_the_replica(replica, writer, publish):
    article = ArticleFactory(author=writer, slug="calf-cramps", title="Calf cramps")
    SectionFactory(article=article)
    publish(article)
    anonymous = APIClient()
    for path in [
        "/api/v1/articles/",
        "/api/v1/articles/?q=cramps",
        "/api/v1/articles/calf-cramps/",
        "/api/v1/tags/",
        "/api/v1/reviewers/",
    ]:
        primary, on_replica = queries_on_each(lambda path=path: anonymous.get(path))
        assert (primary, on_replica > 0) == (0, True), path


def test_editorial_reads_and_all_writes_stay_on_the_primary(replica, writer, editor_client):
    ArticleFactory(author=writer, slug="draft")
    primary, on_replica = queries_on_each(lambda: editor_client.get("/api/v1/editorial/articles/"))
    assert primary > 0
    assert on_replica == 0


def test_without_replicas_everything_reads_the_primary(writer, publish):
    publish(ArticleFactory(author=writer, slug="calf-cramps"))
    primary, on_replica = queries_on_each(lambda: APIClient().get("/api/v1/articles/"))
    assert primary > 0
    assert on_replica == 0


def test_the_router():
    router = PrimaryReplicaRouter()
    assert router.db_for_read(None) == "default"
    with public_reads("replica2"):
        assert router.db_for_read(None) == "replica2"
        assert router.db_for_write(None) == "default"
    with public_reads(None):
        assert router.db_for_read(None) == "default"
    assert router.db_for_read(None) == "default"
    assert router.allow_migrate("default", "articles")
    assert not router.allow_migrate("replica1", "articles")


# A replica in trouble ---------------------------------------------------------------------

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="replay positions are PostgreSQL's"
)


@pytest.fixture(autouse=True)
def fresh_replica_state(monkeypatch):
    """Each test starts with no replica skipped or set aside, and no check just made."""
    monkeypatch.setattr(replicas, "_skipped_until", {})
    monkeypatch.setattr(replicas, "_fence_checked_at", {})
    monkeypatch.setattr(replicas, "FENCE_CHECK_INTERVAL", 0)
    monkeypatch.setattr(replicas, "_loss_checked_at", [0.0])
    cache.delete(replicas.fence_key(TEST_REPLICA))
    cache.set(replicas.MARKS_KEPT, "yes", None)
    replicas._unconfirmed.replicas = set()


@pytest.fixture
def dead_replica(replica):
    """Every statement sent to the replica fails, as on a server that went away; yields the
    list of statements it was sent."""
    sent = []

    def fail(execute, sql, params, many, context):
        sent.append(sql)
        raise OperationalError("server closed the connection unexpectedly")

    with connections[TEST_REPLICA].execute_wrapper(fail):
        yield sent


@pytest.fixture
def replica_behind(monkeypatch):
    """The replica has not replayed what the primary wrote."""
    monkeypatch.setattr(replicas, "_replayed_past", lambda alias, lsn, seconds: False)


def test_a_failing_replica_is_answered_from_the_primary_and_left_alone(
    live, dead_replica, settings
):
    settings.REPLICA_RETRY_SECONDS = 60
    anonymous = APIClient()
    response = anonymous.get("/api/v1/articles/hip-pain/")
    assert response.status_code == 200
    assert response.json()["title"] == "Hip pain"
    tried = len(dead_replica)
    assert tried > 0
    assert anonymous.get("/api/v1/articles/").status_code == 200
    assert len(dead_replica) == tried  # skipped: not asked again for a minute


def test_a_failed_replica_is_tried_again_after_the_retry_time(live, dead_replica, settings):
    settings.REPLICA_RETRY_SECONDS = 0
    anonymous = APIClient()
    anonymous.get("/api/v1/articles/hip-pain/")
    tried = len(dead_replica)
    assert anonymous.get("/api/v1/articles/hip-pain/").status_code == 200
    assert len(dead_replica) > tried


def test_a_replica_set_aside_is_not_read_until_it_has_caught_up(replica, live, monkeypatch):
    cache.set(replicas.fence_key(TEST_REPLICA), "0/1")
    monkeypatch.setattr(replicas, "_replayed_past", lambda alias, lsn, seconds: False)
    read = lambda: APIClient().get("/api/v1/articles/hip-pain/")  # noqa: E731
    primary, on_replica = queries_on_each(read)
    assert (primary > 0, on_replica) == (True, 0)
    monkeypatch.undo()
    monkeypatch.setattr(replicas, "FENCE_CHECK_INTERVAL", 0)
    primary, on_replica = queries_on_each(read)
    assert on_replica > 0
    assert cache.get(replicas.fence_key(TEST_REPLICA)) is None


def test_a_mark_changed_while_checking_is_kept(replica, live, monkeypatch):
    key = replicas.fence_key(TEST_REPLICA)
    cache.set(key, "0/1")

    def a_move_sets_it_aside_again(alias, lsn, seconds):
        cache.set(key, "0/2")
        return True

    monkeypatch.setattr(replicas, "_replayed_past", a_move_sets_it_aside_again)
    assert replicas.choose() is None
    assert cache.get(key) == "0/2"


@needs_postgresql
def test_a_move_a_replica_has_not_applied_in_time_sets_it_aside(
    replica, replica_behind, settings, writer, publish
):
    settings.REPLICA_MAX_LAG_SECONDS = 0.3
    article = ArticleFactory(author=writer, slug="calf-cramps")
    SectionFactory(article=article)
    started = time.monotonic()
    publish(article)
    assert time.monotonic() - started >= 0.3
    assert cache.get(replicas.fence_key(TEST_REPLICA))
    _, on_replica = queries_on_each(lambda: APIClient().get("/api/v1/articles/"))
    assert on_replica == 0


@needs_postgresql
def test_a_move_replicas_have_applied_returns_at_once(replica, settings, writer, publish):
    settings.REPLICA_MAX_LAG_SECONDS = 5
    article = ArticleFactory(author=writer, slug="calf-cramps")
    SectionFactory(article=article)
    started = time.monotonic()
    publish(article)
    assert time.monotonic() - started < 2
    assert cache.get(replicas.fence_key(TEST_REPLICA)) is None


@needs_postgresql
def test_a_move_that_can_neither_reach_nor_set_aside_a_replica_says_so(
    replica, replica_behind, settings, writer, reviewer, editor, monkeypatch
):
    settings.REPLICA_MAX_LAG_SECONDS = 0.2
    article = ArticleFactory(author=writer, slug="calf-cramps")
    SectionFactory(article=article)
    approved(writer, reviewer, article)

    class CacheDown:
        def get_many(self, keys):
            raise ConnectionError("Redis is not answering")

        set = set_many = delete_many = get_many

    monkeypatch.setattr(replicas, "cache", CacheDown())
    response = client_for(editor).post(f"/api/v1/editorial/articles/{article.pk}/publish/")
    assert response.status_code == 202
    assert response.json()["state"] == "published"
    assert f"({TEST_REPLICA}) has not caught up" in response.json()["visibility"]


@needs_postgresql
def test_a_replica_that_stops_answering_is_cut_off_in_time(replica, settings, caplog):
    started = time.monotonic()
    token = request_context.request_id.set("request-7")
    with (
        pytest.raises(DatabaseError),
        replicas.time_limit(TEST_REPLICA, 0.3),
        connections[TEST_REPLICA].cursor() as cursor,
    ):
        cursor.execute("SELECT pg_sleep(10)")
    request_context.request_id.reset(token)
    assert time.monotonic() - started < 3
    (cut,) = [r for r in caplog.records if "cutting it off" in r.getMessage()]
    assert (cut.request_id, cut.db_alias) == ("request-7", TEST_REPLICA)
    replicas.skip(TEST_REPLICA, "cut off")
    with connections[TEST_REPLICA].cursor() as cursor:  # a new connection works
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_replica_connections_are_bounded():
    options = replica_options({"sslmode": "require"}, 1.5)
    assert options["sslmode"] == "require"
    assert options["connect_timeout"] == 2
    assert options["options"] == "-c statement_timeout=1500"


def test_health_reports_each_replica(replica, dead_replica, client):
    cache.delete(replicas.fence_key(TEST_REPLICA))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["replicas"][TEST_REPLICA]["status"] == "unavailable"


def test_health_says_degraded_while_a_replica_is_set_aside(replica, client):
    assert client.get("/healthz").json()["status"] == "ok"
    cache.set(replicas.fence_key(TEST_REPLICA), f"a-move-under-way {time.time()}")
    body = client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["replicas"][TEST_REPLICA]["status"] == "lagging"


def test_health_lets_back_a_replica_that_has_caught_up(replica, client):
    cache.set(replicas.fence_key(TEST_REPLICA), "an-old-move 0")
    assert client.get("/healthz").json()["status"] == "ok"
    assert cache.get(replicas.fence_key(TEST_REPLICA)) is None


def test_health_does_not_wait_for_a_replica_that_just_failed(replica, client, settings):
    settings.REPLICA_RETRY_SECONDS = 60
    replicas.skip(TEST_REPLICA, "frozen")
    with CaptureQueriesContext(connections[TEST_REPLICA]) as on_replica:
        body = client.get("/healthz").json()
    assert body["replicas"][TEST_REPLICA]["status"] == "unavailable"
    assert len(on_replica) == 0


@needs_postgresql
def test_a_move_does_not_wait_again_for_a_replica_an_earlier_move_left_behind(
    replica, replica_behind, settings, live
):
    settings.REPLICA_MAX_LAG_SECONDS = 1
    cache.set(replicas.fence_key(TEST_REPLICA), "an-earlier-move 0")
    started = time.monotonic()
    with transaction.atomic():
        mark_read_model_changed()
    assert time.monotonic() - started < 0.5
    assert cache.get(replicas.fence_key(TEST_REPLICA)) is not None  # still set aside


def test_replicas_without_a_shared_cache_are_warned_about(settings):
    settings.DATABASE_REPLICAS = ["replica1"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [w.id for w in replicas.shared_cache_for_replicas()] == ["replicas.W001"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    assert replicas.shared_cache_for_replicas() == []
    settings.DATABASE_REPLICAS = []
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert replicas.shared_cache_for_replicas() == []


@needs_postgresql
def test_a_move_sets_a_failing_replica_aside_without_waiting(live, dead_replica, settings):
    settings.REPLICA_MAX_LAG_SECONDS = 30
    started = time.monotonic()
    with transaction.atomic():
        mark_read_model_changed()
    assert time.monotonic() - started < 5
    assert cache.get(replicas.fence_key(TEST_REPLICA))


@needs_postgresql
def test_while_a_move_is_on_its_way_to_the_replicas_readers_get_the_primary(replica, live):
    with transaction.atomic():
        mark_read_model_changed()
        assert replicas.choose() is None  # from before the commit
    assert replicas.choose() == TEST_REPLICA  # the replica has it: let back at once


def test_log_lines_name_the_database_a_request_read(replica, live, dead_replica, caplog):
    APIClient().get("/api/v1/articles/no-such-article/")
    (line,) = [r for r in caplog.records if r.getMessage().startswith("Not Found")]
    assert line.db_alias == "default"  # the replica failed; the primary answered


def test_when_the_cache_lost_the_marks_a_replica_behind_is_set_aside_again(
    replica, live, replica_behind
):
    cache.clear()  # emptied while the replica is behind: its mark is gone
    read = lambda: APIClient().get("/api/v1/articles/hip-pain/")  # noqa: E731
    _, on_replica = queries_on_each(read)
    assert on_replica == 0
    assert cache.get(replicas.fence_key(TEST_REPLICA))
    assert cache.get(replicas.MARKS_KEPT)


def test_when_the_cache_lost_the_marks_a_replica_caught_up_is_read(replica, live):
    cache.clear()
    _, on_replica = queries_on_each(lambda: APIClient().get("/api/v1/articles/hip-pain/"))
    assert on_replica > 0
    assert cache.get(replicas.fence_key(TEST_REPLICA)) is None


def test_one_snapshot_leaves_a_failed_connection_closed(replica, dead_replica):
    with (
        pytest.raises(DatabaseError),
        replicas.one_snapshot(TEST_REPLICA),
        connections[TEST_REPLICA].cursor() as cursor,
    ):
        cursor.execute("SELECT 1")
    assert connections[TEST_REPLICA].connection is None  # not connected again to tidy up


def test_one_snapshot_reads_in_one_transaction_and_then_autocommits(replica):
    with replicas.one_snapshot(TEST_REPLICA):
        assert not transaction.get_autocommit(using=TEST_REPLICA)
        with connections[TEST_REPLICA].cursor() as cursor:
            cursor.execute("SELECT 1")
    assert transaction.get_autocommit(using=TEST_REPLICA)


@needs_postgresql
def test_a_query_too_slow_for_the_replica_is_503_and_the_replica_stays_in_use(replica, live):
    with connections[TEST_REPLICA].cursor() as cursor:
        cursor.execute("SET statement_timeout = 1")  # every query times out
    response = APIClient().get("/api/v1/articles/?q=hip")
    with connections[TEST_REPLICA].cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
    assert response.status_code == 503
    assert "took too long" in response.json()["detail"]
    assert replicas._skipped_until.get(TEST_REPLICA, 0) == 0  # not left for the primary


@needs_postgresql
def test_a_replica_url_naming_a_server_that_is_not_a_standby_is_not_read(
    replica, live, settings, client
):
    # The mirror under another name: not the primary's own settings, and not in recovery.
    mirror = connections[TEST_REPLICA].settings_dict
    with mock.patch.dict(
        mirror, {"HOST": "127.0.0.1" if mirror["HOST"] != "127.0.0.1" else "localhost"}
    ):
        with transaction.atomic():
            mark_read_model_changed()
        assert cache.get(replicas.fence_key(TEST_REPLICA))  # set aside
        body = client.get("/healthz").json()
    assert body["replicas"][TEST_REPLICA]["status"] == "unavailable"
