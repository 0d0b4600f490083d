"""Each backend's requests, against local stand-ins: an HTTP receiver for Varnish and for
Cloudflare's API, moto for CloudFront."""

import json

import boto3
import pytest
from moto import mock_aws

from frontend_cache import backends
from frontend_cache.backends import (
    CloudflareBackend,
    CloudFrontBackend,
    PurgeFailed,
    VarnishBackend,
)
from tests.frontend_cache.conftest import Receiver

KEYS = {"article:hip-pain", "articles", "tags", "reviewers", "sitemap", "feed"}


def test_varnish_gets_a_purge_naming_the_keys_on_every_server(receiver):
    other = Receiver()
    try:
        VarnishBackend([receiver.url, other.url], timeout=2).purge(KEYS)
        for server in (receiver, other):
            [(method, path, headers, _)] = server.requests
            assert (method, path) == ("PURGE", "/")
            assert set(headers["xkey-purge"].split(" ")) == KEYS
    finally:
        other.close()


def test_many_keys_go_in_several_purges_each_within_varnish_header_limit(receiver):
    keys = {f"article:slug-{n}" for n in range(250)}
    VarnishBackend([receiver.url], timeout=2).purge(keys)
    sent = receiver.purged_keys()
    assert len(sent) == 2 and all(len(" ".join(batch)) <= 4000 for batch in sent)
    assert set().union(*sent) == keys


def test_a_varnish_that_refuses_fails_the_purge_but_the_others_are_still_purged(receiver):
    receiver.answers = [(403, b"Not allowed to purge")]
    other = Receiver()
    try:
        with pytest.raises(PurgeFailed, match="HTTP 403"):
            VarnishBackend([receiver.url, other.url], timeout=2).purge(KEYS)
        assert len(other.requests) == 1
    finally:
        other.close()


def test_an_unreachable_varnish_fails_the_purge():
    with pytest.raises(PurgeFailed, match=r"127\.0\.0\.1:9"):
        VarnishBackend(["http://127.0.0.1:9/"], timeout=1).purge(KEYS)


def cloudflare(receiver):
    return CloudflareBackend("zone-1", "secret-token", f"{receiver.url}client/v4", timeout=2)


def test_cloudflare_is_asked_to_purge_the_tags_in_batches_of_thirty(receiver):
    receiver.answers = [(200, json.dumps({"success": True}).encode())]
    tags = {f"article:slug-{n}" for n in range(45)}
    cloudflare(receiver).purge(tags)
    assert len(receiver.requests) == 2
    for method, path, headers, _ in receiver.requests:
        assert (method, path) == ("POST", "/client/v4/zones/zone-1/purge_cache")
        assert headers["Authorization"] == "Bearer secret-token"
        assert headers["Content-Type"] == "application/json"
    batches = [body["tags"] for body in receiver.json_bodies()]
    assert [len(batch) for batch in batches] == [30, 15]
    assert set().union(*batches) == tags


@pytest.mark.parametrize(
    "status, answer",
    [
        (200, {"success": False, "errors": [{"code": 1134, "message": "Rate limited"}]}),
        (403, {"success": False, "errors": [{"code": 10000, "message": "Authentication error"}]}),
        (200, "not an object"),
    ],
)
def test_cloudflare_refusing_fails_the_purge(receiver, status, answer):
    receiver.answers = [(status, json.dumps(answer).encode())]
    with pytest.raises(PurgeFailed):
        cloudflare(receiver).purge(KEYS)


@pytest.fixture
def distribution(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("cloudfront")
        made = client.create_distribution(
            DistributionConfig={
                "CallerReference": "health-cms",
                "Comment": "",
                "Enabled": True,
                "Origins": {
                    "Quantity": 1,
                    "Items": [
                        {
                            "Id": "origin",
                            "DomainName": "api.health.example",
                            "CustomOriginConfig": {
                                "HTTPPort": 80,
                                "HTTPSPort": 443,
                                "OriginProtocolPolicy": "https-only",
                            },
                        }
                    ],
                },
                "DefaultCacheBehavior": {
                    "TargetOriginId": "origin",
                    "ViewerProtocolPolicy": "redirect-to-https",
                    "MinTTL": 0,
                    "ForwardedValues": {"QueryString": True, "Cookies": {"Forward": "none"}},
                },
            }
        )
        yield client, made["Distribution"]["Id"]


def test_cloudfront_invalidates_the_paths_the_keys_stand_for(distribution):
    client, distribution_id = distribution
    CloudFrontBackend(distribution_id, timeout=2).purge(KEYS | {"tag:knees", "reviewer:jane"})
    [summary] = client.list_invalidations(DistributionId=distribution_id)["InvalidationList"][
        "Items"
    ]
    invalidation = client.get_invalidation(DistributionId=distribution_id, Id=summary["Id"])
    paths = invalidation["Invalidation"]["InvalidationBatch"]["Paths"]["Items"]
    assert sorted(paths) == [
        "/api/v1/articles/*",
        "/api/v1/articles/hip-pain/",
        "/api/v1/reviewers/*",
        "/api/v1/reviewers/jane/",
        "/api/v1/tags/*",
        "/api/v1/tags/knees/",
        "/feeds/articles/*",
        "/sitemap.xml*",
    ]


def test_cloudfront_refusing_fails_the_purge(distribution):
    with pytest.raises(PurgeFailed, match="NoSuchDistribution"):
        CloudFrontBackend("UNKNOWN", timeout=2).purge(KEYS)


def test_the_settings_choose_the_backends(settings):
    settings.FRONTEND_CACHE_URLS = []
    settings.CLOUDFLARE_ZONE_ID = settings.CLOUDFRONT_DISTRIBUTION_ID = ""
    assert backends.configured() == []
    settings.FRONTEND_CACHE_URLS = ["http://10.0.0.5:6081/", "http://10.0.0.6:6081/"]
    settings.CLOUDFLARE_ZONE_ID = "zone-1"
    settings.CLOUDFRONT_DISTRIBUTION_ID = "E123"
    varnish, cloudflare_backend, cloudfront = backends.configured()
    assert varnish.urls == settings.FRONTEND_CACHE_URLS
    assert cloudflare_backend.endpoint.endswith("/zones/zone-1/purge_cache")
    assert cloudfront.distribution_id == "E123"


def test_the_deploy_check_asks_for_varnish_to_be_counted_as_a_proxy(settings):
    from frontend_cache.checks import cache_in_front_counted_as_a_proxy

    settings.FRONTEND_CACHE_URLS = ["http://127.0.0.1:6081/"]
    settings.TRUSTED_PROXIES = 0
    [warning] = cache_in_front_counted_as_a_proxy()
    assert warning.id == "frontend_cache.W001"
    settings.TRUSTED_PROXIES = 1
    assert cache_in_front_counted_as_a_proxy() == []
    settings.FRONTEND_CACHE_URLS = []
    settings.TRUSTED_PROXIES = 0
    assert cache_in_front_counted_as_a_proxy() == []


def test_varnish_purges_of_long_keys_are_cut_to_fit_its_header_limit(receiver, settings):
    """A hundred 208-character keys made one 21 KB header, which Varnish refuses (8 KB)."""
    settings.FRONTEND_CACHE_URLS = [receiver.url]
    keys = {f"article:{'x' * 199}{n}" for n in range(100)}
    backends.configured()[0].purge(keys)
    headers = [headers["xkey-purge"] for _, _, headers, _ in receiver.requests]
    assert len(headers) > 1 and all(len(header) <= 4000 for header in headers)
    assert set(" ".join(headers).split()) == keys
