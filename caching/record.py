"""Reading the record of change: the generations every kept copy is keyed by.

Every request that reads or keeps a copy reads the record once (one indexed row, about 40 µs on
PostgreSQL over loopback), so it can never be served a copy from before a change that committed
before it began, whichever process, instance or cron job made the change. A GET or HEAD reads it at
most once: the menus, fragments and links of one page then all come from one moment. Anything else
(an editor's POST, a management command) reads it afresh each time, so it sees its own changes.
"""

import random
import threading
from typing import NamedTuple

import psycopg
from psycopg import pq

from django.db import DatabaseError, OperationalError, connection, transaction

from .models import ChangeRecord

RECORD = ChangeRecord._meta.db_table
READ_SQL = f'SELECT any_change, sitewide_change FROM "{RECORD}" WHERE id = 1'
# Random, never counted: see ChangeRecord.
FRESH_SQL = {
    "sqlite": f'INSERT OR IGNORE INTO "{RECORD}" (id, any_change, sitewide_change) VALUES (1, random(), random())',
    "postgresql": (
        f'INSERT INTO "{RECORD}" (id, any_change, sitewide_change) VALUES '
        "(1, floor(random() * 9007199254740991)::bigint, floor(random() * 9007199254740991)::bigint) "
        "ON CONFLICT (id) DO NOTHING"
    ),
}


class Generations(NamedTuple):
    any_change: int
    sitewide_change: int


ANY_CHANGE = "any_change"
SITEWIDE_CHANGE = "sitewide_change"
SCOPES = (ANY_CHANGE, SITEWIDE_CHANGE)

_pinned = threading.local()


def current() -> Generations:
    generations = getattr(_pinned, "generations", None)
    if generations is not None:
        return generations
    generations = _read()
    if getattr(_pinned, "active", False):
        _pinned.generations = generations
    return generations


def generation(scope: str = ANY_CHANGE) -> int:
    return getattr(current(), scope)


class pinned:
    """Within this block (one safe request), the record is read at most once. Nested blocks (the
    WSGI layer, then Django's middleware) share the outermost one's reading."""

    def __enter__(self):
        self.outermost = not getattr(_pinned, "active", False)
        if self.outermost:
            _pinned.active, _pinned.generations = True, None

    def __exit__(self, *exc_info):
        if self.outermost:
            _pinned.active, _pinned.generations = False, None


def _read() -> Generations:
    row = _fetch()
    if row is None:
        # A flushed or restored database: start a fresh pair that nothing was ever kept under.
        with connection.cursor() as cursor:
            cursor.execute(FRESH_SQL.get(connection.vendor) or _fresh_portable())
        row = _fetch()
    return Generations(*row)


def _fresh_portable() -> str:
    pair = random.SystemRandom().getrandbits(53), random.SystemRandom().getrandbits(53)
    return f'INSERT INTO "{RECORD}" (id, any_change, sitewide_change) VALUES (1, {pair[0]}, {pair[1]})'


def _fetch() -> tuple[int, int] | None:
    """One round trip on the connection Django already holds. A connection the database dropped
    (a restart, a failover) is replaced once: this read serves as the request's health check."""
    try:
        return _fetch_once()
    except DatabaseError:
        if connection.in_atomic_block:
            raise
        connection.close()
        return _fetch_once()


def _fetch_once() -> tuple[int, int] | None:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        with connection.wrap_database_errors:
            return connection.connection.execute(READ_SQL).fetchone()
    if connection.vendor == "postgresql":
        return _fetch_postgresql()
    with connection.cursor() as cursor:
        cursor.execute(READ_SQL)
        return cursor.fetchone()


STATEMENT = b"caching_read_change_record"


def _fetch_postgresql() -> tuple[int, int] | None:
    """Straight through libpq, a statement prepared once per connection: Django's cursors bind on
    the client (the server would parse and plan the query every time) and psycopg's own cursor
    costs three times the CPU of the round trip. About 16 µs of CPU and 45 µs in all, on loopback."""
    raw = connection.connection
    pgconn = raw.pgconn
    try:
        if getattr(connection, "caching_prepared_on", None) is not raw:
            _expect(pgconn.prepare(STATEMENT, READ_SQL.encode()), pq.ExecStatus.COMMAND_OK)
            connection.caching_prepared_on = raw
        result = _expect(pgconn.exec_prepared(STATEMENT, []), pq.ExecStatus.TUPLES_OK)
    except psycopg.Error as error:
        connection.caching_prepared_on = None  # prepared again on the next read
        raise OperationalError(str(error)) from error
    if not result.ntuples:
        return None
    return int(result.get_value(0, 0)), int(result.get_value(0, 1))


def _expect(result, status):
    if result.status != status:
        raise psycopg.OperationalError(result.get_error_field(pq.DiagnosticField.MESSAGE_PRIMARY) or b"")
    return result


def move_everything() -> None:
    """Move both generations now (in the current transaction, if any), for changes the triggers
    cannot see: a restore that replaced the whole database, or a test standing in for another
    instance. Content changes need no call: the database moves the record itself."""
    with transaction.atomic():
        ChangeRecord.objects.update_or_create(
            id=1,
            defaults={
                "any_change": random.SystemRandom().getrandbits(53),
                "sitewide_change": random.SystemRandom().getrandbits(53),
            },
        )
    if getattr(_pinned, "active", False):
        _pinned.generations = None
