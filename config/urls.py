from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from articles.feeds import ArticleSitemap, LatestArticlesFeed
from config.views import healthz

admin.site.site_header = "Health CMS"
admin.site.site_title = "Health CMS"
admin.site.index_title = "Content"
# The CMS has no public pages of its own: "View site" goes to the frontend.
admin.site.site_url = settings.FRONTEND_URL

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("articles.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"articles": ArticleSitemap}},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("feeds/articles/", LatestArticlesFeed(), name="article-feed"),
    path("healthz", healthz, name="healthz"),
]

handler404 = "config.views.not_found"
handler500 = "config.views.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
