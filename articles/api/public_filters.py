"""Query parameters of the public article list, each validated: a bad value is a 400."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug

from articles.models import PublishedArticle
from articles.search import search_live
from tags.models import CODE_PATTERNS, CodeSystem, Tag, normal_code


def validate_utc_range(moment):
    """Refuse a time that has no UTC equivalent: the database compares times in UTC, and
    9999-12-31T23:59-23:59 falls in the year 10000 there (Python raises OverflowError)."""
    try:
        moment.astimezone(datetime.UTC)
    except OverflowError:
        raise ValidationError(
            "This time is outside the years 1 to 9999 once converted to UTC.", code="out_of_range"
        ) from None


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


class AllTagsFilter(django_filters.Filter):
    """`tag` may repeat; an article must carry every tag given."""

    field_class = SlugListField

    def filter(self, queryset, slugs):
        for slug in slugs or ():
            queryset = queryset.filter(tags__slug=slug)
        return queryset


class CodeField(forms.CharField):
    """`SYSTEM:CODE`, e.g. ICD-10-CM:M79.604, as (system, code); the system's name in any case."""

    def clean(self, value):
        value = super().clean(value)  # its length checked first
        if not value:
            return None
        system_name, _, code = value.partition(":")
        systems = {system.lower(): system for system in CodeSystem.values}
        system = systems.get(system_name.strip().lower())
        if system is None or not code.strip():
            raise ValidationError(
                "Give a code as SYSTEM:CODE, e.g. ICD-10-CM:M79.604; the systems are "
                f"{', '.join(CodeSystem.values)}.",
                code="invalid",
            )
        code = normal_code(system, code)
        pattern, example = CODE_PATTERNS[system]
        if not pattern.fullmatch(code):
            raise ValidationError(
                f"“{code}” is not a code of {system} ({example}).", code="invalid"
            )
        return system, code


class CodeFilter(django_filters.Filter):
    """Articles carrying a tag coded so (a condition or symptom, usually)."""

    field_class = CodeField

    def filter(self, queryset, value):
        if not value:
            return queryset
        system, code = value
        # A subquery, not a join: two tags of one article may carry the same code.
        coded = Tag.objects.filter(codes__system=system, codes__code=code)
        return queryset.filter(pk__in=coded.values("published_articles__published_article"))


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
    tag = AllTagsFilter(help_text="A tag slug; repeat it (up to 10 tags) to require several.")
    code = CodeFilter(
        max_length=50,
        help_text="A clinical code as SYSTEM:CODE (ICD-10-CM:M79.604, MeSH:D017116): only "
        "articles with a tag that carries it.",
    )
    reviewer = django_filters.CharFilter(
        field_name="reviewer__slug",
        validators=[validate_slug],
        help_text="Only articles approved by the reviewer with this slug.",
    )
    updated_since = django_filters.IsoDateTimeFilter(
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
