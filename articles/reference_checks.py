"""Checking that the sources live articles cite still answer.

`check_references()` (`manage.py check_references`, from cron once a day) fetches each
reference URL of every live article, several at a time, each at most once a day however many
articles cite it, and records how it answered in `ReferenceCheck`. Requests say who is asking
(a User-Agent naming the CMS), give up after REFERENCE_CHECK_TIMEOUT seconds, follow at most
five redirects, and never connect into the network the CMS runs in: every address a host
resolves to, and the one reached, must be public (as for webhooks), so a reference or a
redirect cannot make the checker probe internal services. REFERENCE_CHECK_ALLOWED_HOSTS lists
hosts exempt from that rule.
"""

import datetime
import http.client
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils import timezone

from articles.models import PublishedArticle, ReferenceCheck
from articles.webhook_targets import (
    PublicHTTPConnection,
    PublicHTTPSConnection,
    RefusedTarget,
    UnresolvedHost,
)

CHECK_EVERY = datetime.timedelta(days=1)
MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
PUBLIC_ONLY = "references are checked only at public addresses"
Outcome = ReferenceCheck.Outcome


class ReferenceHTTPConnection(PublicHTTPConnection):
    allowed_setting = "REFERENCE_CHECK_ALLOWED_HOSTS"
    rule = PUBLIC_ONLY


class ReferenceHTTPSConnection(PublicHTTPSConnection):
    allowed_setting = "REFERENCE_CHECK_ALLOWED_HOSTS"
    rule = PUBLIC_ONLY


class NotWeb(Exception):
    """A redirect to something other than an http or https address (file:, ftp:…)."""


@dataclass(frozen=True)
class Answer:
    outcome: str
    status_code: int | None = None
    detail: str = ""


def check_references(*, now=None):
    """Check the reference URLs of live articles not checked in the last day; return how many
    URLs were checked, by outcome."""
    now = now or timezone.now()
    cited_by = _cited_by()
    recent = ReferenceCheck.objects.filter(checked_at__gt=now - CHECK_EVERY)
    due = sorted(cited_by.keys() - set(recent.values_list("url", flat=True)))
    with ThreadPoolExecutor(max_workers=settings.REFERENCE_CHECK_CONCURRENCY) as pool:
        answers = list(pool.map(fetch, due))
    counts = {}
    for url, answer in zip(due, answers, strict=True):
        ReferenceCheck.objects.update_or_create(
            url=url,
            defaults={
                "outcome": answer.outcome,
                "status_code": answer.status_code,
                "detail": answer.detail[:300],
                "checked_at": now,
                "cited_by": sorted(cited_by[url]),
            },
        )
        counts[answer.outcome] = counts.get(answer.outcome, 0) + 1
    return counts


def _cited_by():
    """{reference URL: {ids of the live articles citing it}}, as readers see them."""
    cited_by = {}
    for pk, references in _live_references(PublishedArticle.objects.all()):
        for _, url in references:
            cited_by.setdefault(url, set()).add(pk)
    return cited_by


def _live_references(live_articles):
    """(id, [(label, url)…]) of each of `live_articles`, from its document."""
    rows = live_articles.values_list("pk", "document_json").iterator(chunk_size=500)
    for pk, document in rows:
        yield pk, [(ref["label"], ref["url"]) for ref in json.loads(document)["references"]]


def fetch(url):
    """How `url` answers a GET, following redirects; never raises."""
    for _ in range(MAX_REDIRECTS + 1):
        try:
            status, location = _get(url)
        except UnresolvedHost as unresolved:
            return Answer(Outcome.UNREACHABLE, detail=str(unresolved))
        except RefusedTarget:
            # Not the address itself: writers read this, and the network's layout is not theirs.
            return Answer(Outcome.REFUSED, detail=f"{url[:200]} leads to a private address.")
        except NotWeb:
            return Answer(Outcome.REFUSED, detail=f"It redirects to {url[:100]}, not a web page.")
        except TimeoutError:
            return Answer(Outcome.UNREACHABLE, detail="No answer in time.")
        except (OSError, http.client.HTTPException, ValueError) as error:
            return Answer(Outcome.UNREACHABLE, detail=str(error) or type(error).__name__)
        if status in REDIRECTS and location:
            url = urljoin(url, location)
            continue
        if status >= 400:
            return Answer(Outcome.BROKEN, status, f"HTTP {status} at {url}")
        return Answer(Outcome.OK, status)
    return Answer(Outcome.BROKEN, status, f"More than {MAX_REDIRECTS} redirects.")


def _get(url):
    """The status and Location of a GET of `url`; the body is not read."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname:
        raise NotWeb(url)
    https = scheme == "https"
    connection = (ReferenceHTTPSConnection if https else ReferenceHTTPConnection)(
        parts.hostname,
        parts.port or (443 if https else 80),
        timeout=settings.REFERENCE_CHECK_TIMEOUT,
    )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("GET", path, headers=_headers())
        response = connection.getresponse()
        return response.status, response.getheader("Location")
    finally:
        connection.close()


def _headers():
    return {
        "User-Agent": f"HealthCMS-reference-check/1.0 (+{settings.CMS_URL})",
        "Accept": "text/html,application/xhtml+xml,application/pdf,*/*;q=0.8",
    }


def broken_references(live_articles):
    """[(live article, [{label, url, outcome, status_code, detail, checked_at}…])…] for those
    of `live_articles` (a queryset) that cited a failing source when it was last checked and
    still do, in the queryset's order."""
    failing = {check.url: check for check in ReferenceCheck.objects.exclude(outcome=Outcome.OK)}
    citing = {pk for check in failing.values() for pk in check.cited_by}
    candidates = live_articles.filter(pk__in=citing)
    references = dict(_live_references(candidates))
    found = []
    for live in candidates:
        broken = [
            {"label": label, "url": url, **failing[url].as_dict()}
            for label, url in references[live.pk]
            if url in failing
        ]
        if broken:
            found.append((live, broken))
    return found
