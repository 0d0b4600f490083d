"""Query parameters of the public article list, each validated: a bad value is a 400."""

import django_filters
from django import forms
from django.core.validators import validate_slug
from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When

from articles.models import PublishedArticle

MAX_SEARCH_TERMS = 10


class SlugListField(forms.Field):
    widget = forms.MultipleHiddenInput  # reads every value of a repeated parameter

    def to_python(self, value):
        return [item for item in (value or []) if item]

    def validate(self, value):
        for slug in value:
            validate_slug(slug)


class AllTagsFilter(django_filters.Filter):
    """`tag` may repeat; an article must carry every tag given."""

    field_class = SlugListField

    def filter(self, queryset, slugs):
        for slug in slugs or ():
            queryset = queryset.filter(tags__slug=slug)
        return queryset


class PublishedArticleFilter(django_filters.FilterSet):
    tag = AllTagsFilter(help_text="A tag slug; repeat it to require several tags.")
    reviewer = django_filters.CharFilter(
        field_name="reviewer__slug",
        validators=[validate_slug],
        help_text="Only articles approved by the reviewer with this slug.",
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only articles whose content changed at or after this ISO 8601 time.",
    )
    q = django_filters.CharFilter(
        method="search", max_length=200, help_text="Words to look for in the articles."
    )
    ordering = django_filters.OrderingFilter(
        fields=(("published_at", "published"), ("updated_at", "updated"), ("title", "title")),
        help_text="published, updated or title; prefix with - for descending.",
    )

    class Meta:
        model = PublishedArticle
        fields = ["tag", "reviewer", "updated_since", "q", "ordering"]

    def search(self, queryset, name, text):
        text = text.strip()
        if not text:
            return queryset
        if connection.vendor == "postgresql":
            return _ranked_search(queryset, text, ordered="ordering" not in self.data)
        return _word_search(queryset, text, ordered="ordering" not in self.data)


def _ranked_search(queryset, text, *, ordered):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("search_text", weight="C", config="english")
    )
    query = SearchQuery(text, search_type="websearch", config="english")
    queryset = queryset.annotate(search=vector).filter(search=query)
    if ordered:
        queryset = queryset.annotate(rank=SearchRank(vector, query)).order_by(
            "-rank", "-published_at"
        )
    return queryset


def _word_search(queryset, text, *, ordered):
    """Without PostgreSQL: every word must appear; title matches come first."""
    words = text.split()[:MAX_SEARCH_TERMS]
    for word in words:
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(search_text__icontains=word)
        )
    if ordered:
        title_hits = Case(
            *(When(title__icontains=word, then=Value(1)) for word in words),
            default=Value(0),
            output_field=IntegerField(),
        )
        queryset = queryset.annotate(title_hit=title_hits).order_by("-title_hit", "-published_at")
    return queryset
