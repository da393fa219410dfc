"""The benchmark's own database: a new PostgreSQL database beside DATABASE_URL's, or a temp SQLite file.

Nothing here touches the database DATABASE_URL names; only the one created for this run is dropped.
"""

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

MAINTENANCE_DATABASES = ("postgres", "template1")


@dataclass(frozen=True)
class BenchDatabase:
    url: str
    engine: str
    name: str
    maintenance_urls: tuple[str, ...] = ()

    @property
    def is_postgres(self) -> bool:
        return self.engine == "postgresql"


def plan(database_url: str, temp_dir: Path, purpose: str = "bench") -> BenchDatabase:
    """A PostgreSQL database named after DATABASE_URL's with `_<purpose>_<pid>`, else SQLite in temp_dir."""
    parts = urlsplit(database_url)
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        base = parts.path.lstrip("/") or "portal"
        name = f"{base}_{purpose}_{os.getpid()}"[:63]
        return BenchDatabase(
            url=urlunsplit(parts._replace(path=f"/{name}")),
            engine="postgresql",
            name=name,
            maintenance_urls=tuple(urlunsplit(parts._replace(path=f"/{db}")) for db in MAINTENANCE_DATABASES),
        )
    path = temp_dir / f"{purpose}.sqlite3"
    return BenchDatabase(url=f"sqlite:///{path}", engine="sqlite", name=str(path))


def _maintenance_connection(database: BenchDatabase) -> psycopg.Connection:
    error: Exception | None = None
    for url in database.maintenance_urls:
        try:
            return psycopg.connect(url, autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as failure:
            error = failure
    raise RuntimeError(f"Cannot reach PostgreSQL to create the bench database: {error}")


def create(database: BenchDatabase) -> None:
    if not database.is_postgres:
        return
    with _maintenance_connection(database) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database.name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database.name)))


def drop(database: BenchDatabase) -> None:
    if not database.is_postgres:
        return  # the SQLite file goes with the temp folder
    with _maintenance_connection(database) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database.name)))


def describe(database: BenchDatabase) -> str:
    if not database.is_postgres:
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} (temp file)"
    with psycopg.connect(database.url, connect_timeout=5) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0]
    return f"PostgreSQL {version.split()[0]} (database {database.name}, created for this run and dropped after)"
