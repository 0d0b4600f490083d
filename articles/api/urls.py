from django.urls import path
from rest_framework.routers import SimpleRouter

from articles.api import public
from articles.api.editorial import (
    EditorialArticleViewSet,
    EditorialImageViewSet,
    EditorialReviewViewSet,
    TokenView,
)
from articles.api.editorial_checks import BrokenReferencesView
from articles.api.editorial_own import OwnCredentialViewSet, OwnDisclosureViewSet
from articles.api.editorial_tags import EditorialTagViewSet

app_name = "api"

router = SimpleRouter()
router.register("editorial/articles", EditorialArticleViewSet, basename="editorial-article")
router.register("editorial/reviews", EditorialReviewViewSet, basename="editorial-review")
router.register("editorial/images", EditorialImageViewSet, basename="editorial-image")
router.register("editorial/tags", EditorialTagViewSet, basename="editorial-tag")
router.register(
    "editorial/my-credentials", OwnCredentialViewSet, basename="editorial-own-credential"
)
router.register(
    "editorial/my-disclosures", OwnDisclosureViewSet, basename="editorial-own-disclosure"
)

urlpatterns = [
    path("articles/", public.ArticleListView.as_view(), name="article-list"),
    path("articles/<slug:slug>/", public.ArticleDetailView.as_view(), name="article-detail"),
    path("tags/", public.TagListView.as_view(), name="tag-list"),
    path("tags/<slug:slug>/", public.TagDetailView.as_view(), name="tag-detail"),
    path("reviewers/", public.ReviewerListView.as_view(), name="reviewer-list"),
    path("reviewers/<slug:slug>/", public.ReviewerDetailView.as_view(), name="reviewer-detail"),
    path("preview/<str:token>/", public.PreviewView.as_view(), name="preview"),
    path("editorial/token/", TokenView.as_view(), name="editorial-token"),
    path(
        "editorial/broken-references/",
        BrokenReferencesView.as_view(),
        name="editorial-broken-references",
    ),
    *router.urls,
]
