"""The surrogate keys public responses carry, and the keys a change to live content purges.

One vocabulary for all three headers that caches read: `Surrogate-Key` (Fastly and others,
space-separated), `xkey` (Varnish's xkey vmod) and `Cache-Tag` (Cloudflare, comma-separated).

An article's responses are keyed by slug: the detail at a slug, or the redirect from a slug
the article left, is known by its slug before any row is read. A change purges every slug
the article has and had (the caller names them), so a retired slug's redirect goes with it.
"""

import functools

from django.urls import resolve

ARTICLE_LIST = "articles"
TAG_LIST = "tags"
REVIEWER_LIST = "reviewers"
SITEMAP = "sitemap"
FEED = "feed"

# What any change to a live article shows up in besides its own page: the lists that count
# or show it, every tag and reviewer page (their counts and cards), the sitemap and the feed.
EVERY_LISTING = (ARTICLE_LIST, TAG_LIST, REVIEWER_LIST, SITEMAP, FEED)


def article(slug):
    return f"article:{slug}"


def tag(slug):
    return f"tag:{slug}"


def reviewer(slug):
    return f"reviewer:{slug}"


def for_articles(slugs):
    """Everything to purge when the live articles known by `slugs` change."""
    return {*EVERY_LISTING, *(article(slug) for slug in slugs)}


def for_request(request):
    """The keys of a public API response to `request`, chosen by the URL it asked for. A tag's
    or a reviewer's page counts live articles, so it goes with the list whenever they change."""
    # A view called directly (a RequestFactory request) was not routed: route it here.
    match = request.resolver_match or resolve(request.path_info)
    slug = match.kwargs.get("slug", "")
    by_view = {
        "api:article-list": [ARTICLE_LIST],
        "api:article-detail": [article(slug)],
        "api:tag-list": [TAG_LIST],
        "api:tag-detail": [TAG_LIST, tag(slug)],
        "api:reviewer-list": [REVIEWER_LIST],
        "api:reviewer-detail": [REVIEWER_LIST, reviewer(slug)],
    }
    return by_view.get(match.view_name, [])


def label(response, keys):
    """Add `keys` to `response` in each cache's header."""
    keys = list(keys)
    response.headers["Surrogate-Key"] = " ".join(keys)
    response.headers["xkey"] = " ".join(keys)
    response.headers["Cache-Tag"] = ",".join(keys)
    return response


def labelled(*keys):
    """A view decorator: its responses carry `keys`."""

    def decorate(view):
        def view_with_keys(request, *args, **kwargs):
            return label(view(request, *args, **kwargs), keys)

        return functools.update_wrapper(view_with_keys, view)

    return decorate
