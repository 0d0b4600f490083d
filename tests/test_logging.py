"""Logs on stderr, one JSON object a line, with each request's id and read alias; errors to
Sentry when SENTRY_DSN is set (config/observability.py, config/request_context.py)."""

import datetime
import gzip
import http.client
import http.server
import io
import json
import logging
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client

from config import request_context
from config.db_router import PrimaryReplicaRouter
from config.observability import RequestContextFilter
from tests.test_settings import load_settings

PROJECT = Path(__file__).resolve().parent.parent
NEW_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def log_lines():
    """The JSON objects the stderr handler writes while the test runs, one for each line."""
    (handler,) = [h for h in logging.getLogger().handlers if h.name == "stderr"]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    handler.setStream(previous)


def lines_of(lines, logger):
    return [line for line in lines if line["logger"] == logger]


@pytest.fixture
def failing_detail(monkeypatch):
    """The public detail view fails as it would with its database gone."""

    def lost_connection(slug):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("articles.api.public.live_document", lost_connection)


@pytest.mark.django_db
def test_a_server_error_is_logged_as_one_json_line_with_its_traceback(failing_detail, log_lines):
    response = Client(raise_request_exception=False).get(
        "/api/v1/articles/hip-pain/", headers={"X-Request-ID": "edge-4f2a.1"}
    )
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "edge-4f2a.1"
    (error,) = lines_of(log_lines(), "django.request")
    assert error["level"] == "ERROR"
    assert error["message"] == "Internal Server Error: /api/v1/articles/hip-pain/"
    assert error["status_code"] == 500
    assert error["request_id"] == "edge-4f2a.1"
    assert error["exc_info"].startswith("Traceback (most recent call last):")
    assert error["exc_info"].endswith(
        "django.db.utils.OperationalError: server closed the connection unexpectedly"
    )
    assert "in lost_connection" in error["exc_info"]
    assert datetime.datetime.fromisoformat(error["time"]).utcoffset() == datetime.timedelta(0)


@pytest.mark.django_db
def test_a_client_error_is_a_warning_with_the_request_id(client, log_lines):
    response = client.get("/api/v1/articles/no-such-article/")
    assert response.status_code == 404
    (warning,) = lines_of(log_lines(), "django.request")
    assert warning["level"] == "WARNING"
    assert warning["status_code"] == 404
    assert "exc_info" not in warning
    # Django writes this line after the last middleware returned: the id is still there.
    assert warning["request_id"] == response.headers["X-Request-ID"]


@pytest.mark.django_db
def test_each_request_without_an_id_gets_a_new_one(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert NEW_ID.fullmatch(first) and NEW_ID.fullmatch(second)
    assert first != second


@pytest.mark.django_db
@pytest.mark.parametrize("sent", ["a" * 100, "0f3c2b9e-1d4a-4c1e-9a53-7e1f2b3c4d5e", "lb.17_x"])
def test_a_well_formed_id_is_kept(client, sent):
    assert client.get("/healthz", headers={"X-Request-ID": sent}).headers["X-Request-ID"] == sent


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sent",
    [
        "a" * 101,
        "x" * 10_000,
        "two words",
        'quote"and{json}',
        "line\nbreak",
        "ünïcode",
        "",
    ],
)
def test_a_spoofed_or_oversized_id_is_replaced(client, log_lines, sent):
    response = client.get("/api/v1/articles/no-such-article/", headers={"X-Request-ID": sent})
    replaced = response.headers["X-Request-ID"]
    assert NEW_ID.fullmatch(replaced)
    (warning,) = lines_of(log_lines(), "django.request")
    assert warning["request_id"] == replaced


@pytest.mark.django_db
def test_the_id_and_alias_are_forgotten_once_the_response_is_closed(client, log_lines):
    client.get("/healthz", headers={"X-Request-ID": "finished-1"})
    logging.getLogger("tests.after").warning("between requests")
    assert request_context.current_request_id() is None
    assert request_context.current_read_alias() is None
    (after,) = lines_of(log_lines(), "tests.after")
    assert "request_id" not in after and "db_alias" not in after


@pytest.mark.django_db
def test_a_public_read_logs_the_alias_the_router_recorded(client, log_lines, monkeypatch):
    """The router (config/db_router.py) calls set_read_alias with the alias it picks; here a
    wrapper stands in for that call."""
    routed = PrimaryReplicaRouter.db_for_read

    def recording(self, model, **hints):
        alias = routed(self, model, **hints)
        request_context.set_read_alias(alias)
        return alias

    monkeypatch.setattr(PrimaryReplicaRouter, "db_for_read", recording)
    response = client.get("/api/v1/articles/no-such-article/")
    assert response.status_code == 404
    (warning,) = lines_of(log_lines(), "django.request")
    assert warning["db_alias"] == "default"


def test_the_filter_adds_what_the_context_holds():
    record = logging.LogRecord("tests", logging.INFO, __file__, 1, "read", (), None)
    id_token = request_context.request_id.set("ctx-1")
    alias_token = request_context.read_alias.set("replica2")
    try:
        assert RequestContextFilter().filter(record)
    finally:
        request_context.read_alias.reset(alias_token)
        request_context.request_id.reset(id_token)
    assert (record.request_id, record.db_alias) == ("ctx-1", "replica2")


def test_the_filter_adds_nothing_outside_a_request():
    record = logging.LogRecord("tests", logging.INFO, __file__, 1, "startup", (), None)
    assert RequestContextFilter().filter(record)
    assert not hasattr(record, "request_id") and not hasattr(record, "db_alias")


# In a fresh interpreter: the settings read LOG_FORMAT and LOG_LEVEL once, at startup.
LOG_AN_ERROR = """
import logging, django
django.setup()
from config import request_context
from tests.test_settings import load_settings
request_context.request_id.set("text-format-1")
logging.getLogger("tests.proc").info("an info line")
try:
    raise ValueError("shown in full")
except ValueError:
    logging.getLogger("tests.proc").exception("it failed")
"""


def run_django(code, **env):
    """Run `code` after the settings load, with exactly the given logging and Sentry
    variables and debug off unless they say otherwise."""
    return load_settings(code, DJANGO_SECRET_KEY="test-only-key-not-secret", **env)


def test_text_format_writes_a_line_to_read_and_the_traceback_under_it():
    result = run_django(LOG_AN_ERROR, LOG_FORMAT="text")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    (error_at,) = [i for i, line in enumerate(lines) if "it failed" in line]
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ERROR tests\.proc \[text-format-1 -\] it failed",
        lines[error_at],
    )
    assert lines[error_at + 1] == "Traceback (most recent call last):"
    assert "ValueError: shown in full" in lines[error_at + 2 :]
    assert not any(line.startswith("{") for line in lines)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "json"),
        ({"DJANGO_DEBUG": "1"}, "text"),
        ({"DJANGO_DEBUG": "1", "LOG_FORMAT": "json"}, "json"),
    ],
)
def test_json_is_the_default_and_text_with_debug_on(env, expected):
    result = run_django(LOG_AN_ERROR, **env)
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "it failed" in line]
    assert line.startswith("{") == (expected == "json")


def test_log_level_leaves_out_what_is_below_it():
    shown = run_django(LOG_AN_ERROR).stderr
    assert "an info line" in shown and "it failed" in shown
    quieter = run_django(LOG_AN_ERROR, LOG_LEVEL="warning").stderr
    assert "an info line" not in quieter and "it failed" in quieter


@pytest.mark.parametrize(
    ("env", "sentence"),
    [
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be json or text, not 'xml'."),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL"),
        (
            {"SENTRY_DSN": "http://publickey@127.0.0.1:9/1", "SENTRY_TRACES_SAMPLE_RATE": "2"},
            "SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1, not '2'.",
        ),
    ],
)
def test_bad_values_are_refused_at_startup(env, sentence):
    result = run_django(LOG_AN_ERROR, **env)
    assert result.returncode != 0
    assert sentence in result.stderr


def test_a_dsn_without_sentry_sdk_installed_is_refused_with_the_install_command():
    unimportable = "import sys; sys.modules['sentry_sdk'] = None\n"
    result = run_django(unimportable + LOG_AN_ERROR, SENTRY_DSN="http://publickey@127.0.0.1:9/1")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SENTRY_DSN is set but sentry-sdk is not installed" in (
        result.stderr
    )
    assert "pip install 'healthcms[sentry]'" in result.stderr


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def sentry():
    """A local stand-in for Sentry: it keeps every envelope it is sent, with its path and
    headers."""
    received = queue.Queue()

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.put((self.path, dict(self.headers), body))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.received = received
    server.dsn = f"http://publickey@127.0.0.1:{server.server_address[1]}/1"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def gunicorn(sentry, tmp_path):
    """The project under gunicorn, as in production (debug off), reporting to `sentry`, with
    the failing view of tests/urls_with_a_failing_view.py."""
    port = free_port()
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "LOG_", "SENTRY_", "REDIS_"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "test-only-key-not-secret",
        "DJANGO_ROOT_URLCONF": "tests.urls_with_a_failing_view",
        # Nothing reads it; set so that nothing creates db.sqlite3 in the project folder.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "SENTRY_DSN": sentry.dsn,
        "SENTRY_ENVIRONMENT": "test-suite",
    }
    stderr = tmp_path / "stderr.log"
    with stderr.open("w") as stderr_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr_file,
        )
    try:
        wait_for(port, process, stderr)
        process.port = port
        process.stderr_path = stderr
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for(port, process, stderr):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, stderr.read_text()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"gunicorn did not listen on {port}:\n{stderr.read_text()}")


def envelope_items(envelope):
    """(item header, payload) pairs of a Sentry envelope: newline-separated JSON documents, an
    envelope header first, then each item's header and payload."""
    _header, *rest = envelope.split(b"\n")
    rest = [line for line in rest if line]
    return [(json.loads(rest[i]), json.loads(rest[i + 1])) for i in range(0, len(rest) - 1, 2)]


def decompressed(body, encoding):
    # sentry-sdk compresses with Brotli when the brotli package is installed, else with gzip.
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    assert encoding in ("gzip", ""), f"Sentry sent a Content-Encoding of {encoding!r}"
    return gzip.decompress(body) if encoding else body


def next_event(received):
    """The first error event Sentry was sent, with the raw envelope it came in."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        path, headers, body = received.get(timeout=deadline - time.monotonic())
        envelope = decompressed(body, headers.get("Content-Encoding", ""))
        for item_header, payload in envelope_items(envelope):
            if item_header.get("type") == "event":
                return path, headers, envelope, payload
    raise AssertionError("Sentry was sent no event")


def test_an_error_in_a_view_reaches_sentry_with_the_request_id_and_no_credentials(sentry, gunicorn):
    connection = http.client.HTTPConnection("127.0.0.1", gunicorn.port, timeout=20)
    connection.request(
        "GET",
        "/api/v1/failing/",
        headers={
            "X-Request-ID": "sentry-probe-1",
            "Cookie": "sessionid=cookie-value-never-sent; csrftoken=csrf-value-never-sent",
            "Authorization": "Token authorization-value-never-sent",
        },
    )
    response = connection.getresponse()
    response.read()
    assert response.status == 500
    assert response.getheader("X-Request-ID") == "sentry-probe-1"

    path, headers, envelope, event = next_event(sentry.received)
    assert path == "/api/1/envelope/"
    assert "sentry_key=publickey" in headers["X-Sentry-Auth"]
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "ProbeError"
    assert exception["module"] == "tests.urls_with_a_failing_view"
    assert event["tags"]["request_id"] == "sentry-probe-1"
    assert event["environment"] == "test-suite"
    assert event["request"]["url"].endswith("/api/v1/failing/")
    for secret in [b"cookie-value-never-sent", b"csrf-value-never-sent", b"authorization-value"]:
        assert secret not in envelope
    # send_default_pii=False: no cookies even by name, no client address, no user.
    assert "cookies" not in event["request"]
    assert "REMOTE_ADDR" not in event["request"]["env"]
    assert "user" not in event

    # And the same error is on stderr, in JSON, with its traceback: not lost with debug off.
    gunicorn.terminate()
    gunicorn.wait(timeout=30)
    lines = [
        json.loads(line)
        for line in gunicorn.stderr_path.read_text().splitlines()
        if line.startswith("{")
    ]
    (error,) = lines_of(lines, "django.request")
    assert error["request_id"] == "sentry-probe-1"
    assert error["status_code"] == 500
    assert "ProbeError: raised on purpose" in error["exc_info"]
