"""The tags writers choose from, in the editorial API, with what the public API leaves out of
a tag: the specialties a condition calls for (see `specialty_scope`)."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from articles.api.editorial import IsStaff
from articles.api.public_serializers import TagCodeSerializer
from tags.models import Tag


class EditorialTagSerializer(serializers.ModelSerializer):
    codes = TagCodeSerializer(
        many=True, read_only=True, help_text="What the tag names in clinical terminologies."
    )
    approving_specialties = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="slug",
        help_text="For a condition: slugs of the specialty tags whose reviewers may approve "
        "articles about it.",
    )

    class Meta:
        model = Tag
        fields = ("slug", "name", "kind", "description", "codes", "approving_specialties")
        extra_kwargs = {
            "slug": {"help_text": "The tag's identifier; articles name their tags by it."},
            "name": {"help_text": "The tag as printed."},
        }


class EditorialTagFilter(django_filters.FilterSet):
    # Multiple, as the articles' ?state=: an empty ?kind= is then a 400, not "any kind".
    kind = django_filters.MultipleChoiceFilter(
        choices=Tag.Kind.choices, help_text="Only tags of these kinds (repeat it for several)."
    )

    class Meta:
        model = Tag
        fields = ["kind"]


@extend_schema_view(
    list=extend_schema(description="Every tag, by name; ?kind= narrows. Editors keep them."),
    retrieve=extend_schema(description="One tag, by slug."),
)
class EditorialTagViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsStaff]
    serializer_class = EditorialTagSerializer
    filterset_class = EditorialTagFilter
    lookup_field = "slug"
    queryset = Tag.objects.prefetch_related("codes", "approving_specialties").order_by("name")
