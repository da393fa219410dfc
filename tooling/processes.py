"""Running the portal in other processes, shared by the benchmark (bench/) and the tests that start
real servers (tests/): free ports, throwaway PostgreSQL databases and the gunicorn command line.

Tooling, never product: nothing in the apps imports it, and the image leaves it out.
"""

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def run_python_in_repo(
    arguments: list[str], environment: dict[str, str], timeout: float
) -> subprocess.CompletedProcess:
    """This interpreter run from the repository with `arguments` (a script and its arguments, or
    -c and code), its output captured: how the tests and the benchmark run a step in its own
    process."""
    return subprocess.run(  # noqa: S603 (our own interpreter, arguments from our own code)
        [sys.executable, *arguments],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def stop_process(process: subprocess.Popen | None, timeout: float = 15) -> None:
    """Ask a server we started to stop, and end it if it has not within `timeout` seconds."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def collected_static_is_current() -> bool:
    """Whether collectstatic's hashed copies (which production settings serve) are newer than every
    static file: the project's own, each app's (staff_sign_in/static/ …) and Wagtail's."""
    manifest = REPO / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return False
    import wagtail

    static_files = [*REPO.glob("static/**/*"), *REPO.glob("*/static/**/*")]
    sources = [Path(wagtail.__file__), *(path for path in static_files if path.is_file())]
    return manifest.stat().st_mtime >= max(path.stat().st_mtime for path in sources)


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_admin_conninfo(server_url: str) -> str:
    """How to reach the server's `postgres` database, for creating and dropping others."""
    import dj_database_url
    from psycopg.conninfo import make_conninfo

    config = dj_database_url.parse(server_url)
    parts = {
        "dbname": "postgres",
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": str(config["PORT"]) if config.get("PORT") else None,
        "connect_timeout": "5",
    }
    return make_conninfo(**{key: value for key, value in parts.items() if value})


@contextlib.contextmanager
def throwaway_postgres_database(server_url: str, prefix: str) -> Iterator[str]:
    """Create an empty database on the server, yield its URL, and drop it afterwards (connections
    still open to it included)."""
    import psycopg
    from psycopg import sql

    name = f"{prefix}_{secrets.token_hex(6)}"
    admin = postgres_admin_conninfo(server_url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        parts = urlsplit(server_url)
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def gunicorn_command(
    port: int, workers: int, app: str = "portal.wsgi:application", *, threads: int = 1, forwarded_from: str = ""
) -> list[str]:
    """gunicorn as deploy/serve.sh starts it (gunicorn.conf.py included), on a loopback port, with
    quick shut-downs for tests and benchmarks."""
    command = [str(GUNICORN), app, "--config", str(REPO / "gunicorn.conf.py")]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync"]
    command += ["--threads", str(threads)] if threads > 1 else []
    command += ["--timeout", "30", "--graceful-timeout", "5"]
    return command + (["--forwarded-allow-ips", forwarded_from] if forwarded_from else [])


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(path, os.X_OK)), None
    )
