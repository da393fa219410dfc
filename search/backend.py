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

And one addition: each language is stemmed by its own text search configuration. Wagtail's
SEARCH_CONFIG is one configuration for the whole backend, for indexing and searching alike; here
SEARCH_CONFIG_BY_LANGUAGE (settings) names one per language, {"es": "spanish"}, and a language it
does not name (English) keeps the database's default, as before. An object with a locale (pages,
questions, glossary terms) is indexed with its language's configuration, and `for_language` gives
a backend that parses a query with the reader's: 'tratamientos' then finds 'tratamiento'. The
filter for a Spanish query names its configuration (it must: the default would stem it as English).
Other databases (SQLite in development) have no stemming and ignore all this.
"""

import copy
import functools
from collections import defaultdict

from modelsearch.backends import database
from modelsearch.backends.database.postgres.postgres import (
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)

from django.db import connection

from wagtail.models import Locale
from wagtail.search.backends import get_search_backend


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


@functools.cache
def _language_of_locale(locale_id: int) -> str:
    return Locale.objects.filter(pk=locale_id).values_list("language_code", flat=True).first() or ""


class LanguageIndex(PostgresIndex):
    """Indexes each object with its own language's configuration."""

    def add_items(self, model, objs):
        by_config = defaultdict(list)
        for obj in objs:
            locale_id = getattr(obj, "locale_id", None)
            by_config[self.backend.config_for(_language_of_locale(locale_id) if locale_id else "")].append(obj)
        for config, group in by_config.items():
            PostgresIndex.add_items(PostgresIndex(self.backend.with_config(config)), model, group)


class LeanPostgresSearchBackend(PostgresSearchBackend):
    query_compiler_class = LeanPostgresSearchQueryCompiler
    index_class = LanguageIndex

    def __init__(self, params):
        super().__init__(params)
        self.config_by_language = dict(params.get("SEARCH_CONFIG_BY_LANGUAGE", {}))

    def config_for(self, language: str) -> str | None:
        return self.config_by_language.get(language, self.config)

    def with_config(self, config: str | None) -> "LeanPostgresSearchBackend":
        if config == self.config:
            return self
        clone = copy.copy(self)
        clone.config = config
        return clone

    def for_language(self, language: str) -> "LeanPostgresSearchBackend":
        return self.with_config(self.config_for(language))


def search_backend_for(language: str):
    """The search backend, parsing queries as `language` is indexed (PostgreSQL); the same
    backend elsewhere."""
    backend = get_search_backend()
    return backend.for_language(language) if hasattr(backend, "for_language") else backend


def text_search_config_for(language: str) -> str | None:
    """The configuration a query in `language` is parsed with on PostgreSQL (None: the database's
    default, or another database)."""
    backend = get_search_backend()
    return backend.config_for(language) if hasattr(backend, "config_for") else None


def SearchBackend(params):  # capitalised: the name Wagtail looks up in a backend module
    if connection.vendor == "postgresql":
        return LeanPostgresSearchBackend(params)
    return database.SearchBackend(params)
