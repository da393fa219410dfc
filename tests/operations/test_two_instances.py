"""Two app servers behind one proxy share PostgreSQL, Redis and media: what one publishes the other
serves at once, and a session started on one is valid on the other.

Both run gunicorn with the production settings. The test speaks to them as the TLS-terminating
proxy does (X-Forwarded-Proto: https), so the secure session and CSRF cookies are the real ones;
it carries cookies itself because they are marked Secure and the hop is plain HTTP.

Being the one test that runs real gunicorn, it also checks what gunicorn.conf.py sets for every
gunicorn of the project: a long search address reaches the portal instead of gunicorn's bare 414.
"""

import contextlib
import http.client
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests.operations import scratch

PAGE_PATH = "/what-is-immunotherapy/"
ADMIN_USER = "ops-admin"
ADMIN_PASSWORD = "two-instances-" + secrets.token_hex(8)
STARTUP_SECONDS = 40


class Instance:
    """One gunicorn app server on a loopback port, reached as the proxy reaches it."""

    def __init__(self, name: str, port: int, log: Path):
        self.name, self.port, self.log = name, port, log
        self.process: subprocess.Popen | None = None

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def request(
        self, method: str, path: str, cookies: dict[str, str], data: dict | None = None
    ) -> tuple[int, dict[str, str], str]:
        headers = {
            "Host": f"127.0.0.1:{self.port}",
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

    def get(self, path: str, cookies: dict[str, str]) -> tuple[int, dict[str, str], str]:
        return self.request("GET", path, cookies)

    def post(self, path: str, cookies: dict[str, str], data: dict) -> tuple[int, dict[str, str], str]:
        return self.request("POST", path, cookies, data)


class EditForm(HTMLParser):
    """The fields a browser would submit from the page editor, and the StreamField widgets,
    which only JavaScript turns into fields."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.stream_fields: list[str] = []
        self._textarea: str | None = None
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("id") == self.form_id:
            self.inside = True
        if not self.inside and attributes.get("form") != self.form_id:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    self.fields.append((name, attributes.get("value") or "on"))
            elif kind not in {"submit", "button", "image", "file", "reset"}:
                self.fields.append((name, attributes.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._options = (name, "multiple" in attributes), []
        elif tag == "option" and self._select:
            self._options.append((attributes.get("value", ""), "selected" in attributes))
        elif tag == "div" and "w-block" in (attributes.get("data-controller") or "") and attributes.get("id"):
            self.stream_fields.append(attributes["id"])

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self.fields.extend((name, value) for value in chosen)
            self._select = None


def form_fields(page_html: str, form_id: str) -> tuple[list[tuple[str, str]], list[str]]:
    parser = EditForm(form_id)
    parser.feed(page_html)
    return parser.fields, parser.stream_fields


def log_in(instance: Instance, cookies: dict[str, str]) -> None:
    status, _, login_page = instance.get("/admin/login/", cookies)
    assert status == 200, f"{instance.name}: login page answered {status}"
    marker = 'name="csrfmiddlewaretoken" value="'
    start = login_page.index(marker) + len(marker)
    token = login_page[start : login_page.index('"', start)]
    status, headers, body = instance.post(
        "/admin/login/",
        cookies,
        {"username": ADMIN_USER, "password": ADMIN_PASSWORD, "csrfmiddlewaretoken": token, "next": "/admin/"},
    )
    assert status == 302, f"{instance.name}: login answered {status}: {body[:500]}"
    assert "sessionid" in cookies, "the login set no session cookie"


def publish_through(instance: Instance, cookies: dict[str, str], page_id: int, title: str, paragraph: str) -> None:
    """Edit and publish the page with the admin's own form, as an editor's browser does."""
    edit_path = f"/admin/pages/{page_id}/edit/"
    status, _, editor = instance.get(edit_path, cookies)
    assert status == 200, f"{instance.name}: the editor answered {status}"
    fields, stream_fields = form_fields(editor, "page-edit-form")
    names = {name for name, _ in fields}
    assert {"title", "slug", "csrfmiddlewaretoken"} <= names, f"{instance.name}: unexpected editor form {names}"
    streams = {name: streamfield([]) for name in stream_fields}
    streams["body"] = streamfield([("text", rich_text(f"<p>{paragraph}</p>"))])
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    data["title"] = [title]
    data.update({key: [str(value)] for key, value in nested_form_data(streams).items()})
    data["action-publish"] = ["action-publish"]
    status, headers, body = instance.post(edit_path, cookies, data)
    assert status == 302, f"{instance.name}: publishing answered {status}: {error_summary(body)}"


def error_summary(body: str) -> str:
    errors = [line.strip() for line in body.splitlines() if "error" in line.lower() and "<" not in line.strip()[:1]]
    return " | ".join(errors[:10]) or body[:500]


def wait_until_serving(instance: Instance, deadline: float) -> None:
    while time.monotonic() < deadline:
        if instance.process.poll() is not None:
            pytest.fail(
                f"{instance.name} exited with {instance.process.returncode}:\n{instance.log.read_text()[-3000:]}"
            )
        with contextlib.suppress(OSError):
            status, _, _ = instance.get("/healthz", {})
            if status == 200:
                return
        time.sleep(0.1)
    pytest.fail(
        f"{instance.name} did not answer /healthz within {STARTUP_SECONDS} s:\n{instance.log.read_text()[-3000:]}"
    )


@contextlib.contextmanager
def running(instances: list[Instance], environment: dict[str, str]) -> Iterator[None]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    try:
        for instance in instances:
            with instance.log.open("w") as log:
                instance.process = subprocess.Popen(
                    [
                        str(gunicorn),
                        "portal.wsgi:application",
                        "--bind",
                        f"127.0.0.1:{instance.port}",
                        "--workers",
                        "2",
                        "--timeout",
                        "30",
                        "--graceful-timeout",
                        "5",
                        "--forwarded-allow-ips",
                        "127.0.0.1",
                    ],
                    cwd=scratch.REPO,
                    env=environment,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
        deadline = time.monotonic() + STARTUP_SECONDS
        for instance in instances:
            wait_until_serving(instance, deadline)
        yield
    finally:
        for instance in instances:
            if instance.process and instance.process.poll() is None:
                instance.process.terminate()
        for instance in instances:
            if instance.process:
                try:
                    instance.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    instance.process.kill()
                    instance.process.wait(timeout=5)


def collected_static_is_current() -> bool:
    """The production settings serve hashed static files, which collectstatic makes."""
    manifest = scratch.REPO / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return False
    import wagtail

    sources = [Path(wagtail.__file__), *(path for path in (scratch.REPO / "static").rglob("*") if path.is_file())]
    return manifest.stat().st_mtime >= max(path.stat().st_mtime for path in sources)


def prepare(environment: dict[str, str]) -> int:
    """Migrate and load the content into the shared database; make an admin; return the page id."""
    if not collected_static_is_current():
        result = scratch.manage(["collectstatic", "--no-input", "-v0"], environment, timeout=180)
        assert result.returncode == 0, result.stderr[-2000:]
    # What deploy/prepare.sh runs, in one process to save start-up time.
    result = scratch.python(
        "import io\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.core.management import call_command\n"
        "from wagtail.models import Page\n"
        "for command in ('migrate', 'load_content', 'configure_site'):\n"
        "    call_command(command, stdout=io.StringIO())\n"
        f"get_user_model().objects.create_superuser({ADMIN_USER!r}, 'ops@example.org', {ADMIN_PASSWORD!r})\n"
        f"print(Page.objects.get(url_path='/home{PAGE_PATH}').pk)",
        environment,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return int(result.stdout.strip().splitlines()[-1])


def forget_cache_keys(redis_url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=3, socket_timeout=3)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.delete(*keys)


def test_two_instances_share_publishing_and_sessions(tmp_path):
    postgres = scratch.postgres_server_url()
    redis_url = os.environ.get("REDIS_URL") or scratch.DEFAULT_REDIS
    for problem in (scratch.postgres_reachable(postgres), scratch.redis_reachable(redis_url)):
        if problem:
            scratch.unavailable(problem)
    prefix = f"ops-two-instances-{secrets.token_hex(4)}"
    try:
        with scratch.scratch_postgres_database(postgres) as database_url:
            environment = scratch.app_environment(
                DATABASE_URL=database_url,
                REDIS_URL=redis_url,
                CACHE_KEY_PREFIX=prefix,
                MEDIA_ROOT=str(tmp_path / "shared-media"),
            )
            page_id = prepare(environment)
            a = Instance("instance A", scratch.free_port(), tmp_path / "a.log")
            b = Instance("instance B", scratch.free_port(), tmp_path / "b.log")
            with running([a, b], environment):
                # As long as nginx passes by default (8 KB), answered by the portal, not refused.
                long_search = "/search/?q=" + "fever+" * 1200
                status, _, answer = a.get(long_search, {})
                assert status == 200 and "Your search was long" in answer, f"{status}: {answer[:300]}"

                # Readers on both instances first, so each has the page in the shared cache.
                for instance in (a, b):
                    status, _, before = instance.get(PAGE_PATH, {})
                    assert status == 200 and "Published through A" not in before

                cookies: dict[str, str] = {}
                log_in(a, cookies)
                publish_through(a, cookies, page_id, "Published through A", "A paragraph sent to instance A.")
                # At once: the very first request to B after A's answer must show the new version.
                status, _, after = b.get(PAGE_PATH, {})
                assert status == 200
                assert "Published through A" in after and "A paragraph sent to instance A." in after
                status, _, on_a = a.get(PAGE_PATH, {})
                assert status == 200 and "Published through A" in on_a

                # A's session is valid on B: the admin opens without a new login ...
                status, headers, dashboard = b.get("/admin/", dict(cookies))
                assert status == 200, f"B did not accept A's session: {status} {headers.get('Location')}"
                assert 'name="password"' not in dashboard, "B showed a login form"
                # ... and B takes a publish from it, which A then serves.
                publish_through(b, cookies, page_id, "Published through B", "A paragraph sent to instance B.")
                status, _, on_a = a.get(PAGE_PATH, {})
                assert status == 200 and "Published through B" in on_a and "Published through A" not in on_a

                logs = a.log.read_text() + b.log.read_text()
                assert "Traceback" not in logs, logs[-3000:]
    finally:
        forget_cache_keys(redis_url, prefix)
