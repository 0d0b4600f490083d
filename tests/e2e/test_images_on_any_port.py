"""Images load whatever address the server runs on: `make run HOST=127.0.0.1:PORT` on a port of
its own, with the default MEDIA_URL (a path), shows the admin's thumbnails and the review
page's hero image, and the API's image URLs name that port (issue 18, point 5).

The server is a real `runserver` in a process of its own, started as `make run` starts it
(debug on, a fresh SQLite database and media folder, the demo loaded), not the test server.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from articles import demo_content

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo-password-for-the-port-test"
IN_REVIEW_TITLE = next(
    article["title"]
    for article in demo_content.ARTICLES
    if article["slug"] == demo_content.IN_REVIEW_SLUG
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args, env):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def wait_until_up(url, server, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"runserver stopped: {server.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"runserver did not answer {url} within {seconds} s")


@pytest.fixture
def server_on_its_own_port(tmp_path):
    """The base URL of `make run`'s server on a free port, with the demo loaded."""
    port = free_port()
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")},
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DEMO_PASSWORD": PASSWORD,
    }
    env.pop("MEDIA_URL", None)
    manage("migrate", "--verbosity=0", env=env)
    manage("load_demo", "--verbosity=0", env=env)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/healthz", server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def broken_images(page):
    """The src of every <img> on the page that did not load."""
    return page.eval_on_selector_all(
        "img", "images => images.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
    )


def test_images_load_on_a_server_on_another_port(in_browser, steps, server_on_its_own_port):
    base = server_on_its_own_port
    detail_url = f"{base}/api/v1/articles/{demo_content.FLAGSHIP_SLUG}/"
    with urllib.request.urlopen(detail_url, timeout=10) as response:
        hero = json.load(response)["hero_image"]
    assert hero["src"].startswith(f"{base}/media/")
    assert all(entry.startswith(f"{base}/media/") for entry in hero["srcset"].split(", "))
    with urllib.request.urlopen(hero["src"], timeout=10) as image:
        assert image.headers["Content-Type"].startswith("image/")

    def scenario(browser):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        steps.pages.append(page)
        page.goto(f"{base}/admin/login/")
        page.fill("#id_username", "reviewer")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.goto(f"{base}/admin/articles/review/")
        row = page.locator("#result_list tr", has_text=IN_REVIEW_TITLE)
        row.locator("a[href*='/decide/']").first.click()
        page.wait_for_load_state("load")
        steps.shot(page, "review page on its own port")
        hero_images = page.locator(".review-document img").count()
        review_broken = broken_images(page)
        page.goto(f"{base}/admin/images/image/")
        page.wait_for_load_state("load")
        steps.shot(page, "image list on its own port")
        thumbnails = page.locator("#result_list img").count()
        return hero_images, review_broken, thumbnails, broken_images(page)

    hero_images, review_broken, thumbnails, list_broken = in_browser(scenario)
    assert hero_images >= 1 and review_broken == []
    assert thumbnails >= 1 and list_broken == []
