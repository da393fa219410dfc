"""Scratch databases, free ports, environments and running servers for tests that run the portal
in other processes: gunicorn app servers, and an editor's process that changes content beside them."""

import contextlib
import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from tooling.processes import (
    GUNICORN,
    collected_static_is_current,
    free_port,
    gunicorn_command,
    nginx_binary,
    postgres_admin_conninfo,
    run_python_in_repo,
    stop_process,
    throwaway_postgres_database,
)

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


def postgres_reachable(url: str) -> str | None:
    """None if the server answers, else why not."""
    import psycopg

    try:
        with psycopg.connect(postgres_admin_conninfo(url), autocommit=True) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        return f"PostgreSQL at {urlsplit(url).hostname} is not reachable: {error}".strip()
    return None


def scratch_postgres_database(server_url: str):
    """An empty database on the server for one test, dropped afterwards."""
    return throwaway_postgres_database(server_url, "portal_scratch")


def redis_reachable(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as error:
        return f"Redis at {url} is not reachable: {error}"
    return None


def forget_cache_keys(redis_url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=3, socket_timeout=3)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.delete(*keys)


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
    return run_python_in_repo(["manage.py", *args], environment, timeout)


# The content team's own processes: what they publish goes live without clinical sign-off, and is
# recorded so (review/sign_off.py). Kept in a name: a context manager nobody holds is closed, and
# its leave with it.
CONTENT_TEAM_LEAVE = """
from review.models import UnreviewedPublish
from review.sign_off import publishing_without_sign_off
content_team_leave = publishing_without_sign_off(UnreviewedPublish.CONTENT_LOAD, "Test set-up")
content_team_leave.__enter__()
"""


def python(code: str, environment: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    """Run Python code with Django set up, in a subprocess of the content team's."""
    return run_python_in_repo(
        ["-c", f"import django\ndjango.setup()\n{CONTENT_TEAM_LEAVE}\n{code}"], environment, timeout
    )


def prepare_site(environment: dict[str, str], then: str = "") -> str:
    """What deploy/prepare.sh runs (migrate, load the content, configure the site), in one process
    to save start-up time, then the Python in `then`; returns what it printed."""
    if not collected_static_is_current():
        result = manage(["collectstatic", "--no-input", "-v0"], environment, timeout=180)
        assert result.returncode == 0, result.stderr[-2000:]
    result = python(
        "import io\n"
        "from django.core.management import call_command\n"
        "for command in ('migrate', 'load_content', 'configure_site'):\n"
        "    call_command(command, stdout=io.StringIO())\n" + then,
        environment,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


STARTUP_SECONDS = 40


class AppServer:
    """One gunicorn app server (production settings, 2 sync workers) on a loopback port, reached as
    the TLS-terminating proxy reaches it."""

    def __init__(
        self, name: str, log: Path, environment: dict[str, str], host: str = "", workers: int = 2, serve_script=False
    ):
        """`serve_script`: started by deploy/serve.sh, as the compose services start it."""
        self.name, self.log, self.environment, self.workers = name, log, environment, workers
        self.serve_script = serve_script
        self.port = free_port()
        self.host = host or f"127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    @property
    def origin(self) -> str:
        return f"https://{self.host}"

    def request(
        self, method: str, path: str, cookies: dict[str, str] | None = None, data: dict | None = None
    ) -> tuple[int, dict[str, str], str]:
        cookies = {} if cookies is None else cookies
        headers = {
            "Host": self.host,
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{key}={value}" for key, value in cookies.items()),
        }
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": self.origin,
                    "Referer": self.origin + path,
                }
            )
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for key, morsel in SimpleCookie(header).items():
                    cookies[key] = morsel.value
            return response.status, dict(response.headers.items()), text
        finally:
            connection.close()

    def get(self, path: str, cookies: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        return self.request("GET", path, cookies)

    def post(self, path: str, cookies: dict[str, str], data: dict) -> tuple[int, dict[str, str], str]:
        return self.request("POST", path, cookies, data)

    def start(self) -> None:
        environment = self.environment
        if self.serve_script:
            command = [str(REPO / "deploy" / "serve.sh")]
            environment = {
                **environment,
                "BIND": "127.0.0.1",
                "PORT": str(self.port),
                "WEB_CONCURRENCY": str(self.workers),
                "PATH": f"{GUNICORN.parent}:{environment.get('PATH', '')}",
            }
        else:
            command = gunicorn_command(self.port, self.workers, forwarded_from="127.0.0.1")
        with self.log.open("w") as log:
            self.process = subprocess.Popen(command, cwd=REPO, env=environment, stdout=log, stderr=subprocess.STDOUT)

    def wait_until_serving(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                if self.get("/healthz")[0] == 200:
                    return
            time.sleep(0.1)
        pytest.fail(f"{self.name} did not answer /healthz within {STARTUP_SECONDS} s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        stop_process(self.process)

    def tracebacks(self) -> str:
        text = self.log.read_text()
        return text[-3000:] if "Traceback" in text else ""


@contextlib.contextmanager
def running(servers: list[AppServer]) -> Iterator[None]:
    try:
        for server in servers:
            server.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        for server in servers:
            server.wait_until_serving(deadline)
        yield
    finally:
        for server in servers:
            server.stop()


# What an editor's process runs: snippets of Python, one at a time, each answered with one line
# holding what it printed.
EDITOR_LOOP = (
    """
import contextlib, io, json, sys, traceback
import django
django.setup()
"""
    + CONTENT_TEAM_LEAVE
    + """
namespace = {}
for line in sys.stdin:
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(json.loads(line), namespace)
        answer = {"ok": True, "printed": printed.getvalue()}
    except Exception:
        answer = {"ok": False, "error": traceback.format_exc()}
    sys.stdout.write(json.dumps(answer) + "\\n")
    sys.stdout.flush()
"""
)


class Editor:
    """A process of its own that changes content beside the running servers, as the admin, a
    management command or a cron job would: its own interpreter, its own database connection."""

    def __init__(self, environment: dict[str, str]):
        self.process = subprocess.Popen(
            [sys.executable, "-c", EDITOR_LOOP],
            cwd=REPO,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, code: str) -> str:
        """Runs the code there; returns what it printed."""
        self.process.stdin.write(json.dumps(code) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            pytest.fail(f"the editor's process ended (exit {self.process.poll()})")
        answer = json.loads(line)
        assert answer["ok"], f"the change failed in the editor's process:\n{answer['error']}"
        return answer["printed"]

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def __enter__(self) -> "Editor":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


class ComposeNginx:
    """The compose file's nginx, from deploy/nginx.conf as shipped, with only the addresses changed
    (the app servers, the media volume, its own port) and its two log streams sent to files."""

    def __init__(self, root: Path, app_ports: list[int], media: Path):
        self.root, self.port = root, free_port()
        self.access_log, self.error_log, self.log = root / "access.log", root / "error.log", root / "nginx.log"
        server = (REPO / "deploy" / "nginx.conf").read_text()
        upstreams = "".join(f"    server 127.0.0.1:{port};\n" for port in app_ports)
        server = re.sub(r"    server web\d+:8000[^\n]*\n", "", server).replace(
            "upstream portal {\n", "upstream portal {\n" + upstreams
        )
        server = (
            server.replace("listen 80;", f"listen 127.0.0.1:{self.port};")
            .replace("/app/media/", f"{media}/")
            .replace("/etc/nginx/portal_proxy.conf", str(REPO / "deploy" / "nginx-proxy.conf"))
            .replace("/dev/stdout", str(self.access_log))
            .replace("/dev/stderr", str(self.error_log))
        )
        (root / "portal.conf").write_text(server)
        # As the official image's nginx.conf does: a default access log in the combined format,
        # which the portal's server block must override.
        (root / "nginx.conf").write_text(
            f"""pid {root}/nginx.pid;
error_log {root}/main-error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {root}/default-access.log combined;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    include /etc/nginx/mime.types;
    include {root}/portal.conf;
}}
"""
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [nginx_binary(), "-p", str(self.root), "-c", str(self.root / "nginx.conf"), "-g", "daemon off;"],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"nginx exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            time.sleep(0.05)
        pytest.fail("nginx did not listen within 10 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def logs(self) -> dict[str, str]:
        return {path.name: path.read_text() for path in self.root.glob("*.log")}
