"""With DATABASE_REPLICA_URLS, the public API reads from a replica and everything else from
the primary. The replica here is a second connection to the test database."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from config.db_router import PrimaryReplicaRouter, public_reads
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


def test_the_router(settings):
    settings.DATABASE_REPLICAS = ["replica1", "replica2"]
    router = PrimaryReplicaRouter()
    assert router.db_for_read(None) == "default"
    with public_reads():
        assert router.db_for_read(None) in {"replica1", "replica2"}
        assert router.db_for_write(None) == "default"
    assert router.db_for_read(None) == "default"
    assert router.allow_migrate("default", "articles")
    assert not router.allow_migrate("replica1", "articles")
