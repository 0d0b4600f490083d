import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Receiver:
    """A local HTTP server standing in for a cache: records each request (method, path,
    headers, body) and answers with `status` and `body` (a list: one answer per request, the
    last repeated)."""

    def __init__(self):
        self.requests = []
        self.answers = [(200, b"")]
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((self.command, self.path, self.headers, body))
                status, reply = receiver.answers[
                    min(len(receiver.requests), len(receiver.answers)) - 1
                ]
                self.send_response(status)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            do_PURGE = do_POST = answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def purged_keys(self):
        return [set(headers["xkey-purge"].split()) for _, _, headers, _ in self.requests]

    def json_bodies(self):
        return [json.loads(body) for *_, body in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def varnish_receiver(receiver, settings):
    """The receiver as the one Varnish server the application purges."""
    settings.FRONTEND_CACHE_URLS = [receiver.url]
    settings.FRONTEND_CACHE_RETRY_SECONDS = 0
    settings.FRONTEND_CACHE_MAX_ATTEMPTS = 3
    return receiver
