"""Wagtail's database search backend, with two changes on PostgreSQL.

- modelsearch annotates each match with its combined vector (`title || body`) to filter on it,
  and so also selects that vector for every matching row: PostgreSQL then builds it a second
  time per row and sends it back unused. With 5,000 pages and a common word that was 25 of 60 ms.
  Here the vector still filters (the GIN index in migration 0003 serves it) but is not selected.
- The ranking names the text search configuration. Without one, `to_tsquery(text)` depends on a
  setting, so PostgreSQL parses and stems the query again for every match, twice (title and
  body): 7 of 28 ms for 1,800 matches. Named, it is parsed once when the query is planned. The
  filter keeps the unnamed form: given a constant there, the planner misjudges the cost of
  `title || body` and reads every entry instead of using the index (90 ms instead of 20).
"""

import functools

from modelsearch.backends import database
from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend, PostgresSearchQueryCompiler

from django.db import connection


@functools.cache
def database_text_search_config() -> str:
    """The configuration the index was built with (no SEARCH_CONFIG is set): the database's default."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW default_text_search_config")
        return cursor.fetchone()[0]


class LeanPostgresSearchQueryCompiler(PostgresSearchQueryCompiler):
    def _apply_ordering_and_scoring(self, queryset, *args, **kwargs):
        queryset.query.set_annotation_mask(set(queryset.query.annotations) - {"_vector_"})
        return super()._apply_ordering_and_scoring(queryset, *args, **kwargs)

    def build_tsrank(self, vector, query, config=None, boost=1.0):
        return super().build_tsrank(vector, query, config=config or database_text_search_config(), boost=boost)


class LeanPostgresSearchBackend(PostgresSearchBackend):
    query_compiler_class = LeanPostgresSearchQueryCompiler


def SearchBackend(params):  # capitalised: the name Wagtail looks up in a backend module
    if connection.vendor == "postgresql":
        return LeanPostgresSearchBackend(params)
    return database.SearchBackend(params)
