"""`make bench` through Varnish: deploy/varnish/default.vcl in front of the bench's gunicorn,
with one article re-rendered every second while wrk reads, so the purges really go out.

The re-render is `articles.publishing.rerender` in the bench's own process, with
FRONTEND_CACHE_URLS naming this Varnish: it writes the live row, bumps the change stamp and,
once its transaction commits, sends the article's and every listing's surrogate keys to
Varnish, as a publish from the editorial API does.
"""

import re
import shutil
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from itertools import cycle
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
PUBLISH_EVERY_SECONDS = 1.0


def missing():
    """Why Varnish cannot be measured here, or None."""
    if not shutil.which("varnishd") and not Path("/usr/sbin/varnishd").exists():
        return "varnishd is missing (apt-get install varnish varnish-modules)"
    return None


def start(port, backend_port, workdir):
    """varnishd on 127.0.0.1:`port` with the shipped VCL pointed at the bench's gunicorn."""
    workdir.mkdir(parents=True, exist_ok=True)
    vcl = workdir / "bench.vcl"
    vcl.write_text(vcl_for(backend_port))
    command = [
        shutil.which("varnishd") or "/usr/sbin/varnishd",
        "-F",  # in the foreground: the bench stops it
        "-j", "none",  # no privilege separation, so the files under bench/data stay readable
        "-n", str(workdir / "instance"),
        "-a", f"127.0.0.1:{port}",
        "-f", str(vcl),
        "-s", "malloc,256m",  # 2,000 documents of ~10 KB and the list pages fit many times
    ]  # fmt: skip
    log = (workdir / "varnishd.log").open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"varnishd stopped; see {workdir / 'varnishd.log'}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("varnishd did not listen within 20 seconds")


def stop(process):
    process.terminate()
    process.wait(timeout=10)


def vcl_for(backend_port):
    text = VCL.read_text()
    text, ports = re.subn(r'\.port = "[^"]*";', f'.port = "{backend_port}";', text, count=1)
    assert ports == 1, "the VCL's backend block changed shape"
    return text


def counters(workdir):
    """Varnish's cache_hit and cache_miss counters."""
    output = subprocess.run(
        ["varnishstat", "-1", "-n", str(workdir / "instance"),
         "-f", "MAIN.cache_hit", "-f", "MAIN.cache_miss"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    values = dict(re.findall(r"^MAIN\.(cache_hit|cache_miss)\s+(\d+)", output, re.MULTILINE))
    return int(values["cache_hit"]), int(values["cache_miss"])


@contextmanager
def publishing_every_second(slugs, varnish_url, workdir):
    """While the block runs, re-render one live article a second (purging Varnish), and fill
    the dict it yields with the hit ratio, the re-renders made and the purges that failed."""
    from django.test.utils import override_settings

    from frontend_cache.models import PendingPurge

    figures = {}
    stop_event, published = threading.Event(), []
    failed_before = PendingPurge.objects.count()
    hits_before, misses_before = counters(workdir)
    with override_settings(FRONTEND_CACHE_URLS=[varnish_url]):
        thread = threading.Thread(target=_rerender_loop, args=(slugs, stop_event, published))
        thread.start()
        try:
            yield figures
        finally:
            stop_event.set()
            thread.join()
    hits, misses = counters(workdir)
    hits, misses = hits - hits_before, misses - misses_before
    figures["hit_ratio"] = hits / max(hits + misses, 1)
    figures["publishes"] = len(published)
    figures["failed_purges"] = PendingPurge.objects.count() - failed_before


def _rerender_loop(slugs, stop_event, published):
    from django.db import connection

    from articles import publishing
    from articles.models import PublishedArticle

    try:
        for slug in cycle(slugs):
            started = time.monotonic()
            publishing.rerender(PublishedArticle.objects.filter(slug=slug))
            published.append(slug)
            if stop_event.wait(max(0, PUBLISH_EVERY_SECONDS - (time.monotonic() - started))):
                return
    finally:
        connection.close()
