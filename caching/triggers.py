"""Database triggers that move the record of change in the same transaction as the change.

Written out from the watched tables (caching/watched.py) and installed after every `migrate`, so a
new page type or a Wagtail upgrade that adds a column is covered by the next migrate. Because the
database moves the record itself, every way of writing counts: the admin, a management command, a
cron job, `QuerySet.update()`, raw SQL, a restore. A change that rolls back takes its move with it.
"""

import hashlib
from dataclasses import dataclass

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

from .models import ChangeRecord
from .watched import ADDRESS_PAGE_COLUMNS, DRAFT_ONLY_PAGE_COLUMNS, PAGE, SITEWIDE, page_columns, watched_tables

PREFIX = "caching_"
EVENTS = ("INSERT", "UPDATE", "DELETE")
RECORD = ChangeRecord._meta.db_table
SITE_TABLE = "wagtailcore_site"
PG_FUNCTION = "caching_record_change"
# PostgreSQL names are at most 63 bytes.
LONGEST_NAME = 63


@dataclass(frozen=True)
class Trigger:
    name: str
    table: str
    event: str
    # Only when this holds (an SQL condition on OLD and NEW), or always.
    when: str
    # True: move both generations. False: the site-wide one only if the row belongs to a site's root page.
    sitewide: bool
    page_column: str = ""


def _name(*parts: str) -> str:
    name = PREFIX + "_".join(parts)
    if len(name) > LONGEST_NAME:
        name = f"{PREFIX}{parts[0]}_{hashlib.sha256(name.encode()).hexdigest()[:16]}"
    return name


def _any_differs(columns, vendor: str) -> str:
    differs = "IS NOT" if vendor == "sqlite" else "IS DISTINCT FROM"
    return " OR ".join(f'OLD."{column}" {differs} NEW."{column}"' for column in columns)


def planned_triggers(vendor: str) -> list[Trigger]:
    triggers = []
    for table in watched_tables():
        if table.kind == PAGE:
            shown = [column for column in page_columns() if column not in DRAFT_ONLY_PAGE_COLUMNS]
            triggers += [
                Trigger(_name("insert", table.table), table.table, "INSERT", "", True),
                Trigger(_name("delete", table.table), table.table, "DELETE", "", True),
                Trigger(
                    _name("move", table.table),
                    table.table,
                    "UPDATE",
                    _any_differs(ADDRESS_PAGE_COLUMNS, vendor),
                    True,
                ),
                Trigger(_name("update", table.table), table.table, "UPDATE", _any_differs(shown, vendor), False, "id"),
            ]
        else:
            sitewide = table.kind == SITEWIDE
            triggers += [
                Trigger(_name(event.lower(), table.table), table.table, event, "", sitewide, table.page_column)
                for event in EVENTS
            ]
    return triggers


# -- SQLite --------------------------------------------------------------------------------------


def _sqlite_statements(trigger: Trigger) -> list[str]:
    row = "OLD" if trigger.event == "DELETE" else "NEW"
    sitewide = (
        "random()"
        if trigger.sitewide
        else f'CASE WHEN EXISTS (SELECT 1 FROM "{SITE_TABLE}" WHERE root_page_id = {row}."{trigger.page_column}") '
        "THEN random() ELSE sitewide_change END"
    )
    when = f" WHEN {trigger.when}" if trigger.when else ""
    return [
        f'CREATE TRIGGER "{trigger.name}" AFTER {trigger.event} ON "{trigger.table}" FOR EACH ROW{when} '
        f'BEGIN UPDATE "{RECORD}" SET any_change = random(), sitewide_change = {sitewide} WHERE id = 1; END'
    ]


def _sqlite_installed(cursor) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'caching\\_%' ESCAPE '\\'"
    )
    return cursor.fetchall()


# -- PostgreSQL ----------------------------------------------------------------------------------

# One function serves every trigger: TG_ARGV[0] says which generations move, TG_ARGV[1] names the
# column holding the page id for a page part. Random 53-bit numbers: random() is a double.
PG_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sitewide boolean := TG_ARGV[0] = 'both';
    changed jsonb;
BEGIN
    IF NOT sitewide THEN
        IF TG_OP = 'DELETE' THEN changed := to_jsonb(OLD); ELSE changed := to_jsonb(NEW); END IF;
        sitewide := EXISTS (SELECT 1 FROM "{SITE_TABLE}" WHERE root_page_id = (changed ->> TG_ARGV[1])::bigint);
    END IF;
    UPDATE "{RECORD}" SET
        any_change = floor(random() * 9007199254740991)::bigint,
        sitewide_change = CASE WHEN sitewide THEN floor(random() * 9007199254740991)::bigint
                               ELSE sitewide_change END
    WHERE id = 1;
    RETURN NULL;
END $$
"""


def _pg_statements(trigger: Trigger) -> list[str]:
    arguments = "'both'" if trigger.sitewide else f"'root', '{trigger.page_column}'"
    when = f" WHEN ({trigger.when})" if trigger.when else ""
    statements = [
        f'CREATE TRIGGER "{trigger.name}" AFTER {trigger.event} ON "{trigger.table}" FOR EACH ROW{when} '
        f"EXECUTE FUNCTION {PG_FUNCTION}({arguments})"
    ]
    if trigger.event == "DELETE":
        # TRUNCATE removes rows without row triggers (Django's flush uses it).
        statements.append(
            f'CREATE TRIGGER "{_name("truncate", trigger.table)}" AFTER TRUNCATE ON "{trigger.table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}('both')"
        )
    return statements


def _pg_installed(cursor) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'caching\\_%'"
    )
    return [(name, table.strip('"')) for name, table in cursor.fetchall()]


# -- both ----------------------------------------------------------------------------------------


def installed(connection: BaseDatabaseWrapper = default_connection) -> set[str]:
    """The names of the record's triggers in the database."""
    with connection.cursor() as cursor:
        rows = _sqlite_installed(cursor) if connection.vendor == "sqlite" else _pg_installed(cursor)
    return {name for name, _ in rows}


def expected(connection: BaseDatabaseWrapper = default_connection) -> set[str]:
    """The names of the triggers the watched tables that exist now should have."""
    existing = set(connection.introspection.table_names())
    names = set()
    for trigger in planned_triggers(connection.vendor):
        if trigger.table in existing:
            names.add(trigger.name)
            if connection.vendor == "postgresql" and trigger.event == "DELETE":
                names.add(_name("truncate", trigger.table))
    return names


def install(connection: BaseDatabaseWrapper = default_connection) -> int:
    """Replace every trigger of the record with the ones the watched tables need now; returns how many."""
    if connection.vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"The record of change has no triggers for {connection.vendor}.")
    existing = set(connection.introspection.table_names())
    planned = [trigger for trigger in planned_triggers(connection.vendor) if trigger.table in existing]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name, _ in _sqlite_installed(cursor):
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
            statements = [statement for trigger in planned for statement in _sqlite_statements(trigger)]
        else:
            for name, table in _pg_installed(cursor):
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
            cursor.execute(PG_FUNCTION_SQL)
            statements = [statement for trigger in planned for statement in _pg_statements(trigger)]
        for statement in statements:
            cursor.execute(statement)
    return len(statements)
