"""A deployment warning: a cache in front is a proxy the rate limits must know about."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def cache_in_front_counted_as_a_proxy(**kwargs):
    if settings.FRONTEND_CACHE_URLS and not settings.TRUSTED_PROXIES:
        return [
            Warning(
                "FRONTEND_CACHE_URLS names a Varnish in front, but DJANGO_TRUSTED_PROXIES is 0: "
                "every reader reaches the application from Varnish's address, so one busy "
                "reader uses up the anonymous rate limit of all.",
                hint="Set DJANGO_TRUSTED_PROXIES to the number of proxies in front of the "
                "application, Varnish included (1 when readers reach Varnish directly).",
                id="frontend_cache.W001",
            )
        ]
    return []
