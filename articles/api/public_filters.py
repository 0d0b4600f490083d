"""Query parameters of the public article list, each validated: a bad value is a 400."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.models import PublishedArticle
from articles.search import search_live
from tags.models import CodeSystem, Tag, checked_code


def validate_utc_range(moment):
    """Refuse a time that has no UTC equivalent: the database compares times in UTC, and
    9999-12-31T23:59-23:59 falls in the year 10000 there (Python raises OverflowError)."""
    try:
        moment.astimezone(datetime.UTC)
    except OverflowError:
        raise ValidationError(
            "This time is outside the years 1 to 9999 once converted to UTC.", code="out_of_range"
        ) from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 time, compared in UTC. Python takes offsets up to a day; PostgreSQL refuses
    those beyond 15:59 (a 500 once, for ?updated_since=…+22:38), so the database gets UTC."""

    def filter(self, queryset, value):
        return super().filter(queryset, value and value.astimezone(datetime.UTC))


# Each tag required is one more join: a few hundred made SQLite refuse the query (a 500), and
# no reader narrows a list by more than a handful of tags.
MAX_TAGS_REQUIRED = 10


class SlugListField(forms.Field):
    widget = forms.MultipleHiddenInput  # reads every value of a repeated parameter

    def to_python(self, value):
        return list(dict.fromkeys(item for item in (value or []) if item))

    def validate(self, value):
        if len(value) > MAX_TAGS_REQUIRED:
            raise ValidationError(
                f"At most {MAX_TAGS_REQUIRED} different tags may be required at once; "
                f"this asks for {len(value)}.",
                code="too_many",
            )
        for slug in value:
            validate_slug(slug)


TAGS_HELP = "A tag slug; repeat it (up to 10 tags) to require several."
CODES_HELP = (
    "A clinical code as SYSTEM:CODE (ICD-10-CM:M79.604, SNOMED-CT:23056005, MeSH:D012585): "
    "only articles with a tag that carries it. Repeat it (up to 10 codes) to require several."
)


def repeated(help_text):
    """A query parameter that may repeat (?tag=a&tag=b), as the OpenAPI schema gives it."""
    return serializers.ListField(child=serializers.CharField(), help_text=help_text)


@extend_schema_field(repeated(TAGS_HELP))
class AllTagsFilter(django_filters.Filter):
    """`tag` may repeat; an article must carry every tag given."""

    field_class = SlugListField

    def filter(self, queryset, slugs):
        for slug in slugs or ():
            queryset = queryset.filter(tags__slug=slug)
        return queryset


# Codes are matched like tags, each one more subquery; a handful is all a reader narrows by.
MAX_CODES_REQUIRED = 10
MAX_CODE_LENGTH = 50


class CodeListField(forms.Field):
    """Repeated `SYSTEM:CODE` values (ICD-10-CM:M79.604), as (system, code) pairs; the
    system's name in any case."""

    widget = forms.MultipleHiddenInput  # reads every value of a repeated parameter

    def to_python(self, value):
        values = list(dict.fromkeys(item.strip() for item in (value or []) if item.strip()))
        if len(values) > MAX_CODES_REQUIRED:
            raise ValidationError(
                f"At most {MAX_CODES_REQUIRED} different codes may be required at once; this "
                f"asks for {len(values)}.",
                code="too_many",
            )
        return [parse_code(value) for value in values]


def parse_code(value):
    if len(value) > MAX_CODE_LENGTH:
        raise ValidationError(
            f"A code is at most {MAX_CODE_LENGTH} characters, its system's name included.",
            code="too_long",
        )
    system_name, _, code = value.partition(":")
    systems = {system.lower(): CodeSystem(system) for system in CodeSystem.values}
    system = systems.get(system_name.strip().lower())
    if system is None or not code.strip():
        raise ValidationError(
            "Give a code as SYSTEM:CODE, e.g. ICD-10-CM:M79.604; the systems are "
            f"{', '.join(CodeSystem.values)}.",
            code="invalid",
        )
    return system.value, checked_code(system, code)


@extend_schema_field(repeated(CODES_HELP))
class AllCodesFilter(django_filters.Filter):
    """`code` may repeat; an article must carry a tag with each code given."""

    field_class = CodeListField

    def filter(self, queryset, codes):
        for system, code in codes or ():
            # A subquery, not a join: two tags of one article may carry the same code.
            coded = Tag.objects.filter(codes__system=system, codes__code=code)
            queryset = queryset.filter(pk__in=coded.values("published_articles__published_article"))
        return queryset


class StableOrderingFilter(django_filters.OrderingFilter):
    """The chosen order, then the id in the same direction: rows that tie keep one order, so no
    card appears on two pages, and each order matches an index of the read model."""

    def filter(self, queryset, value):
        if not value:
            return queryset
        ordering = [self.get_ordering_value(param) for param in value]
        tiebreak = "-pk" if ordering[-1].startswith("-") else "pk"
        return queryset.order_by(*ordering, tiebreak)


class PublishedArticleFilter(django_filters.FilterSet):
    tag = AllTagsFilter(help_text=TAGS_HELP)
    code = AllCodesFilter(help_text=CODES_HELP)
    reviewer = django_filters.CharFilter(
        field_name="reviewer__slug",
        validators=[validate_slug],
        help_text="Only articles approved by the reviewer with this slug.",
    )
    updated_since = UtcDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        validators=[validate_utc_range],
        help_text="Only articles whose content changed at or after this ISO 8601 time.",
    )
    q = django_filters.CharFilter(
        method="search", max_length=200, help_text="Words to look for in the articles."
    )
    ordering = StableOrderingFilter(
        fields=(("published_at", "published"), ("updated_at", "updated"), ("title", "title")),
        help_text="published, updated or title; prefix with - for descending.",
    )

    class Meta:
        model = PublishedArticle
        fields = ["tag", "code", "reviewer", "updated_since", "q", "ordering"]

    def search(self, queryset, name, text):
        text = text.strip()
        if not text:
            return queryset
        return search_live(queryset, text, ranked="ordering" not in self.data)
