"""Full-text search over live articles, through the index each database keeps
(articles/search_index.py).

PostgreSQL matches on the stored, weighted `search_vector` and ranks with `ts_rank` over the
title and summary (`search_head`); SQLite ranks with FTS5's `bm25`, weighting title, summary
and section text. Both stem English words, so "cramp" finds "cramps". Any other database scans
the text: correct, but slow on a large catalogue.
"""

import re

from django.db import connections
from django.db.models import Case, Expression, IntegerField, Q, Value, When

from articles.search_index import FTS_TABLE

MAX_SEARCH_TERMS = 10
# bm25 weights for title, summary and section text, in that order (title counts most).
FTS_WEIGHTS = "10.0, 4.0, 1.0"
WORD = re.compile(r"\w+")


def search_live(queryset, text, *, ranked):
    """`queryset` (of PublishedArticle) narrowed to what matches `text`; best first if `ranked`,
    then newest first."""
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        return _postgresql_search(queryset, text, ranked=ranked)
    if vendor == "sqlite":
        return _sqlite_search(queryset, text, ranked=ranked)
    return _scan_search(queryset, text, ranked=ranked)


def _postgresql_search(queryset, text, *, ranked):
    """Match on the whole article, rank on its title and summary (articles/search_index.py):
    a title match outranks a summary match, which outranks a match in the body alone; matches
    that tie are newest first."""
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField

    query = SearchQuery(text, search_type="websearch", config="english")
    vector = TableColumn("search_vector", output_field=SearchVectorField())
    # alias(), not annotate(): the vector is read by the index, never sent back to us.
    queryset = queryset.alias(search=vector).filter(search=query)
    if ranked:
        head = TableColumn("search_head", output_field=SearchVectorField())
        queryset = queryset.alias(rank=SearchRank(head, query)).order_by(
            "-rank", "-published_at", "-pk"
        )
    return queryset


class TableColumn(Expression):
    """A column the model does not declare (the database maintains it), named through the
    table's alias in whatever query it lands in, subqueries included."""

    def __init__(self, column, output_field):
        super().__init__(output_field=output_field)
        self.column = column

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.{connection.ops.quote_name(self.column)}", []


def _sqlite_search(queryset, text, *, ranked):
    words = WORD.findall(text)[:MAX_SEARCH_TERMS]
    if not words:
        return queryset.none()
    # Each word as an FTS5 string, so nothing a reader types is read as query syntax.
    match = " ".join('"' + word + '"' for word in words)
    table = queryset.model._meta.db_table
    # The FTS5 table is not a model, so the join is spelled out with extra(); such a queryset
    # cannot be a subquery (see PublicPagination.cards_json).
    return queryset.extra(
        tables=[FTS_TABLE],
        where=[f'"{FTS_TABLE}".rowid = "{table}"."id"', f'"{FTS_TABLE}" MATCH %s'],
        params=[match],
        select={"rank": f'bm25("{FTS_TABLE}", {FTS_WEIGHTS})'} if ranked else {},
        order_by=["rank", "-published_at", "-id"] if ranked else [],
    )


def _scan_search(queryset, text, *, ranked):
    """Every word must appear somewhere; title matches come first."""
    words = text.split()[:MAX_SEARCH_TERMS]
    for word in words:
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(search_text__icontains=word)
        )
    if ranked:
        title_hits = Case(
            *(When(title__icontains=word, then=Value(1)) for word in words),
            default=Value(0),
            output_field=IntegerField(),
        )
        queryset = queryset.alias(title_hit=title_hits).order_by("-title_hit", "-published_at")
    return queryset
