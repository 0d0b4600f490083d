"""Telling frontends that live content changed: signed JSON POSTs, retried with backoff.

Publishing records a `WebhookDelivery` per interested endpoint in the same transaction, then,
once it commits, enqueues a task that makes the first attempt. A failed attempt is logged and
the delivery is retried later by `python manage.py deliver_webhooks` (run it from cron), with
the wait doubling each time, until it succeeds or WEBHOOK_MAX_ATTEMPTS is reached. Receivers
that are slow or broken never hold up publishing.
"""

import datetime
import hashlib
import hmac
import http.client
import json
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from articles.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from articles.webhook_targets import RefusedTarget, connection_for

SIGNATURE_HEADER = "X-Webhook-Signature"


def sign(secret, body, timestamp=None):
    """The signature header's value for `body` (bytes): "t=<unix seconds>,v1=<hex HMAC>".

    The HMAC covers the timestamp as well as the body, so a receiver that refuses old
    timestamps cannot be fed a delivery captured earlier; each attempt is signed afresh.
    """
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def announce(event, *, slug, url, title=None, revision=None):
    """Queue `event` about the article `slug` for every endpoint that wants it."""
    return announce_many(event, [{"slug": slug, "url": url, "title": title, "revision": revision}])


def announce_many(event, articles):
    """Queue `event` about each of `articles` (dicts of slug, url, title, revision) for every
    endpoint that wants it, in one query."""
    endpoints = [endpoint for endpoint in WebhookEndpoint.objects.all() if endpoint.wants(event)]
    if not endpoints:
        return []
    deliveries = []
    for article in articles:
        for endpoint in endpoints:
            delivery = WebhookDelivery(
                endpoint=endpoint, event=event, next_attempt_at=timezone.now()
            )
            delivery.body = json.dumps(
                {
                    "id": str(delivery.id),
                    "event": event,
                    "occurred_at": timezone.now().isoformat(),
                    "article": article,
                },
                sort_keys=True,
            )
            deliveries.append(delivery)
    WebhookDelivery.objects.bulk_create(deliveries)
    ids = [str(delivery.id) for delivery in deliveries]
    transaction.on_commit(lambda: [deliver_webhook.enqueue(delivery_id) for delivery_id in ids])
    return deliveries


@task()
def deliver_webhook(delivery_id):
    """One attempt at a delivery, if it is still pending."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is not None and delivery.status == DeliveryStatus.PENDING:
        attempt(delivery)


def retry_due(now=None):
    """Attempt every pending delivery whose retry time has come; return how many were tried."""
    due = WebhookDelivery.objects.due(now or timezone.now()).select_related("endpoint")
    tried = 0
    for delivery in due:
        attempt(delivery)
        tried += 1
    return tried


def attempt(delivery):
    """POST the delivery once, log the attempt, and decide what happens next.

    Only to a public address (see webhook_targets), and never following a redirect: a 3xx is
    a failed attempt like any other, since the receiver is the URL the editor registered. A
    refused address is retried like any other failure, and checked again each time.
    """
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "HealthCMS-Webhooks/1",
        "X-Webhook-Event": delivery.event,
        "X-Webhook-Delivery": str(delivery.id),
        SIGNATURE_HEADER: sign(delivery.endpoint.secret, body),
    }
    started = time.monotonic()
    status_code, error = None, ""
    connection = None
    try:
        connection, path = connection_for(delivery.endpoint.url, settings.WEBHOOK_TIMEOUT)
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        status_code = response.status
        error = _error_for(response)
    except RefusedTarget as refusal:
        error = f"Not sent: {refusal}"
    except (OSError, http.client.HTTPException) as failure:
        error = str(failure) or type(failure).__name__
    finally:
        if connection is not None:
            connection.close()
    duration_ms = int((time.monotonic() - started) * 1000)
    WebhookAttempt.objects.create(
        delivery=delivery, status_code=status_code, error=error, duration_ms=duration_ms
    )
    _record_outcome(delivery, succeeded=status_code is not None and 200 <= status_code < 300)


def _error_for(response):
    """What went wrong according to the receiver's answer ("" for a 2xx)."""
    if 200 <= response.status < 300:
        return ""
    if 300 <= response.status < 400:
        location = response.getheader("Location", "nowhere")
        return f"HTTP {response.status}: redirect to {location} not followed"
    return f"HTTP {response.status}"


def _record_outcome(delivery, *, succeeded):
    delivery.attempts += 1
    now = timezone.now()
    if succeeded:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryStatus.SUCCEEDED,
            now,
            None,
        )
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        wait = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (delivery.attempts - 1)
        delivery.next_attempt_at = now + datetime.timedelta(seconds=wait)
    delivery.save(update_fields=["attempts", "status", "delivered_at", "next_attempt_at"])
