"""Webhooks: signed events to a real local receiver, retries with backoff, every attempt logged.

The receiver listens on 127.0.0.1, which only a host listed in WEBHOOK_ALLOWED_HOSTS may reach
(test_webhook_targets.py tests that rule)."""

import datetime
import hashlib
import hmac
import io
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from articles import webhooks, workflow
from articles.models import Article, WebhookDelivery, WebhookEndpoint
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db
SECRET = "shared-secret-for-tests"


class Receiver:
    """A local HTTP server that records what it receives and answers as told."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.delay = 0.0
        self.location = None  # sent as Location, with a 3xx status
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((dict(self.headers), body))
                time.sleep(receiver.delay)
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.end_headers()

            do_GET = do_POST  # a client following a redirect may switch to GET

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.WEBHOOK_TIMEOUT = 0.5
    receiver = Receiver()
    WebhookEndpoint.objects.create(url=receiver.url, secret=SECRET)
    yield receiver
    receiver.close()


@pytest.fixture
def article(writer):
    article = ArticleFactory(author=writer, slug="calf-cramps", title="Calf cramps")
    SectionFactory(article=article)
    return article


def test_publishing_sends_a_signed_article_published_event(
    receiver, article, publish, django_capture_on_commit_callbacks
):
    before = int(time.time())
    with django_capture_on_commit_callbacks(execute=True):
        publish(article)
    [(headers, body)] = receiver.requests
    timestamp, digest = re.fullmatch(
        r"t=(\d+),v1=([0-9a-f]{64})", headers["X-Webhook-Signature"]
    ).groups()
    assert before <= int(timestamp) <= time.time()
    signed = f"{timestamp}.".encode() + body
    assert digest == hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
    assert webhooks.sign(SECRET, body, int(timestamp)) == headers["X-Webhook-Signature"]
    payload = json.loads(body)
    assert payload["event"] == headers["X-Webhook-Event"] == "article.published"
    assert payload["article"]["slug"] == "calf-cramps"
    assert payload["article"]["url"] == "https://health.example/articles/calf-cramps/"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempt_log.get().status_code == 200


def test_updates_and_unpublishing_send_their_events(
    receiver, article, writer, editor, publish, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(article)
        article = Article.objects.get(pk=article.pk)
        workflow.begin_edit(article=article, by=writer)
        article.title = "Calf cramps at night"
        article.save()
        workflow.record_edit(article=article, by=writer)
        publish(Article.objects.get(pk=article.pk))
        workflow.unpublish(article=article, by=editor)
    events = [json.loads(body)["event"] for _, body in receiver.requests]
    assert events == ["article.published", "article.updated", "article.unpublished"]


def test_an_endpoint_only_gets_the_events_it_asked_for(
    receiver, article, editor, publish, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.update(events=["article.unpublished"])
    with django_capture_on_commit_callbacks(execute=True):
        publish(article)
        workflow.unpublish(article=article, by=editor)
    assert [json.loads(body)["event"] for _, body in receiver.requests] == ["article.unpublished"]


def test_a_failing_receiver_is_retried_with_growing_waits_and_never_blocks_publishing(
    receiver, article, publish, settings, django_capture_on_commit_callbacks
):
    receiver.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        live = publish(article)
    assert live is not None  # published, whatever the receiver said
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING
    first_wait = delivery.next_attempt_at - delivery.attempt_log.get().at
    assert settings.WEBHOOK_RETRY_BASE_SECONDS - 5 < first_wait.total_seconds() <= 65

    assert webhooks.retry_due() == 0  # not due yet
    webhooks.retry_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    second_wait = delivery.next_attempt_at - delivery.attempt_log.last().at
    assert second_wait.total_seconds() == pytest.approx(2 * first_wait.total_seconds(), abs=5)

    receiver.status = 204
    call_command("deliver_webhooks", stdout=io.StringIO())
    assert WebhookDelivery.objects.get().attempts == 2  # the command waits for the due time
    webhooks.retry_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 500, 204]


def test_a_receiver_that_times_out_is_logged_and_retried(
    receiver, article, publish, django_capture_on_commit_callbacks
):
    receiver.delay = 1.5
    with django_capture_on_commit_callbacks(execute=True):
        publish(article)
    delivery = WebhookDelivery.objects.get()
    attempt = delivery.attempt_log.get()
    assert attempt.status_code is None and "timed out" in attempt.error
    assert delivery.status == WebhookDelivery.Status.PENDING


def test_deliveries_give_up_after_the_last_attempt(
    receiver, article, publish, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        publish(article)
    far_future = timezone.now() + datetime.timedelta(days=1)
    webhooks.retry_due(now=far_future)
    webhooks.retry_due(now=far_future)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 3 and delivery.next_attempt_at is None
    assert webhooks.retry_due(now=far_future) == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_thread_backend_delivers_without_holding_up_the_caller(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.TASKS = {"default": {"BACKEND": "articles.task_backend.ThreadBackend"}}
    receiver = Receiver()
    receiver.delay = 1.0
    try:
        endpoint = WebhookEndpoint.objects.create(url=receiver.url, secret=SECRET)
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event="article.published", body="{}", next_attempt_at=timezone.now()
        )
        started = time.monotonic()
        webhooks.deliver_webhook.enqueue(str(delivery.pk))
        assert time.monotonic() - started < 0.5
        for _ in range(50):
            delivery.refresh_from_db()
            if delivery.status == WebhookDelivery.Status.SUCCEEDED:
                break
            time.sleep(0.1)
        assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    finally:
        receiver.close()


def test_editors_see_deliveries_and_their_attempts_in_the_admin(
    receiver, article, publish, editor, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(article)
    client.force_login(editor)
    delivery = WebhookDelivery.objects.get()
    assert client.get("/admin/articles/webhookdelivery/").status_code == 200
    html = client.get(f"/admin/articles/webhookdelivery/{delivery.pk}/change/").content.decode()
    assert "article.published" in html and "200" in html
    assert client.get("/admin/articles/webhookendpoint/add/").status_code == 200


def test_a_redirect_is_not_followed(receiver, article, publish, django_capture_on_commit_callbacks):
    elsewhere = Receiver()
    try:
        receiver.status, receiver.location = 302, elsewhere.url
        with django_capture_on_commit_callbacks(execute=True):
            publish(article)
        assert len(receiver.requests) == 1
        assert elsewhere.requests == []
    finally:
        elsewhere.close()
    delivery = WebhookDelivery.objects.get()
    attempt = delivery.attempt_log.get()
    assert attempt.status_code == 302
    assert attempt.error == f"HTTP 302: redirect to {elsewhere.url} not followed"
    assert delivery.status == WebhookDelivery.Status.PENDING  # a failure, retried as usual


def readme_receiver():
    """The receiver code the README shows, run as it stands there."""
    readme = (django_settings.BASE_DIR / "README.md").read_text()
    webhooks_section = readme.split("## Webhooks", 1)[1]
    code = re.search(r"```python\n(.*?)```", webhooks_section, re.DOTALL).group(1)
    namespace = {}
    exec(code, namespace)
    return namespace["signature_is_valid"]


def test_the_readme_receiver_accepts_a_fresh_signature_and_refuses_an_old_or_forged_one():
    signature_is_valid = readme_receiver()
    body = b'{"event": "article.published"}'
    now = int(time.time())
    assert signature_is_valid(SECRET.encode(), body, webhooks.sign(SECRET, body))
    assert signature_is_valid(SECRET.encode(), body, webhooks.sign(SECRET, body, now - 290))
    assert not signature_is_valid(SECRET.encode(), body, webhooks.sign(SECRET, body, now - 310))
    assert not signature_is_valid(SECRET.encode(), body + b" ", webhooks.sign(SECRET, body))
    assert not signature_is_valid(b"another secret", body, webhooks.sign(SECRET, body))
    # The old, timestamp-less form and garbage are refused, not crashed on.
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    too_far = "1" + "0" * 400  # as a float, larger than any: an OverflowError
    for header in [
        f"sha256={digest}",
        f"v1={digest}",
        "t=soon,v1=00",
        f"t={now},v1=é",
        f"t={too_far},v1={digest}",
        f"t=-{too_far},v1={digest}",
        "",
    ]:
        assert not signature_is_valid(SECRET.encode(), body, header)
    # A replay with a fresh timestamp but the old digest fails: the digest covers the time.
    old = webhooks.sign(SECRET, body, now - 600)
    assert not signature_is_valid(SECRET.encode(), body, f"t={now},{old.split(',')[1]}")
