"""The benchmark's URLconf: the site's, plus the floor view (bench/floor.py). `make bench`
selects it with DJANGO_ROOT_URLCONF; production never routes the floor."""

from django.urls import path

from bench.floor import floor
from config.urls import handler400, handler404, handler500
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [*site_urlpatterns, path("bench/floor/", floor)]

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]
