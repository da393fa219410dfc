"""The processes a benchmark run starts: gunicorn with the portal, gunicorn with the bare Django
project (the ceiling), and nginx for the static ceiling.

Each runs in its own process group, listens on a free loopback port, and is stopped (the whole
group, TERM then KILL) by `stop()`, which the caller runs in `finally`. `cpu_seconds()` adds up the
CPU time of every process in the group (the gunicorn master and its workers).
"""

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tooling.processes import free_port, gunicorn_command, nginx_binary

REPO = Path(__file__).resolve().parent.parent
BARE_PROJECT = Path(__file__).resolve().parent / "bare_project"
WORKERS = 2
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
START_SECONDS = 60
STOP_SECONDS = 10


@dataclass
class Child:
    """A started server: its process, where it listens and where its output goes."""

    name: str
    process: subprocess.Popen
    port: int
    log_path: Path
    _log: object = field(repr=False, default=None)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def cpu_seconds(self) -> float:
        """User and system CPU time of every live process in the server's process group."""
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            # After the command: state, ppid, pgrp, …; utime and stime are the 12th and 13th.
            if int(fields[2]) == self.process.pid:
                total += int(fields[11]) + int(fields[12])
        return total / CLOCK_TICKS

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=STOP_SECONDS)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=STOP_SECONDS)
        if self._log is not None:
            self._log.close()


def _start(name: str, command: list[str], port: int, log_path: Path, env: dict | None = None, cwd=REPO) -> Child:
    log = log_path.open("ab")
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so stop() reaches every worker
    )
    return Child(name, process, port, log_path, log)


def _wait_until_serving(child: Child, path: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if child.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(child.base_url + path, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    child.stop()
    raise RuntimeError(f"{child.name} did not start serving {path}:\n{child.log_tail()}")


def start_gunicorn(env: dict, log_path: Path, project: Path = REPO, name: str = "gunicorn") -> Child:
    """The production shape of deploy/serve.sh, bound to loopback: gunicorn, 2 sync workers, with
    the portal's gunicorn.conf.py, for the portal (or a checkout of it) or the bare project."""
    port = free_port()
    app = "wsgi:application" if project == BARE_PROJECT else "portal.wsgi:application"
    command = gunicorn_command(port, WORKERS, app, forwarded_from="127.0.0.1")
    child = _start(name, command, port, log_path, env, cwd=project)
    _wait_until_serving(child, "/" if project == BARE_PROJECT else "/healthz")
    return child


def start_bare_project(log_path: Path) -> Child:
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    return start_gunicorn({**env, "PYTHONUNBUFFERED": "1"}, log_path, BARE_PROJECT, name="bare Django project")


def start_nginx(root: Path, body: bytes, headers: dict[str, str]) -> Child:
    """nginx serving `body` at every path, with the same Content-Type and Content-Encoding."""
    nginx = nginx_binary()
    if nginx is None:
        raise FileNotFoundError("nginx")
    port = free_port()
    www = root / "www"
    www.mkdir(parents=True, exist_ok=True)
    (www / "article.html").write_bytes(body)
    # nginx's workers drop root privileges to 'nobody', who must be able to read the copy.
    for path in (root, www):
        path.chmod(0o755)
    (www / "article.html").chmod(0o644)
    extra = "".join(
        f"        add_header {name} {value!r};\n" for name, value in headers.items() if name != "Content-Type"
    )
    content_type = headers.get("Content-Type", "text/html").split(";")[0]
    config = root / "nginx.conf"
    config.write_text(
        f"""worker_processes {WORKERS};
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    types {{ }}
    default_type {content_type};
    gzip off;
    server {{
        listen 127.0.0.1:{port};
        root {www};
        location / {{
            try_files /article.html =404;
{extra}        }}
    }}
}}
"""
    )
    child = _start("nginx", [nginx, "-p", str(root), "-c", str(config), "-g", "daemon off;"], port, root / "nginx.log")
    _wait_until_serving(child, "/")
    return child
