"""`make bench`: load BENCH_N generated articles, serve them with gunicorn, load them with wrk.

Environment:
    BENCH_N         articles to load (default 2000)
    DATABASE_URL    the database to load and serve (default: a SQLite file in bench/data/);
                    a PostgreSQL database that does not exist yet is created
    REDIS_URL       passed on to the server, to measure with the Redis cache
    BENCH_SECONDS   length of each measured run (default 5); BENCH_WARMUP the warm-up (5)
    BENCH_RUNS      measured runs of each endpoint, each followed by one of the floor (5)
    BENCH_FRESH=1   import again even if the database already holds BENCH_N live articles
    BENCH_VARNISH=0 skip the reads through Varnish
    BENCH_PORT      the gunicorn serving the site (default 8765); the next port serves the
                    default-middleware floor, the one after it Varnish

Every endpoint is measured in the same run as the floor (a bare view returning the same
detail bytes through the project's middleware), and reported as a ratio to it: the machine is
shared, so only ratios compare across runs. Endpoint and floor take turns, run by run, and
each run's ratio is to the floor runs just before and just after it; the median is reported.
A second gunicorn serves the same bare view behind startproject's default MIDDLEWARE
(bench/default_settings.py), measured the same way, to show what the project's own middleware
costs. Then, when varnishd is installed,
detail and list are read through Varnish (deploy/varnish/default.vcl) while one article is
re-rendered and purged every second (bench/through_varnish.py). The tables are printed and
written to bench/results/.
"""

import datetime
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
DEFAULT_FLOOR_PORT = PORT + 1
DEFAULT_BASE = f"http://127.0.0.1:{DEFAULT_FLOOR_PORT}"
VARNISH_PORT = PORT + 2
N = int(os.environ.get("BENCH_N", "2000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "5"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
SEED = 7
SEARCH_TERMS = [
    "knee pain", "hip", "ankle swelling", "cramps", "tendinitis", "bursitis", "stretch",
    "shoes", "night", "running", "shoulder stiffness", "numbness", "osteoarthritis", "sprain",
    "circulation", "lower back", "heel", "morning stiffness", "wrist", "cold pack",
]  # fmt: skip


def main():
    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    require_wrk()
    env = server_environment()
    os.environ.update(env)
    import_figures = load_articles(env)

    import django

    sys.path.insert(0, str(ROOT))  # bench.urls, the URLconf this process resolves with too

    django.setup()
    from bench import through_varnish

    analyze()
    varnish_missing = through_varnish.missing()
    if os.environ.get("BENCH_VARNISH") == "0":
        varnish_missing = "BENCH_VARNISH=0"
    varnish_url = f"http://127.0.0.1:{VARNISH_PORT}/"
    default_middleware = {**env, "DJANGO_SETTINGS_MODULE": "bench.default_settings"}
    servers = [
        # The site's server would purge this Varnish on changes made through it.
        start_server({**env, "FRONTEND_CACHE_URLS": varnish_url}, PORT),
        start_server(default_middleware, DEFAULT_FLOOR_PORT),
    ]
    SERVER_PIDS.update({BASE: servers[0].pid, DEFAULT_BASE: servers[1].pid})
    varnish = None
    try:
        endpoints = endpoint_paths()
        if varnish_missing:
            print(f"Not measuring through Varnish: {varnish_missing}.")
        else:
            varnish = through_varnish.start(VARNISH_PORT, PORT, DATA / "varnish")
            endpoints += varnish_endpoints(endpoints, varnish_url)
        rows = measure_between_floors(endpoints)
        rss = worker_rss_mb(servers[0])
    finally:
        if varnish:
            through_varnish.stop(varnish)
        for server in servers:
            stop_server(server)
    queries = queries_per_request(endpoints)
    publish_ms = publish_milliseconds()
    report(rows, queries, rss, import_figures, publish_ms, varnish_missing)


def require_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing it from Debian's packages.")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
    if not shutil.which("wrk"):
        sys.exit("make bench needs wrk, the HTTP load generator: apt-get install wrk")


def server_environment():
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA / f'bench-{N}.sqlite3'}"
    return {
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or os.urandom(32).hex(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "API_ANON_RATE": "",  # throttling off for the run
        "BENCH_FLOOR_FILE": str(DATA / "floor.json"),
        "DJANGO_ROOT_URLCONF": "bench.urls",  # the site's URLs and the floor view
        # Absolute, as in production: documents are sent as stored (a path costs a decoding).
        "MEDIA_URL": os.environ.get("MEDIA_URL") or "https://media.example.org/media/",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def manage(*args, env):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env={**os.environ, **env}, check=True)


def load_articles(env):
    """Generate, migrate and import unless the database already holds N live articles."""
    create_postgresql_database(env["DATABASE_URL"])
    manage("migrate", "-v0", env=env)
    live = live_count(env)
    if live == N and os.environ.get("BENCH_FRESH") != "1":
        print(f"The database already holds {N} live articles: not importing again.")
        return None
    if live:
        sys.exit(f"The database holds {live} live articles, not {N}: point DATABASE_URL at an "
                 "empty database, or remove bench/data/ for the SQLite default.")  # fmt: skip
    source = DATA / f"articles-{N}.jsonl"
    if not source.exists():
        manage("generate_articles", str(N), "--seed", str(SEED), "--out", str(source), env=env)
    # Renditions are left in the task queue (no worker runs them here): the figure is the time
    # until every article is live, as the command reports it, and the whole command's time.
    started = time.perf_counter()
    result = subprocess.run(
        [PYTHON, "manage.py", "import_articles", str(source), "--publish"],
        cwd=ROOT, env={**os.environ, **env, "TASKS_BACKEND": "database"},
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    live = re.search(r"live in ([\d.]+) s \((\d+) articles/s\)", result.stdout)
    return {
        "articles": N,
        "seconds": seconds,
        "per_second": N / seconds,
        "live_seconds": float(live[1]),
        "live_per_second": int(live[2]),
    }


def live_count(env):
    code = "from articles.models import PublishedArticle; print(PublishedArticle.objects.count())"
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return int(result.stdout.strip().splitlines()[-1])


def create_postgresql_database(url):
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def analyze():
    """Bring the database to the state a server that has been up for a while is in.

    Planner statistics are refreshed, as autovacuum would do on a live database: a freshly
    imported PostgreSQL table has none, and is then scanned instead of read by index. And every
    article is read once, so the operating system (and PostgreSQL's buffers) hold the pages
    of a freshly imported database: otherwise the detail of 20,000 articles in shuffled order
    measured the disk, 0.47 of the floor against 0.70 at 2,000 (SQLite, the same code).
    """
    from django.db import connection

    from articles.models import PublishedArticle

    table = PublishedArticle._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        cursor.execute(
            f"SELECT SUM(LENGTH(document_json) + LENGTH(CAST(card AS text))) FROM {table}"
        )


def start_server(env, port):
    command = [
        PYTHON, "-m", "gunicorn", "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
        "--access-logfile", "/dev/null", "--error-logfile", str(DATA / "gunicorn.log"),
        "--pythonpath", str(ROOT),  # bench.urls, the URLconf it is given
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit(f"gunicorn did not answer; see {DATA / 'gunicorn.log'}")


def stop_server(server):
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


@dataclass
class Endpoint:
    name: str
    paths: list
    headers: dict = field(default_factory=dict)
    base: str = BASE
    # Around the measured runs (not the warm-up); yields a dict of figures it fills on exit.
    during: object = nullcontext
    origin: bool = True  # served by the site's gunicorn: its queries are counted


def endpoint_paths():
    """The endpoints of the origin, floor first."""
    from articles.models import PublishedArticle

    slugs = list(PublishedArticle.objects.order_by("pk").values_list("slug", flat=True))
    random.Random(SEED).shuffle(slugs)
    first = f"/api/v1/articles/{slugs[0]}/"
    with urllib.request.urlopen(BASE + first) as response:
        body, etag = response.read(), response.headers["ETag"]
    Path(os.environ["BENCH_FLOOR_FILE"]).write_bytes(body)
    last_page = max(1, -(-len(slugs) // 20))
    last_pages = range(max(1, last_page - 4), last_page + 1)
    return [
        Endpoint("floor (same detail bytes)", ["/bench/floor/"]),
        Endpoint(
            "floor, startproject's middleware",
            ["/bench/floor/"],
            base=DEFAULT_BASE,
            origin=False,
        ),
        Endpoint("detail, every article", [f"/api/v1/articles/{slug}/" for slug in slugs]),
        Endpoint("detail, 304 on If-None-Match", [first], {"If-None-Match": etag}),
        Endpoint("list, pages 1-5", [f"/api/v1/articles/?page={p}" for p in range(1, 6)]),
        Endpoint(
            f"list, pages {last_pages[0]}-{last_pages[-1]}",
            [f"/api/v1/articles/?page={p}" for p in last_pages],
        ),
        Endpoint("list by cursor, last 5 pages", deepest_cursor_pages(5)),
        Endpoint("search, 20 terms", [f"/api/v1/articles/?q={quote(t)}" for t in SEARCH_TERMS]),
    ]


VARNISH_ROWS = {  # each read through Varnish, and the origin row it is compared with
    "detail through Varnish, every article": "detail, every article",
    "list through Varnish, pages 1-5": "list, pages 1-5",
}


def varnish_endpoints(origin_endpoints, varnish_url):
    """Detail and list read through Varnish, the same paths as at the origin, while one
    article a second is re-rendered and purged (the articles of the detail mix, in turn)."""
    from bench import through_varnish

    by_name = {endpoint.name: endpoint for endpoint in origin_endpoints}
    slugs = [path.rstrip("/").rsplit("/", 1)[1] for path in by_name["detail, every article"].paths]

    def publishing():
        return through_varnish.publishing_every_second(slugs, varnish_url, DATA / "varnish")

    return [
        Endpoint(name, by_name[origin].paths, base=varnish_url.rstrip("/"), during=publishing,
                 origin=False)
        for name, origin in VARNISH_ROWS.items()
    ]  # fmt: skip


def deepest_cursor_pages(count):
    """The paths of the last `count` pages of the list, reached by following `next` cursors."""
    path, paths = "/api/v1/articles/?cursor=", []
    while path:
        paths = [*paths[-(count - 1) :], path] if count > 1 else [path]
        with urllib.request.urlopen(BASE + path) as response:
            next_url = json.loads(response.read())["next"]
        path = next_url and next_url.removeprefix(BASE)
    return paths


def quote(text):
    return urllib.request.quote(text)


def measure_between_floors(endpoints):
    """Each endpoint's figures, with `of_floor`: the median, over its runs, of the run's
    requests a second divided by the mean of the floor's runs just before and just after it.
    The endpoint and the floor take turns, run by run: the shared machine's speed drifts over
    seconds by more than the differences being measured, and both sides of each ratio then
    drift together."""
    floor, *others = endpoints
    floor_paths = write_paths(floor.paths, "floor")
    first = measure(floor)
    first["of_floor"] = 1.0
    rows, before = [first], first["rps"]
    for endpoint in others:
        paths_file = write_paths(endpoint.paths, "endpoint")
        run_wrk(paths_file, WARMUP, endpoint)
        runs, ratios, floor_cpu = [], [], []
        with endpoint.during() as during:
            for _ in range(RUNS):
                runs.append(run_measured(paths_file, SECONDS, endpoint))
                floor_run = run_measured(floor_paths, SECONDS, floor)
                ratios.append(runs[-1]["rps"] / ((before + floor_run["rps"]) / 2))
                before = floor_run["rps"]
                floor_cpu.append(floor_run["cpu_us"])
        row = {"name": endpoint.name, **median_run(runs), **(during or {})}
        row["of_floor"] = statistics.median(ratios)
        row["cpu_us"] = median_cpu(runs)
        row["floor_cpu_us"] = statistics.median(floor_cpu)
        print(f"{endpoint.name}: {row['rps']:.0f} req/s, of floor "
              f"{', '.join(f'{ratio:.2f}' for ratio in ratios)}")  # fmt: skip
        rows.append(row)
    return rows


def write_paths(paths, name):
    # Named by process too: another bench may run beside this one.
    paths_file = DATA / f"paths-{os.getpid()}-{name}.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    return paths_file


def measure(endpoint):
    paths_file = write_paths(endpoint.paths, "floor")
    run_wrk(paths_file, WARMUP, endpoint)
    runs = [run_measured(paths_file, SECONDS, endpoint) for _ in range(RUNS)]
    figures = ", ".join(f"{run['rps']:.0f}" for run in runs)
    print(f"{endpoint.name}: {figures} req/s")
    cpu = median_cpu(runs)
    return {"name": endpoint.name, **median_run(runs), "cpu_us": cpu, "floor_cpu_us": cpu}


def median_run(runs):
    return sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]


def median_cpu(runs):
    figures = [run["cpu_us"] for run in runs if run["cpu_us"] is not None]
    return statistics.median(figures) if figures else None


def run_wrk(paths_file, seconds, endpoint):
    command = ["wrk", "-t1", "-c8", f"-d{seconds}s", "-s", str(ROOT / "bench" / "paths.lua")]
    headers = [part for item in endpoint.headers.items() for part in ("-H", ": ".join(item))]
    output = subprocess.run(
        [*command, *headers, endpoint.base],
        env={**os.environ, "BENCH_PATHS": str(paths_file)},
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    figures = json.loads(re.search(r"^BENCH (.*)$", output, re.MULTILINE).group(1))
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


# The gunicorn master serving each base URL, filled in by main().
SERVER_PIDS = {}


def workers_cpu_seconds(base):
    """User and system CPU seconds used so far by the gunicorn workers serving `base`, or None
    (Varnish). Unlike requests a second, a request's CPU barely moves with the other work on a
    shared machine."""
    master = SERVER_PIDS.get(base)
    if master is None:
        return None
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    ticks = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime and stime
    return ticks / os.sysconf("SC_CLK_TCK")


def run_measured(paths_file, seconds, endpoint):
    """run_wrk, with `cpu_us`: the CPU its server's workers spent a request (None for Varnish)."""
    before = workers_cpu_seconds(endpoint.base)
    figures = run_wrk(paths_file, seconds, endpoint)
    after = workers_cpu_seconds(endpoint.base)
    requests = max(figures["requests"], 1)
    figures["cpu_us"] = None if before is None else (after - before) / requests * 1e6
    return figures


def worker_rss_mb(server):
    """The largest resident memory of gunicorn's workers, in MB, read after the runs."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
    return max(sizes)


def queries_per_request(endpoints):
    """SQL queries one request of each endpoint makes (its first path), counted in process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for endpoint in endpoints:
        if not endpoint.origin:
            continue
        client.get(endpoint.paths[0], headers=endpoint.headers)  # first: caches, stamps
        with CaptureQueriesContext(connection) as queries:
            client.get(endpoint.paths[0], headers=endpoint.headers)
        counts[endpoint.name] = len(queries)
    return counts


class RolledBack(Exception):
    pass


def publish_milliseconds(times=5):
    """Median time of `workflow.publish` for a new article with 5 sections and 6 related
    topics, in process; each try is rolled back, so the data set stays as it was."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from articles import editing, workflow
    from articles.models import Article, Review
    from reviewers.models import Reviewer

    User = get_user_model()
    writer = User.objects.filter(groups__name="Writers").first()
    editor = User.objects.get(username="importer")
    reviewer = Reviewer.objects.exclude(user=writer).first()
    targets = list(Article.objects.order_by("pk")[:6])
    durations = []
    for attempt in range(times):
        try:
            with transaction.atomic():
                content = editing.WorkingCopy(
                    fields={"title": "Timing", "slug": f"timing-{attempt}", "summary": "Timing."},
                    sections=[{"heading": f"Part {n}", "body": "**Rest.**"} for n in range(5)],
                    related_topics=[{"article": target, "blurb": ""} for target in targets],
                )
                article = editing.create_article(by=writer, content=content)
                article = workflow.submit(article=article, by=writer, reviewers=[reviewer])
                review = Review.objects.get(revision=article.current_revision)
                workflow.approve(review=review, by=reviewer.user)
                started = time.perf_counter()
                workflow.publish(article=article, by=editor)
                durations.append((time.perf_counter() - started) * 1000)
                raise RolledBack
        except RolledBack:
            pass
    return sorted(durations)[times // 2]


def report(rows, queries, rss, import_figures, publish_ms, varnish_missing):
    from django.conf import settings
    from django.db import connection

    vendor = connection.vendor
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    cache = "Redis" if os.environ.get("REDIS_URL") else "local memory"
    pages = "pages" if settings.API_PAGE_CACHE else "no pages"
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    lines = [
        f"# Benchmark: {N} articles on {vendor}, {cache} cache (holding {pages})",
        "",
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, commit {commit}, "
        f"{os.cpu_count()} CPUs, load {load} at the end; gunicorn 2 sync workers; wrk -t1 -c8, "
        f"{WARMUP} s warm-up, {RUNS} runs of {SECONDS} s taking turns with the floor; figures of "
        "the median run, and each endpoint's fraction the median of its runs' fractions of the "
        "project floor measured just before and just after them. Worker CPU: the user and "
        "system CPU of the gunicorn workers a request, median of the runs (PostgreSQL's own "
        "processes not counted); it moves far less with the machine's other work.",
        "",
        *origin_table(rows, queries),
        "",
        *floors_line(rows),
        "",
        *varnish_table(rows, varnish_missing),
        "",
        f"Largest gunicorn worker RSS after the runs: {rss:.0f} MB.",
        f"Publishing one article with 6 related topics, in process: {publish_ms:.0f} ms (median "
        "of 5, rolled back).",
    ]
    if import_figures:
        lines.append(
            f"Import with --publish: {import_figures['articles']} articles with hero images "
            f"live in {import_figures['live_seconds']:.1f} s "
            f"({import_figures['live_per_second']} articles/s); the whole command "
            f"{import_figures['seconds']:.1f} s ({import_figures['per_second']:.1f} articles/s)."
        )
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M")
    (RESULTS / f"{stamp}-{vendor}-{N}.md").write_text(text)


def origin_table(rows, queries):
    lines = [
        "| endpoint | req/s | p50 ms | p99 ms | bytes/response | errors | of floor "
        "| worker CPU µs/request | floor's CPU ÷ this | SQL/request |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if row["name"] in VARNISH_ROWS:
            continue
        lines.append(
            f"| {row['name']} | {row['rps']:.0f} | {row['p50_us'] / 1000:.1f} "
            f"| {row['p99_us'] / 1000:.1f} | {row['bytes'] / max(row['requests'], 1):.0f} "
            f"| {row['errors'] + row['non_2xx_3xx']} | {row['of_floor']:.2f} "
            f"| {row['cpu_us']:.0f} | {row['floor_cpu_us'] / row['cpu_us']:.2f} "
            f"| {queries.get(row['name'], '—')} |"
        )
    return lines


def floors_line(rows):
    default = next(row for row in rows if row["name"] == "floor, startproject's middleware")
    return [
        f"Project floor ÷ startproject's default-middleware floor: "
        f"{1 / default['of_floor']:.2f} in requests a second, "
        f"{default['cpu_us'] / default['floor_cpu_us']:.2f} in worker CPU (target ≥ 0.85)."
    ]


def varnish_table(rows, varnish_missing):
    if varnish_missing:
        return [f"Not measured through Varnish: {varnish_missing}."]
    by_name = {row["name"]: row for row in rows}
    lines = [
        "Through Varnish, with one article re-rendered and purged every "
        "second (articles.publishing.rerender; its keys purged once it commits):",
        "",
        "| through Varnish | req/s | p50 ms | p99 ms | errors | hit ratio | re-renders "
        "| failed purges | of floor | x origin |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, origin_name in VARNISH_ROWS.items():
        row, origin = by_name[name], by_name[origin_name]
        times_origin = row["of_floor"] / origin["of_floor"]
        lines.append(
            f"| {name} | {row['rps']:.0f} | {row['p50_us'] / 1000:.1f} "
            f"| {row['p99_us'] / 1000:.1f} | {row['errors'] + row['non_2xx_3xx']} "
            f"| {row['hit_ratio']:.4f} | {row['publishes']} | {row['failed_purges']} "
            f"| {row['of_floor']:.2f} | {times_origin:.1f} |"
        )
    return lines


if __name__ == "__main__":
    main()
