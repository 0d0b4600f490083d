"""A real PostgreSQL primary with two streaming replicas, and the application under gunicorn
reading them, shared by a test module (starting them costs about ten seconds).

Needs the PostgreSQL server tools (initdb, pg_ctl, pg_basebackup) and Redis on 127.0.0.1:6379;
skipped without them, unless REPLICAS_REQUIRED=1 (set by `.ci/run`) makes that a failure. The
suite's own database is not used: these tests run the same on SQLite and PostgreSQL passes.
"""

import os
import uuid

import pytest
import redis

from tests.replicas.cluster import Cluster, bin_dir
from tests.replicas.server import Newsroom, Server

REPLICAS = 2
REDIS_URL = "redis://127.0.0.1:6379/12"


def require(what_is_missing):
    if what_is_missing is None:
        return
    if os.environ.get("REPLICAS_REQUIRED"):
        pytest.fail(what_is_missing)
    pytest.skip(what_is_missing)


def missing_tools():
    if bin_dir() is None:
        return (
            "PostgreSQL's server tools are missing (initdb, pg_ctl, pg_basebackup): "
            "apt-get install postgresql."
        )
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return f"Redis is not reachable at {REDIS_URL}: {error}"
    return None


@pytest.fixture(scope="module")
def cluster():
    require(missing_tools())
    cluster = Cluster(replicas=REPLICAS)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.close()


class ServerCache:
    """The server's keys in Redis, kept apart from anything else in the database (another run
    of these tests, say) by a prefix of their own (CACHE_KEY_PREFIX)."""

    def __init__(self, url):
        self.url = url
        self.client = redis.Redis.from_url(url)
        self.prefix = f"replica-tests-{uuid.uuid4().hex[:12]}"

    def empty(self):
        """Delete every key the server wrote, as FLUSHDB would (without emptying anybody
        else's); how many there were."""
        keys = list(self.client.scan_iter(match=f"{self.prefix}:*", count=1000))
        if keys:
            self.client.delete(*keys)
        return len(keys)


@pytest.fixture(scope="module")
def server_cache():
    cache = ServerCache(REDIS_URL)
    yield cache
    cache.empty()
    cache.client.close()


@pytest.fixture(scope="module")
def server_and_roles(cluster, server_cache):
    server = Server(cluster.root, cluster, server_cache.url, server_cache.prefix)
    tokens = server.prepare()
    server.start()
    try:
        yield server, tokens
    finally:
        server.stop()


@pytest.fixture
def server(server_and_roles, cluster):
    """The running server; after the test, every replica is running, thawed, replaying and
    caught up again, whatever the test did to it."""
    yield server_and_roles[0]
    cluster.restore()


@pytest.fixture
def newsroom(server, server_and_roles):
    return Newsroom(server, server_and_roles[1])
