"""`make run` serves the portal as patients see it: what the Makefile starts (deploy/serve.sh with
settings.local), started for real on a scratch database, answers a mistyped address, probes for
secrets and a foreign Host with the portal's own pages, never Django's debug page."""

import os
import subprocess

import pytest

from portal.settings.environment import kept_secret
from tests.operations import scratch

DEBUG_PAGE_SIGNS = ("Traceback", "DJANGO_SETTINGS_MODULE", "technical_500", "Using the URLconf", "DEBUG = True")


def planned(target: str) -> list[str]:
    """The commands `make <target>` would run (make -n), also when the suite itself runs under make."""
    environment = {key: value for key, value in os.environ.items() if key not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    return subprocess.run(
        ["make", "--no-print-directory", "-n", target],
        cwd=scratch.REPO,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()


def test_make_run_starts_the_patients_server_and_make_dev_the_developers():
    served = [line for line in planned("run") if "serve.sh" in line]
    assert len(served) == 1 and "DJANGO_SETTINGS_MODULE=portal.settings.local" in served[0]
    assert [line for line in planned("dev") if "runserver" in line][0].endswith("manage.py runserver 127.0.0.1:8000")


@pytest.fixture(scope="module")
def make_run_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("make-run")
    environment = scratch.app_environment(DATABASE_URL=f"sqlite:///{root / 'db.sqlite3'}", MEDIA_ROOT=str(root))
    scratch.prepare_site(environment)
    environment.update(DJANGO_SETTINGS_MODULE="portal.settings.local")
    del environment["SECRET_KEY"]  # made once and kept, as on a fresh machine
    server = scratch.AppServer("make run", root / "server.log", environment, host="127.0.0.1", serve_script=True)
    with scratch.running([server]):
        yield server


def plain_get(server, path: str, host: str = "127.0.0.1"):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, dict(response.headers.items()), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("path", "host", "status", "says"),
    [
        ("/", "127.0.0.1", 200, "immunotherapy"),
        ("/en/what-is-immunotherpy/", "127.0.0.1", 404, "We cannot find that page"),
        ("/.env", "127.0.0.1", 404, "We cannot find that page"),
        ("/media/", "127.0.0.1", 404, "We cannot find that page"),
        ("/media/original_images/", "127.0.0.1", 404, "We cannot find that page"),
        ("/static/", "127.0.0.1", 404, "We cannot find that page"),
        ("/static/../manage.py", "127.0.0.1", 404, ""),
        ("/api/v2/pages/abc/", "127.0.0.1", 404, ""),
        ("/", "portal.evil.example", 400, "We could not read that address"),
    ],
)
def test_patients_never_see_the_debug_page(make_run_server, path, host, status, says):
    answered, _, body = plain_get(make_run_server, path, host)
    assert answered == status
    assert says.lower() in body.lower()
    assert not [sign for sign in DEBUG_PAGE_SIGNS if sign in body]
    assert "import os" not in body and "SECRET_KEY" not in body


def test_static_files_are_hashed_and_served_by_whitenoise(make_run_server):
    _, _, home = plain_get(make_run_server, "/")
    stylesheet = home.split('href="/static/css/portal.', 1)[1].split('"', 1)[0]
    status, headers, _ = plain_get(make_run_server, f"/static/css/portal.{stylesheet}")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"]  # whitenoise: a hashed name never changes


def test_the_secret_key_is_made_once_and_readable_only_by_its_owner(tmp_path):
    path = tmp_path / ".secret-key"
    first, second = kept_secret(path), kept_secret(path)
    assert first == second and len(first) >= 50
    assert os.stat(path).st_mode & 0o077 == 0
