from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import last_modified
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from articles.api.http import throttled_page
from articles.feeds import ArticleSitemap, LatestArticlesFeed
from articles.models import read_model_changed_at
from config.views import healthz, home
from frontend_cache.keys import FEED, SITEMAP, labelled

admin.site.site_header = "Health CMS"
admin.site.site_title = "Health CMS"
admin.site.index_title = "Content"
# The side list of every model costs 300 px of every page; the home page and the breadcrumbs
# already lead everywhere, and the review page and the lists need the width.
admin.site.enable_nav_sidebar = False
# The home page starts with each person's own panels (articles/dashboard.py).
admin.site.index_template = "admin/editorial_index.html"
# The CMS has no public pages of its own: "View site" goes to the frontend.
admin.site.site_url = settings.FRONTEND_URL

# Sitemap and feed: cached like the public API, dated by the last change to live content.
public_cache = cache_control(
    public=True, max_age=settings.API_CACHE_MAX_AGE, s_maxage=settings.API_CACHE_SHARED_MAX_AGE
)
dated = last_modified(lambda request: read_model_changed_at())

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("articles.api.urls")),
    path("api/schema/", throttled_page(SpectacularAPIView.as_view()), name="schema"),
    path(
        "api/docs/",
        # GET and HEAD only: DRF's OPTIONS answer would go through the page's HTML template
        # renderer, which has no template for it (a 500).
        throttled_page(
            SpectacularSwaggerSplitView.as_view(
                url_name="schema", http_method_names=["get", "head"]
            )
        ),
        name="api-docs",
    ),
    path(
        "sitemap.xml",
        throttled_page(labelled(SITEMAP)(public_cache(sitemap))),
        {"sitemaps": {"articles": ArticleSitemap}},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path(
        "feeds/articles/",
        throttled_page(labelled(FEED)(public_cache(dated(LatestArticlesFeed())))),
        name="article-feed",
    ),
    path("healthz", healthz, name="healthz"),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.not_found"
handler500 = "config.views.server_error"

if settings.DEBUG:
    # Development serves uploads itself; MEDIA_URL may name this host in full.
    media_prefix = urlsplit(settings.MEDIA_URL).path.strip("/")
    urlpatterns += [
        re_path(rf"^{media_prefix}/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]
