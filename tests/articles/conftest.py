"""Fixtures shared by the article tests."""

import os

import pytest
from django.core.cache import cache

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS_BACKEND = "config.redis_cache.ReusedClientRedisCache"
REDIS = {"default": {"BACKEND": REDIS_BACKEND, "LOCATION": REDIS_URL}}


@pytest.fixture(params=["locmem", "redis"])
def shared_cache(request, settings):
    if request.param == "redis" and not REDIS_URL:
        pytest.skip("set TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15) to test on Redis")
    settings.CACHES = LOCMEM if request.param == "locmem" else REDIS
    settings.API_RESPONSE_CACHE = True
    cache.clear()
    yield request.param
    cache.clear()
