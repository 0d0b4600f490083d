"""The address a request comes from, as everything that counts clients takes it: the public
rate limits (DRF's throttles) and the admin login lockouts (django-axes)."""

from rest_framework.throttling import BaseThrottle


def client_address(request):
    """REMOTE_ADDR, or behind DJANGO_TRUSTED_PROXIES proxies the X-Forwarded-For entry the
    outermost of them appended.

    This is the rule DRF's throttles follow with NUM_PROXIES (set from DJANGO_TRUSTED_PROXIES);
    django-axes asks here (AXES_CLIENT_IP_CALLABLE) so that a lockout and a rate limit never
    count different addresses for the same request.
    """
    return BaseThrottle().get_ident(request)
