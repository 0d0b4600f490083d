"""The sitemap and the Atom feed: live articles only, linked at their frontend URLs."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from articles.models import PublishedArticle

FEED_SIZE = 50


class ArticleSitemap(Sitemap):
    """Every live article, at its address on the frontend rather than on this API host."""

    limit = 5000

    def items(self):
        return PublishedArticle.objects.only("slug", "updated_at").order_by("slug")

    def location(self, article):
        return urlsplit(article.get_absolute_url()).path

    def lastmod(self, article):
        return article.updated_at

    def get_protocol(self, protocol=None):
        return urlsplit(settings.FRONTEND_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.FRONTEND_URL).netloc


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed
    title = "Latest medically reviewed articles"
    subtitle = "Articles newly published or updated after review."

    def link(self):
        return settings.FRONTEND_URL + "/"

    def items(self):
        return PublishedArticle.objects.only(
            "slug", "title", "summary", "published_at", "updated_at", "document_json"
        ).order_by("-updated_at")[:FEED_SIZE]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.summary

    def item_link(self, article):
        return article.get_absolute_url()

    def item_guid(self, article):
        return article.get_absolute_url()

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        author = article.document.get("author")
        return author["name"] if author else None

    def item_categories(self, article):
        return [tag["name"] for tag in article.document["tags"]]
