"""The application under gunicorn, as production runs it, against a cluster from cluster.py,
and the newsroom that works it through the editorial API.

The server is a subprocess with its own settings from the environment (debug off, Redis, the
primary and the replicas), so the tests see what a reader of a deployed server would: several
worker processes, each with its own page cache and its own database connections.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.replicas.cluster import free_port

PROJECT = Path(__file__).resolve().parents[2]
# The HTTP ports the lead gave this suite; the first free one is taken.
PORTS = range(8400, 8450)
WORKERS = 2
# Short bounds, so that a test waiting for one to pass stays short.
REPLICA_SETTINGS = {
    "REPLICA_MAX_LAG_SECONDS": "2",
    "REPLICA_TIMEOUT_SECONDS": "1",
    "REPLICA_RETRY_SECONDS": "2",
}
# Passed through to the server and its commands; everything else it gets is set here.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")

CREATE_ROLES = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.authtoken.models import Token
from reviewers.models import Reviewer

tokens, users = {}, {}
for username, group in [("writer", "Writers"), ("editor", "Editors"), ("reviewer", "Reviewers")]:
    user = users[username] = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.com", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    tokens[username] = Token.objects.create(user=user).key
    if group == "Reviewers":
        profile = Reviewer.objects.create(
            user=user, name="Ruth Replica", slug="ruth-replica", credentials="MD",
            specialty="Orthopedics",
        )
        profile.held_credentials.create(
            kind="licence", number="R-1", issuing_body="Medical Board of California",
            verified_by=users["editor"], verified_at=timezone.now(),
        )
print(json.dumps(tokens))
"""


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body)

    def __str__(self):
        return f"{self.status} in {self.seconds:.2f} s: {self.body[:150]!r}"


class Server:
    """gunicorn serving the project from `folder`, reading `cluster`, caching in `redis_url`
    under keys starting with `cache_prefix`."""

    def __init__(self, folder, cluster, redis_url, cache_prefix=""):
        self.folder = folder
        self.log = folder / "gunicorn.log"
        self.access_log = folder / "access.log"
        self.port = None
        self.process = None
        self.env = {name: os.environ[name] for name in INHERITED if name in os.environ} | {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "replica-tests-only-key-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": cluster.primary.url,
            "DATABASE_REPLICA_URLS": ",".join(replica.url for replica in cluster.replicas),
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": cache_prefix,
            "MEDIA_ROOT": str(folder / "media"),
            # Present (WhiteNoise warns at every worker's start about a missing one) and empty:
            # static files come from the apps' folders.
            "STATIC_ROOT": str(folder / "static"),
            # Every reader here is 127.0.0.1.
            "API_ANON_RATE": "",
            "PAGES_ANON_RATE": "",
            "PYTHONUNBUFFERED": "1",
            **REPLICA_SETTINGS,
        }

    # Setting up and running ----------------------------------------------------------------

    def manage(self, *args):
        """Run a management command against the primary; its standard output."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def prepare(self):
        """Migrate the primary and create a writer, a reviewer and an editor; their tokens."""
        (self.folder / "static").mkdir(exist_ok=True)
        self.manage("migrate", "--noinput")
        return json.loads(self.manage("shell", "-c", CREATE_ROLES).strip().splitlines()[-1])

    def start(self):
        self.port = free_port(PORTS)
        gunicorn = Path(sys.executable).parent / "gunicorn"
        command = [
            str(gunicorn), "config.wsgi",
            "--workers", str(WORKERS), "--worker-class", "sync",
            "--bind", f"127.0.0.1:{self.port}",
            "--chdir", str(PROJECT),
            "--access-logfile", str(self.access_log),
            # The worker's pid first: which process answered; then the status and seconds taken.
            "--access-logformat", '%(p)s %(s)s %(L)s "%(r)s"',
            "--graceful-timeout", "5",
            "--no-control-socket",  # it would go in $HOME, shared with any other gunicorn
        ]  # fmt: skip
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=PROJECT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_listening()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _wait_listening(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start.{self.log_tail()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not listen within {timeout} s.{self.log_tail()}")

    # Requests --------------------------------------------------------------------------------

    def request(self, method, path, body=None, headers=None, timeout=30):
        """The answer to one request on a connection of its own; status 0 with the error as
        its body if none came within `timeout` seconds or the connection broke."""
        headers = dict(headers or {})
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        started = time.monotonic()
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            body = response.read()
            return Answer(response.status, response.headers, body, time.monotonic() - started)
        except (OSError, http.client.HTTPException) as error:
            failure = f"no answer: {error!r}".encode()
            return Answer(0, http.client.HTTPMessage(), failure, time.monotonic() - started)
        finally:
            connection.close()

    def get(self, path, timeout=30, **headers):
        return self.request("GET", path, headers=headers, timeout=timeout)

    # What it did -----------------------------------------------------------------------------

    def access_lines(self):
        """One line per request answered so far: the worker's pid, the status, the seconds it
        took, the request."""
        if not self.access_log.exists():
            return []
        return [
            line.replace("<", "").replace(">", "")
            for line in self.access_log.read_text().splitlines()
        ]

    def log_tail(self, lines=40):
        """The last lines gunicorn and the application wrote, for failure messages."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n--- server log, last lines:\n" + "\n".join(text.splitlines()[-lines:])


class Newsroom:
    """The server's writer, reviewer and editor, working through the editorial API."""

    ARTICLES = "/api/v1/editorial/articles/"

    def __init__(self, server, tokens, reviewer_slug="ruth-replica"):
        self.server = server
        self.tokens = tokens
        self.reviewer_slug = reviewer_slug

    def call(self, who, method, path, body=None, expect=(200,)):
        answer = self.server.request(
            method, path, body=body, headers={"Authorization": f"Token {self.tokens[who]}"}
        )
        assert expect is None or answer.status in expect, (
            f"{who}: {method} {path} answered {answer}{self.server.log_tail()}"
        )
        return answer

    def create(self, slug, title):
        """A new draft; its id."""
        body = {
            "title": title,
            "slug": slug,
            "summary": f"What {title} is about.",
            "intro": "An opening paragraph.",
            "sections": [{"heading": "What helps", "body": "Rest and **ice**."}],
        }
        return self.call("writer", "POST", self.ARTICLES, body, expect=(201,)).json()["id"]

    def edit(self, article, **changes):
        """Change the working copy (back to draft if it was approved)."""
        version = self.call("writer", "GET", f"{self.ARTICLES}{article}/").json()["version"]
        self.call("writer", "PATCH", f"{self.ARTICLES}{article}/", changes | {"version": version})

    def approve(self, article):
        """Submit the working copy and have the reviewer approve it."""
        self.call(
            "writer",
            "POST",
            f"{self.ARTICLES}{article}/submit/",
            {"reviewers": [self.reviewer_slug]},
        )
        queue = self.call(
            "reviewer", "GET", "/api/v1/editorial/reviews/?assigned_to=me&decision=pending"
        ).json()["results"]
        [review] = [review for review in queue if review["article"] == article]
        self.call("reviewer", "POST", f"/api/v1/editorial/reviews/{review['id']}/approve/", {})

    def ready(self, slug, title):
        """A new article, approved and waiting to be published; its id."""
        article = self.create(slug, title)
        self.approve(article)
        return article

    def publish(self, article):
        """The editor's publish call, however it answered (timed)."""
        return self.call("editor", "POST", f"{self.ARTICLES}{article}/publish/", {}, expect=None)

    def unpublish(self, article):
        return self.call("editor", "POST", f"{self.ARTICLES}{article}/unpublish/", {}, expect=None)
