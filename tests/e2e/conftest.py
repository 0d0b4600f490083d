"""Browser tests: Debian's Chromium driven by Playwright against a live test server.

They run wherever Chromium is installed (`apt-get install chromium`; `.ci/run` installs it).
Elsewhere they are skipped with that reason, unless E2E_REQUIRED=1 (set by `.ci/run`), which
turns a missing browser into a failure. Screenshots of every step go to E2E_SCREENSHOTS
(default `e2e-screenshots/` in the project), so a failing step can be looked at.
"""

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from django.db import connections

# Playwright's sync API runs an event loop in the browser thread; the ORM calls made there are
# plain synchronous ones, which Django would otherwise refuse next to a running loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", Path(__file__).parents[2] / "e2e-screenshots"))


def require_chromium():
    if Path(CHROMIUM).exists():
        return
    reason = (
        f"Chromium not found at {CHROMIUM}: the browser tests need Debian's chromium package "
        "(apt-get install chromium), or CHROMIUM=/path/to/chromium."
    )
    if os.environ.get("E2E_REQUIRED"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def in_browser(steps):
    """Run `scenario(browser)` with Chromium, in a thread of its own, and return its result.

    Playwright's sync API runs an event loop on greenlets; in the test's own thread that swaps
    the database connection the test case set up for another one, and later transactional
    tests lose the data they restore. In a separate thread the test's connection is left alone
    (the scenario's own queries use that thread's connection, which sees committed rows).
    """
    require_chromium()
    outcome = {}

    def run(scenario):
        def target():
            from playwright.sync_api import sync_playwright

            try:
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(
                        executable_path=CHROMIUM,
                        headless=True,
                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                    )
                    try:
                        outcome["result"] = scenario(browser)
                    except BaseException:
                        steps.failed()
                        raise
                    finally:
                        browser.close()
            except BaseException as error:  # handed to the test's thread below
                outcome["error"] = error
            finally:
                connections.close_all()

        thread = threading.Thread(target=target, name="browser")
        thread.start()
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("result")

    return run


class Steps:
    """Numbered screenshots of each step of a test, in a folder of its own."""

    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.pages = []
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    def shot(self, page, name):
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        page.screenshot(path=self.folder / f"{self.count:02d}-{slug}.png", full_page=True)

    def failed(self):
        for index, page in enumerate(self.pages):
            if not page.is_closed():
                page.screenshot(path=self.folder / f"failed-page-{index}.png", full_page=True)


@pytest.fixture
def steps(request):
    return Steps(SCREENSHOTS / request.node.name)
