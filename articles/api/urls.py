from rest_framework.routers import SimpleRouter

from articles.api.editorial import EditorialArticleViewSet, EditorialReviewViewSet

router = SimpleRouter()
router.register("editorial/articles", EditorialArticleViewSet, basename="editorial-article")
router.register("editorial/reviews", EditorialReviewViewSet, basename="editorial-review")

urlpatterns = router.urls
