"""Read replicas that keep the promise (issue #22), against a real PostgreSQL primary with two
streaming replicas and the application under gunicorn (tests/replicas/conftest.py).

Replay is paused with pg_wal_replay_pause(), as a long query on a standby does; a replica is
stopped with pg_ctl and frozen with SIGSTOP. Whatever happens to a replica, once a publish,
unpublish or rename returns no reader sees the old state, no cache is filled with it, ETags never
go backwards, public reads keep answering, and /healthz says which replica is in trouble.

Which server answered a read is read from the servers' statement logs: each read names a slug
or search word nobody else sends.
"""

import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.replicas.server import REPLICA_SETTINGS

MAX_LAG = float(REPLICA_SETTINGS["REPLICA_MAX_LAG_SECONDS"])
TIMEOUT = float(REPLICA_SETTINGS["REPLICA_TIMEOUT_SECONDS"])
RETRY = float(REPLICA_SETTINGS["REPLICA_RETRY_SECONDS"])
# A move waits at most REPLICA_MAX_LAG_SECONDS for the replicas; the rest is the move's own work.
MOVE_BOUND = MAX_LAG + 2
# A read meeting a frozen replica gives up on it after REPLICA_TIMEOUT_SECONDS (a connection
# attempt takes at least 2 s: libpq's connect_timeout has a floor of 2).
READ_BOUND = TIMEOUT + 2
CYCLES = 5
LIST = "/api/v1/articles/?page_size=100"


def detail(slug):
    return f"/api/v1/articles/{slug}/"


def unique(prefix="probe"):
    return f"{prefix}{uuid.uuid4().hex[:16]}"


# What a read should show ---------------------------------------------------------------------


def shows(title):
    return lambda answer: answer.status == 200 and answer.json()["title"] == title


def redirects_to(slug):
    return lambda answer: answer.status == 301 and answer.headers["Location"] == detail(slug)


def is_gone(answer):
    return answer.status == 404


def slugs_listed(answer):
    return {card["slug"]: card["title"] for card in answer.json()["results"]}


def listed(slug, title):
    return lambda answer: answer.status == 200 and slugs_listed(answer).get(slug) == title


def not_listed(*slugs):
    return lambda answer: answer.status == 200 and not set(slugs) & set(slugs_listed(answer))


class Reads:
    """Public reads, each checked against what it should show; the ones that did not, with
    the server that answered each when the reads are made one at a time."""

    def __init__(self, server, cluster):
        self.server = server
        self.cluster = cluster
        self.wrong = []
        self.count = 0

    def check(self, what, path, expect, times=4, threads=1):
        """Read `path` `times` times (from `threads` clients at once, which reaches every
        gunicorn worker)."""
        if threads == 1:
            answers = [self.read_one(path) for _ in range(times)]
        else:
            with ThreadPoolExecutor(threads) as pool:
                answers = [(answer, "") for answer in pool.map(self.server.get, [path] * times)]
        self.count += len(answers)
        self.wrong += [
            (f"{what}: {path}", f"{answer}{source}")
            for answer, source in answers
            if not expect(answer)
        ]

    def report(self, examples=10):
        """How many reads went wrong where, then the first few of them in full."""
        where = Counter(read for read, _ in self.wrong)
        counts = [f"{count} x {read}" for read, count in where.items()]
        firsts = [f"{read} answered {answer}" for read, answer in self.wrong[:examples]]
        return "\n".join([f"{len(self.wrong)} of {self.count} reads wrong:", *counts, *firsts])

    def read_one(self, path):
        """The answer, and which servers read the articles' tables for it."""
        sizes = [(node, node.log_size()) for node in self.cluster.nodes]
        answer = self.server.get(path)
        nodes = [node.name for node, size in sizes if "articles_" in node.logged_since(size)]
        return answer, f" (read from {', '.join(nodes) or 'no database'})"


def served_by(cluster, word):
    """The names of the servers that ran a statement naming `word`."""
    return [node.name for node in cluster.nodes if node.served(word)]


def wait_for_reads_on(replica, cluster, server, timeout):
    """Read until `replica` serves one; the seconds that took, or None."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        slug = unique()
        server.get(detail(slug))
        if served_by(cluster, slug) == [replica.name]:
            return time.monotonic() - started
        time.sleep(0.05)
    return None


class PausedReplay:
    """Replay paused on `replicas` for a move, resumed `resume_after` seconds after it starts
    (during the move) or, with None, when the test says so (after it returned)."""

    def __init__(self, cluster, replicas, resume_after=None):
        self.cluster = cluster
        self.replicas = replicas
        self.resume_after = resume_after
        self.timer = None

    def __enter__(self):
        for replica in self.replicas:
            self.cluster.pause_replay(replica)
        if self.resume_after is not None:
            self.timer = threading.Timer(self.resume_after, self.resume)
            self.timer.start()
        return self

    def resume(self):
        for replica in self.replicas:
            self.cluster.resume_replay(replica)

    def __exit__(self, *exc):
        if self.timer is not None:
            self.timer.join()
        self.resume()


class Moves:
    """Editorial moves, timed; those that failed or took longer than the bound."""

    def __init__(self):
        self.seconds = []
        self.wrong = []
        self.spans = []  # (started, returned), time.monotonic()

    def make(self, what, move, *args):
        started = time.monotonic()
        answer = move(*args)
        self.spans.append((started, time.monotonic()))
        self.seconds.append(answer.seconds)
        if not 200 <= answer.status < 300 or answer.seconds > MOVE_BOUND:
            self.wrong.append(f"{what} answered {answer}")
        return answer

    def summary(self):
        if not self.seconds:
            return "no moves"
        each = ", ".join(f"{seconds:.2f}" for seconds in self.seconds)
        ordered = sorted(self.seconds)
        return f"{len(ordered)} moves, median {ordered[len(ordered) // 2]:.2f} s ({each} s)"

    def under_way(self, moment):
        """Whether a move had started and not yet returned at `moment`."""
        return any(started <= moment <= returned for started, returned in self.spans)

    def since_return(self, moment):
        """How long before `moment` the last move returned, as words."""
        returned = [end for _, end in self.spans if end < moment]
        return f"{moment - max(returned):.2f} s after a move returned" if returned else "before"


# 1. Routing ------------------------------------------------------------------------------------


def test_public_reads_go_to_a_replica_and_editorial_reads_to_the_primary(cluster, server, newsroom):
    public = {}
    for _ in range(10):
        slug, word = unique(), unique()
        assert server.get(detail(slug)).status == 404
        assert server.get(f"/api/v1/articles/?q={word}").status == 200
        public[slug] = served_by(cluster, slug)
        public[word] = served_by(cluster, word)
    editorial = {}
    for _ in range(5):
        number = 900_000_000_000 + uuid.uuid4().int % 10**11
        newsroom.call("editor", "GET", f"/api/v1/editorial/articles/{number}/", expect=(404,))
        editorial[number] = served_by(cluster, str(number))

    on = [name for nodes in public.values() for name in nodes]
    print(f"\npublic reads served by: { {name: on.count(name) for name in sorted(set(on))} }")
    assert all(nodes and "primary" not in nodes for nodes in public.values()), public
    assert all(nodes == ["primary"] for nodes in editorial.values()), editorial


def test_one_request_reads_one_replica(cluster, server):
    """A read of an unknown slug looks for a live article, then for a retired slug; a list
    reads the change stamp, then the count and the rows. All from one replica, or the parts
    come from two points in time (and a page may be filed under the wrong stamp)."""
    words = [unique() for _ in range(20)]
    for number, word in enumerate(words):
        path = detail(word) if number % 2 else f"/api/v1/articles/?q={word}"
        assert server.get(path).status in (200, 404)
    on_several = {word: nodes for word in words if len(nodes := served_by(cluster, word)) > 1}
    assert on_several == {}


# 2. No stale read after a move returns ---------------------------------------------------------


def test_no_stale_read_after_publish_unpublish_or_rename_with_replay_paused(
    cluster, server, newsroom
):
    """Each move is made with replay paused on every replica; in even cycles replay resumes
    half a second into the move, in odd ones only after the reads that follow it."""
    reads, moves = Reads(server, cluster), Moves()
    for cycle in range(CYCLES):
        resume_after = 0.5 if cycle % 2 == 0 else None
        slug, renamed = f"cycle-{cycle}", f"cycle-{cycle}-renamed"
        title, new_title = f"Cycle {cycle}", f"Cycle {cycle} renamed"
        article = newsroom.ready(slug, title)
        reads.check("before publishing", detail(slug), is_gone)
        reads.check("before publishing, list", LIST, not_listed(slug))

        with PausedReplay(cluster, cluster.replicas, resume_after):
            moves.make(f"cycle {cycle}: publish", newsroom.publish, article)
            reads.check(f"cycle {cycle}: publish", detail(slug), shows(title))
            reads.check(f"cycle {cycle}: publish, list", LIST, listed(slug, title))

        newsroom.edit(article, slug=renamed, title=new_title)
        newsroom.approve(article)
        reads.check("before renaming", detail(slug), shows(title))
        with PausedReplay(cluster, cluster.replicas, resume_after):
            moves.make(f"cycle {cycle}: rename", newsroom.publish, article)
            reads.check(f"cycle {cycle}: rename, old slug", detail(slug), redirects_to(renamed))
            reads.check(f"cycle {cycle}: rename, new slug", detail(renamed), shows(new_title))
            reads.check(f"cycle {cycle}: rename, list", LIST, listed(renamed, new_title))
            reads.check(f"cycle {cycle}: rename, list", LIST, not_listed(slug))

        with PausedReplay(cluster, cluster.replicas, resume_after):
            moves.make(f"cycle {cycle}: unpublish", newsroom.unpublish, article)
            reads.check(f"cycle {cycle}: unpublish", detail(renamed), is_gone)
            reads.check(f"cycle {cycle}: unpublish, old slug", detail(slug), is_gone)
            reads.check(f"cycle {cycle}: unpublish, list", LIST, not_listed(renamed, slug))

        # And once replay has caught up, still the new state (nothing cached the old one).
        for replica in cluster.replicas:
            cluster.wait_caught_up(replica)
        reads.check(f"cycle {cycle}: caught up", detail(renamed), is_gone)
        reads.check(f"cycle {cycle}: caught up, list", LIST, not_listed(renamed, slug))

    print(f"\n{CYCLES} cycles: {len(reads.wrong)} stale of {reads.count} reads; {moves.summary()}")
    assert moves.wrong == [], server.log_tail()
    assert reads.wrong == [], reads.report()


# 3. ETags never go backwards -------------------------------------------------------------------


class Poller(threading.Thread):
    """A reader polling one article with If-None-Match, as a client holding it does. The
    article's title ends in its version ("… v3"): a 200 with an older version than the newest
    the reader has seen, under that version's ETag or another, went backwards."""

    def __init__(self, server, slug):
        super().__init__(daemon=True)
        self.server = server
        self.path = detail(slug)
        self.newest = None  # (version, ETag) of the newest version seen
        self.etags = set()
        self.backwards = []  # (time.monotonic(), what happened)
        self.answers = {}
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            headers = {"If-None-Match": self.newest[1]} if self.newest else {}
            answer = self.server.get(self.path, **headers)
            self.answers[answer.status] = self.answers.get(answer.status, 0) + 1
            if answer.status == 200:
                self.saw(answer)

    def saw(self, answer):
        etag, version = answer.headers["ETag"], int(answer.json()["title"].rsplit("v", 1)[1])
        self.etags.add(etag)
        if self.newest is None or version >= self.newest[0]:
            self.newest = (version, etag)
            return
        newest_version, newest_etag = self.newest
        seen = f"got {etag} (v{version}) after {newest_etag} (v{newest_version})"
        self.backwards.append((time.monotonic(), seen))

    def stop(self):
        self.stopping.set()
        self.join(timeout=30)


def test_etags_never_go_backwards(cluster, server, newsroom):
    """The article is edited and published again four times, with replay paused on one replica
    (the other keeps up) or on both, resumed during the move or after it."""
    article = newsroom.ready("etag-watch", "ETag watch v0")
    assert newsroom.publish(article).status == 200
    poller = Poller(server, "etag-watch")
    poller.start()
    moves = Moves()
    try:
        for version in range(1, 5):
            newsroom.edit(article, title=f"ETag watch v{version}")
            newsroom.approve(article)
            paused = cluster.replicas[-1:] if version % 2 else cluster.replicas
            resume_after = 0.5 if version <= 2 else None
            with PausedReplay(cluster, paused, resume_after):
                moves.make(f"publish v{version}", newsroom.publish, article)
                time.sleep(1)  # the poller reads on, replay still paused (or just resumed)
            time.sleep(0.5)
    finally:
        poller.stop()

    during = [seen for moment, seen in poller.backwards if moves.under_way(moment)]
    after = [
        f"{seen}, {moves.since_return(moment)}"
        for moment, seen in poller.backwards
        if not moves.under_way(moment)
    ]
    print(
        f"\nETag poller: {poller.answers}, {len(poller.etags)} ETags; {moves.summary()}; "
        f"went backwards {len(after)} times after a move returned, {len(during)} during one"
    )
    assert moves.wrong == [], server.log_tail()
    assert after == [], after[:10]
    # While a move waits for the replicas, one that has applied it must not be read before one
    # that has not.
    assert during == [], during[:10]
    assert poller.newest[0] == 4


# 4. No cache refilled from the past ------------------------------------------------------------


def test_no_cache_is_refilled_from_the_past(cluster, server, newsroom, server_cache):
    """Two replicas, one paused: after a publish returns, lists and the document read across
    both workers show the new version, also after Redis is emptied during the lag, and after
    the replica has caught up (had anything filed the old version, it would show now)."""
    article = newsroom.ready("cache-watch", "Cache watch v1")
    assert newsroom.publish(article).status == 200
    for replica in cluster.replicas:
        cluster.wait_caught_up(replica)
    reads, moves = Reads(server, cluster), Moves()
    reads.check("warming", detail("cache-watch"), shows("Cache watch v1"), times=20, threads=4)
    reads.check("warming, list", LIST, listed("cache-watch", "Cache watch v1"), times=20, threads=4)
    newsroom.edit(article, title="Cache watch v2")
    newsroom.approve(article)
    answered_before = len(server.access_lines())

    lagging = cluster.replicas[-1]
    new = [
        (detail("cache-watch"), shows("Cache watch v2")),
        (LIST, listed("cache-watch", "Cache watch v2")),
        ("/api/v1/articles/?page_size=5", listed("cache-watch", "Cache watch v2")),
    ]
    with PausedReplay(cluster, [lagging]):
        moves.make("publish v2", newsroom.publish, article)
        for path, expect in new:
            reads.check("lagging", path, expect, times=40, threads=4)
        assert server_cache.empty() > 0  # documents, the set-aside mark…
        for path, expect in new:
            reads.check("lagging, Redis emptied", path, expect, times=40, threads=4)
    cluster.wait_caught_up(lagging)
    for path, expect in new:
        reads.check("caught up", path, expect, times=40, threads=4)

    workers = {line.split()[0] for line in server.access_lines()[answered_before:]}
    print(f"\n{len(reads.wrong)} stale of {reads.count} reads, from {len(workers)} workers")
    assert moves.wrong == [], server.log_tail()
    assert len(workers) == 2
    assert reads.wrong == [], reads.report()


# 5. A replica in trouble is not an outage -------------------------------------------------------


PUBLIC_PATHS = [LIST, "/api/v1/tags/", "/api/v1/reviewers/", "/api/v1/articles/?q=knee"]


def read_each(server, paths, timeout=30, give_up_after=None):
    """(path, answer) for each path in turn; stops after `give_up_after` answers other than
    200 (each of which may have cost the whole timeout)."""
    answers = []
    for path in paths:
        answers.append((path, server.get(path, timeout=timeout)))
        if give_up_after and sum(answer.status != 200 for _, answer in answers) >= give_up_after:
            break
    return answers


def test_a_stopped_replica_is_not_an_outage(cluster, server, newsroom):
    article = newsroom.ready("stop-watch", "Stop watch")
    assert newsroom.publish(article).status == 200
    stopped = cluster.replicas[0]
    cluster.stop(stopped)
    answers = read_each(server, [detail("stop-watch"), *PUBLIC_PATHS] * 8)

    cluster.start_node(stopped)
    cluster.wait_streaming(stopped)
    cluster.wait_caught_up(stopped)
    back_after = wait_for_reads_on(stopped, cluster, server, timeout=RETRY + 5)

    failed = [f"{path}: {answer}" for path, answer in answers if answer.status != 200]
    slowest = max(answer.seconds for _, answer in answers)
    print(
        f"\nstopped replica: {len(failed)} of {len(answers)} reads failed, slowest {slowest:.2f} s;"
    )
    print(f"reads on it again {back_after} s after it caught up")
    assert failed == [], "\n".join(failed) + server.log_tail()
    assert back_after is not None, f"no read reached {stopped.name} after it caught up"


def test_a_frozen_replica_is_given_up_on_within_the_timeout(cluster, server, newsroom):
    article = newsroom.ready("freeze-watch", "Freeze watch")
    assert newsroom.publish(article).status == 200
    frozen = cluster.replicas[0]
    # Every worker holds connections to both replicas, as a server that has been up a while does.
    Reads(server, cluster).check(
        "warming", detail("freeze-watch"), lambda answer: True, times=20, threads=4
    )
    cluster.freeze(frozen)
    try:
        paths = [detail("freeze-watch"), *PUBLIC_PATHS, "/admin/login/"] * 3
        answers = read_each(server, paths, timeout=READ_BOUND + 5, give_up_after=3)
    finally:
        cluster.thaw(frozen)
    back_after = wait_for_reads_on(frozen, cluster, server, timeout=RETRY + 5)

    too_slow = [
        f"{path}: {answer}"
        for path, answer in answers
        if answer.status != 200 or answer.seconds > READ_BOUND
    ]
    slowest = max(answer.seconds for _, answer in answers)
    print(
        f"\nfrozen replica: {len(too_slow)} of {len(answers)} reads failed or took over "
        f"{READ_BOUND} s, slowest {slowest:.2f} s; reads on it again {back_after} s after SIGCONT"
    )
    assert too_slow == [], "\n".join(too_slow) + server.log_tail()
    assert back_after is not None, f"no read reached {frozen.name} after SIGCONT"


# 6. /healthz --------------------------------------------------------------------------------------


def test_healthz_says_ok_and_gives_each_replicas_lag(cluster, server):
    # A worker that saw a replica fail in an earlier test leaves it alone for RETRY seconds,
    # and says so: ask until both workers have tried again.
    deadline = time.monotonic() + RETRY + 3
    while True:
        answer = server.get("/healthz")
        assert answer.status == 200, answer
        body = answer.json()
        if body["status"] == "ok" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert body["status"] == "ok", body
    assert set(body["replicas"]) == {replica.name for replica in cluster.replicas}, body
    for state in body["replicas"].values():
        assert state["status"] == "ok", body
        assert isinstance(state["lag_seconds"], (int, float)), body


def degraded_healthz(cluster, server, replica, status):
    """Ask /healthz until it reports `replica` as `status` (the server may notice only at its
    next check), at most MAX_LAG + RETRY + 3 s; each answer, and the last body."""
    answers = []
    deadline = time.monotonic() + MAX_LAG + RETRY + 3
    while time.monotonic() < deadline:
        answer = server.get("/healthz", timeout=READ_BOUND + 5)
        answers.append(answer)
        if (
            answer.status == 200
            and answer.json().get("replicas", {}).get(replica.name, {}).get("status") == status
        ):
            break
        time.sleep(0.2)
    return answers


def assert_degraded(answers, cluster, replica, status):
    last = answers[-1]
    assert last.status == 200, last
    body = last.json()
    assert body["status"] == "degraded", body
    assert body["replicas"][replica.name]["status"] == status, body
    others = [other.name for other in cluster.replicas if other is not replica]
    assert all(body["replicas"][name]["status"] == "ok" for name in others), body
    slow = [str(answer) for answer in answers if answer.seconds > READ_BOUND]
    assert slow == []


def test_healthz_says_degraded_with_a_replica_behind(cluster, server, newsroom):
    behind = cluster.replicas[0]
    article = newsroom.ready("health-lag", "Health lag")
    with PausedReplay(cluster, [behind]):
        newsroom.publish(article)
        answers = degraded_healthz(cluster, server, behind, "lagging")
    assert_degraded(answers, cluster, behind, "lagging")


def test_healthz_says_degraded_with_a_replica_stopped(cluster, server):
    stopped = cluster.replicas[0]
    cluster.stop(stopped)
    answers = degraded_healthz(cluster, server, stopped, "unavailable")
    assert_degraded(answers, cluster, stopped, "unavailable")


def test_healthz_says_degraded_with_a_replica_frozen(cluster, server):
    frozen = cluster.replicas[0]
    cluster.freeze(frozen)
    try:
        answers = degraded_healthz(cluster, server, frozen, "unavailable")
    finally:
        cluster.thaw(frozen)
    assert_degraded(answers, cluster, frozen, "unavailable")
