"""Rank search matches from the postings table (migration 0004) instead of scoring every match.

modelsearch ranks a query `w1 | w2 | …` on PostgreSQL with ts_rank, which for an OR of words
is the average of the ranks each word alone would give. So the sum of the stored one-word ranks
orders the matches exactly as modelsearch does (give or take float rounding on near ties), and
for one word the best matches are simply the first postings in the index.

The table answers only what it can answer exactly: a query whose every term is a single word.
For anything else, or on another database, `best_matches` returns None and the caller asks
the search backend as before.
"""

import functools
import logging
import re

from modelsearch.backends.database.postgres.weights import get_sql_weights
from modelsearch.utils import get_descendants_content_types_pks

from django.db import connection
from django.db.models import QuerySet

from .backend import database_text_search_config

logger = logging.getLogger(__name__)

# How modelsearch cuts a plain-text query into terms (PostgresSearchQueryCompiler).
TERM_SEPARATOR = re.compile(r"[\s\-]+")


@functools.cache
def postings_in_step() -> bool:
    """Whether the postings exist and hold ranks built with the weights modelsearch uses now
    (they follow the search fields' boosts, so a change to a boost makes them stale)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure('portal_search_weights()') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SELECT portal_search_weights() = %s::real[]", [get_sql_weights()])
        if cursor.fetchone()[0]:
            return True
    logger.warning(
        "Search ranks were built with other weights than modelsearch uses now (a search field's boost "
        "changed?): searching without them, more slowly, until they are rebuilt by migrating "
        "portal_search back to 0003 and forward again."
    )
    return False


@functools.lru_cache(maxsize=1024)
def words_of(text: str, config: str | None = None) -> tuple[str, ...] | None:
    """The lexemes PostgreSQL makes of the query's terms, or None when a term makes more than one
    (then modelsearch asks for those words side by side, which one-word ranks cannot answer).
    Remembered: one search asks for the words of its text three times (pages, questions, terms).
    `config` is the language's text search configuration (Spanish stems differ), the database's
    default unless named."""
    terms = [term for term in TERM_SEPARATOR.split(text) if term]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(to_tsvector(%s::regconfig, term)) FROM unnest(%s::text[]) AS term",
            [config or database_text_search_config(), terms],
        )
        lexemes = [row[0] for row in cursor.fetchall()]
    if any(len(found) > 1 for found in lexemes):
        return None
    return tuple(found[0] for found in lexemes if found)


def best_matches(queryset: QuerySet, text: str, limit: int, config: str | None = None) -> list[int] | None:
    """The keys of up to `limit` objects of `queryset` that match any word of `text`, best first,
    as `backend.search(text, queryset, operator="or")[:limit]` would give them; None where the
    postings cannot answer."""
    if not postings_in_step():
        return None
    words = words_of(text, config)
    if words is None:
        return None
    if not words:
        return []
    content_types = list(get_descendants_content_types_pks(queryset.model))
    if not queryset.query.where:
        # Every object of the model: each posting is one (the index drops a deleted object's).
        return _ranked(words, content_types, limit)
    # Nearly every match is one the queryset holds (a draft or a private page is the exception),
    # so rank the matches alone, which spares joining thousands of them to their pages, and check
    # the best few. Only when too many of those are left out does the ranking take the queryset in.
    candidates = _ranked(words, content_types, 2 * limit)
    held = set(queryset.order_by().filter(pk__in=candidates).values_list("pk", flat=True))
    best = [pk for pk in candidates if pk in held]
    if len(best) >= limit or len(candidates) < 2 * limit:
        return best[:limit]
    return _ranked(words, content_types, limit, within=queryset)


def _ranked(words: tuple[str, ...], content_types: list[int], limit: int, within: QuerySet | None = None) -> list[int]:
    distinct = sorted(set(words))
    # One word needs no sum: its postings come out of the index best first.
    single = len(distinct) == 1
    conditions = ["word = %s" if single else "word = ANY(%s)", "content_type_id = ANY(%s)"]
    params = [distinct[0] if single else distinct, content_types]
    if within is not None:
        within_sql, within_params = within.order_by().values("pk").query.sql_with_params()
        conditions.append(f"object_pk IN ({within_sql})")
        params.extend(within_params)
    ranking = "ORDER BY rank DESC" if single else "GROUP BY object_pk ORDER BY SUM(rank) DESC"
    sql = (
        f"SELECT object_pk FROM portal_search_posting WHERE {' AND '.join(conditions)} "  # noqa: S608 - our own
        f"{ranking}, object_pk DESC LIMIT %s"  # SQL and Django's, with every value passed as a parameter
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return [row[0] for row in cursor.fetchall()]
