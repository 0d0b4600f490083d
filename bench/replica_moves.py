"""What keeping the promise with read replicas costs a move: the editorial API's publish and
unpublish round trips with one streaming replica, against the same server with none, on the
same primary, in alternating rounds (the machine is shared: compare within a run).

Starts its own primary and replica in a temporary folder (tests/replicas/cluster.py, which
needs PostgreSQL's server tools) and Redis database 13 on 127.0.0.1:6379.

    .venv/bin/python bench/replica_moves.py        # BENCH_ROUNDS=6 rounds of 5 moves each
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.replicas.cluster import Cluster
from tests.replicas.server import Newsroom, Server

REDIS_URL = "redis://127.0.0.1:6379/13"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "6"))
MOVES_PER_ROUND = 5


def timed_moves(newsroom, label, count):
    """Publish and then unpublish `count` new articles; (publish, unpublish) seconds each."""
    publishes, unpublishes = [], []
    for number in range(count):
        article = newsroom.ready(f"{label}-{number}", f"{label} {number}")
        started = time.perf_counter()
        assert newsroom.publish(article).status == 200
        publishes.append(time.perf_counter() - started)
        started = time.perf_counter()
        assert newsroom.unpublish(article).status == 200
        unpublishes.append(time.perf_counter() - started)
    return publishes, unpublishes


def main():
    cluster = Cluster(replicas=1)
    servers = []
    try:
        cluster.start()
        with_replica = Server(cluster.root / "with", cluster, REDIS_URL)
        without = Server(cluster.root / "without", cluster, REDIS_URL)
        without.env["DATABASE_REPLICA_URLS"] = ""
        for server in (with_replica, without):
            (server.folder / "static").mkdir(parents=True)
        tokens = with_replica.prepare()
        for server in (with_replica, without):
            server.start()
            servers.append(server)
        rooms = {"one replica": Newsroom(with_replica, tokens), "none": Newsroom(without, tokens)}
        times = {name: ([], []) for name in rooms}
        for round_number in range(ROUNDS):
            for name, room in rooms.items():
                label = f"r{round_number}-{name.replace(' ', '-')}"
                publishes, unpublishes = timed_moves(room, label, MOVES_PER_ROUND)
                times[name][0].extend(publishes)
                times[name][1].extend(unpublishes)
        report(times)
    finally:
        for server in servers:
            server.stop()
        cluster.close()


def report(times):
    print("| replicas | moves | publish median ms | publish p90 ms | unpublish median ms |")
    print("|---|---:|---:|---:|---:|")
    for name, (publishes, unpublishes) in times.items():
        p90 = statistics.quantiles(publishes, n=10)[-1]
        print(
            f"| {name} | {len(publishes)} | {statistics.median(publishes) * 1000:.0f} | "
            f"{p90 * 1000:.0f} | {statistics.median(unpublishes) * 1000:.0f} |"
        )


if __name__ == "__main__":
    main()
