"""Scratch databases, free ports and environments for tests that run the portal in other processes."""

import contextlib
import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import pytest

REPO = Path(__file__).resolve().parents[2]
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
# Variables of the test run that must not leak into the app processes.
OWN_VARIABLES = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "CACHE_KEY_PREFIX")


def unavailable(reason: str) -> None:
    """Skip on a developer's machine; fail in CI, which has every service."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI must provide it)")
    pytest.skip(reason)


def postgres_server_url() -> str:
    """The PostgreSQL server of DATABASE_URL when it names one, else the local default."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_POSTGRES


def _conninfo(url: str, dbname: str) -> str:
    from psycopg.conninfo import make_conninfo

    config = dj_database_url.parse(url)
    parts = {
        "dbname": dbname,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": str(config["PORT"]) if config.get("PORT") else None,
        "connect_timeout": "5",
    }
    return make_conninfo(**{key: value for key, value in parts.items() if value})


def postgres_reachable(url: str) -> str | None:
    """None if the server answers, else why not."""
    import psycopg

    try:
        with psycopg.connect(_conninfo(url, "postgres"), autocommit=True) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        return f"PostgreSQL at {urlsplit(url).hostname} is not reachable: {error}".strip()
    return None


@contextlib.contextmanager
def scratch_postgres_database(server_url: str) -> Iterator[str]:
    """Create an empty database on the server, yield its URL, and drop it afterwards."""
    import psycopg
    from psycopg import sql

    name = f"portal_scratch_{secrets.token_hex(6)}"
    admin = _conninfo(server_url, "postgres")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        parts = urlsplit(server_url)
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def redis_reachable(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as error:
        return f"Redis at {url} is not reachable: {error}"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_environment(**settings: str) -> dict[str, str]:
    """The environment of a production-settings process on loopback, plus `settings`."""
    environment = {key: value for key, value in os.environ.items() if key not in OWN_VARIABLES}
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "SECRET_KEY": "operations-test-" + secrets.token_hex(16),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    environment.update(settings)
    return environment


def manage(args: list[str], environment: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    """Run manage.py in a subprocess, with the output captured."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def python(code: str, environment: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    """Run Python code with Django set up, in a subprocess."""
    return subprocess.run(
        [sys.executable, "-c", f"import django\ndjango.setup()\n{code}"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
