"""The production URLconf routes no benchmark view; the bench's own adds its floor."""

import pytest
from django.urls import Resolver404, resolve


def test_the_benchmark_floor_is_not_routed_in_production():
    with pytest.raises(Resolver404):
        resolve("/bench/floor/")


def test_the_bench_urlconf_adds_the_floor_to_the_site():
    assert resolve("/bench/floor/", urlconf="bench.urls").func.__name__ == "floor"
    assert resolve("/api/v1/articles/", urlconf="bench.urls").url_name == "article-list"
