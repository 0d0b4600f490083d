"""The editorial API's list of live articles citing sources that failed their last check."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from articles.api.editorial import IsStaff
from articles.models import Article, PublishedArticle, ReferenceCheck
from articles.reference_checks import broken_references


class BrokenReferenceSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The reference as the article lists it.")
    url = serializers.URLField(help_text="The address that failed.")
    outcome = serializers.ChoiceField(
        choices=ReferenceCheck.Outcome.choices,
        help_text="broken (an HTTP error), unreachable (no answer in time, no such host) or "
        "refused (it leads into a private network).",
    )
    status_code = serializers.IntegerField(allow_null=True, help_text="The last HTTP status.")
    detail = serializers.CharField(help_text="What went wrong.")
    checked_at = serializers.DateTimeField(help_text="When it was last checked.")


class ArticleWithBrokenReferencesSerializer(serializers.Serializer):
    article = serializers.IntegerField(help_text="The article's id in the editorial API.")
    slug = serializers.SlugField(help_text="Its live slug.")
    title = serializers.CharField(help_text="Its live title.")
    references = BrokenReferenceSerializer(many=True, help_text="Its failing references.")


class BrokenReferencesView(generics.ListAPIView):
    """Live articles you may see whose references failed their last daily check."""

    permission_classes = [IsStaff]
    serializer_class = ArticleWithBrokenReferencesSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return PublishedArticle.objects.none()
        visible = Article.objects.visible_to(self.request.user).values("pk")
        return PublishedArticle.objects.filter(article__in=visible).order_by("title", "pk")

    @extend_schema(
        description="Live articles you may see that cite a source which failed its last "
        "check (`manage.py check_references`, daily), with each failing reference.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        rows = [
            {"article": live.article_id, "slug": live.slug, "title": live.title,
             "references": broken}
            for live, broken in broken_references(self.get_queryset())
        ]  # fmt: skip
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
