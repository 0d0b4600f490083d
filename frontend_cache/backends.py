"""Where purges go: one backend per kind of cache, chosen by the settings that name it.

Each backend's `purge(keys)` returns once the cache has accepted the purge, or raises
`PurgeFailed` saying why. Every network call has a timeout (FRONTEND_CACHE_TIMEOUT seconds):
a purge runs before a publish call returns, so a cache that hangs must not hang publishing.
"""

import json
import urllib.error
import urllib.request
import uuid

from django.conf import settings
from django.urls import reverse

from frontend_cache import keys as cache_keys


class PurgeFailed(Exception):
    pass


class Backend:
    name = ""

    def purge(self, keys):
        raise NotImplementedError


def chunks(items, size):
    items = sorted(items)
    return [items[start : start + size] for start in range(0, len(items), size)]


def header_batches(keys, budget):
    """`keys` in groups whose space-separated length stays within `budget` characters."""
    batches, batch, length = [], [], 0
    for key in sorted(keys):
        if batch and length + 1 + len(key) > budget:
            batches.append(batch)
            batch, length = [], -1
        batch.append(key)
        length += 1 + len(key)
    return [*batches, batch] if batch else batches


def send(request, timeout):
    """Make `request`; the response body, or PurgeFailed with the status or the error."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        raise PurgeFailed(f"{request.full_url}: HTTP {error.code} {error.reason}") from error
    except (OSError, ValueError) as error:  # refused, timed out, unresolvable, bad URL
        raise PurgeFailed(f"{request.full_url}: {error}") from error


class VarnishBackend(Backend):
    """Varnish servers running deploy/varnish/default.vcl: a PURGE request whose `xkey-purge`
    header lists keys removes every object tagged with any of them (the xkey vmod)."""

    name = "varnish"
    # Varnish refuses a request header past http_req_hdr_len (8 KB by default): a key can be
    # over 200 characters (a slug), so batches are cut by length, not by count.
    header_budget = 4000

    def __init__(self, urls, timeout):
        self.urls = urls
        self.timeout = timeout

    def purge(self, keys):
        failures = []
        for url in self.urls:  # every server, even after one fails
            for batch in header_batches(keys, self.header_budget):
                request = urllib.request.Request(
                    url, method="PURGE", headers={"xkey-purge": " ".join(batch)}
                )
                try:
                    send(request, self.timeout)
                except PurgeFailed as failure:
                    failures.append(str(failure))
        if failures:
            raise PurgeFailed("; ".join(failures))


class CloudflareBackend(Backend):
    """Cloudflare's purge by cache tag, which reads the `Cache-Tag` header of responses."""

    name = "cloudflare"
    tags_per_request = 30  # the API's limit per purge call

    def __init__(self, zone_id, api_token, api_url, timeout):
        self.endpoint = f"{api_url.rstrip('/')}/zones/{zone_id}/purge_cache"
        self.api_token = api_token
        self.timeout = timeout

    def purge(self, keys):
        for batch in chunks(keys, self.tags_per_request):
            request = urllib.request.Request(
                self.endpoint,
                method="POST",
                data=json.dumps({"tags": batch}).encode(),
                headers={
                    "Authorization": f"Bearer {self.api_token}",
                    "Content-Type": "application/json",
                },
            )
            answer = send(request, self.timeout)
            try:
                succeeded = json.loads(answer).get("success") is True
            except (ValueError, AttributeError):
                succeeded = False
            if not succeeded:
                raise PurgeFailed(f"{self.endpoint}: {answer[:500].decode(errors='replace')}")


class CloudFrontBackend(Backend):
    """A CloudFront distribution, invalidated by path: CloudFront has no tags, so each key
    stands for the paths it labels (a list, with every query, as a wildcard)."""

    name = "cloudfront"

    def __init__(self, distribution_id, timeout):
        self.distribution_id = distribution_id
        self.timeout = timeout

    def purge(self, keys):
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError

        client = boto3.client(
            "cloudfront",
            config=Config(
                connect_timeout=self.timeout,
                read_timeout=self.timeout,
                retries={"max_attempts": 1},  # the task queue retries, with backoff
            ),
        )
        paths = sorted({path for key in keys for path in paths_for(key)})
        try:
            client.create_invalidation(
                DistributionId=self.distribution_id,
                InvalidationBatch={
                    "Paths": {"Quantity": len(paths), "Items": paths},
                    "CallerReference": uuid.uuid4().hex,
                },
            )
        except (BotoCoreError, ClientError) as error:
            raise PurgeFailed(f"CloudFront {self.distribution_id}: {error}") from error


def paths_for(key):
    """The paths a key labels, as CloudFront invalidates them."""
    listings = {
        cache_keys.ARTICLE_LIST: reverse("api:article-list") + "*",
        cache_keys.TAG_LIST: reverse("api:tag-list") + "*",
        cache_keys.REVIEWER_LIST: reverse("api:reviewer-list") + "*",
        cache_keys.SITEMAP: reverse("django.contrib.sitemaps.views.sitemap") + "*",
        cache_keys.FEED: reverse("article-feed") + "*",
    }
    if key in listings:
        return [listings[key]]
    kind, _, slug = key.partition(":")
    url_names = {
        "article": "api:article-detail",
        "tag": "api:tag-detail",
        "reviewer": "api:reviewer-detail",
    }
    return [reverse(url_names[kind], args=[slug])]


def configured():
    """The backends the settings name; none on a machine with no cache in front."""
    timeout = settings.FRONTEND_CACHE_TIMEOUT
    backends = []
    if settings.FRONTEND_CACHE_URLS:
        backends.append(VarnishBackend(settings.FRONTEND_CACHE_URLS, timeout))
    if settings.CLOUDFLARE_ZONE_ID:
        backends.append(
            CloudflareBackend(
                settings.CLOUDFLARE_ZONE_ID,
                settings.CLOUDFLARE_API_TOKEN,
                settings.CLOUDFLARE_API_URL,
                timeout,
            )
        )
    if settings.CLOUDFRONT_DISTRIBUTION_ID:
        backends.append(CloudFrontBackend(settings.CLOUDFRONT_DISTRIBUTION_ID, timeout))
    return backends


def named(name):
    return next((backend for backend in configured() if backend.name == name), None)
