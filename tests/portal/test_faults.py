"""Faults: the database or cache going away, storage refusing writes, missing files, logs."""

import errno
import logging
import os
import subprocess
import sys
import time

import pytest

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from caching.redis import ResilientRedisCache
from portal import faults
from uploads.storage import ServerNamedStorage, server_file_name

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def closed_circuit(monkeypatch):
    monkeypatch.setattr(faults, "_database_down_until", 0.0)


def test_database_error_anywhere_gives_a_static_503_then_fails_fast(client, monkeypatch):
    from wagtail.models import Site

    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server")

    original = Site.find_for_request
    monkeypatch.setattr(Site, "find_for_request", unreachable)
    client.raise_request_exception = False
    response = client.get("/en/types/cytokines/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "This site is not available just now" in html and "could not connect" not in html
    # The next request is answered at once, without touching the database.
    monkeypatch.setattr(Site, "find_for_request", original)
    started = time.monotonic()
    assert client.get("/en/types/cytokines/").status_code == 503
    assert time.monotonic() - started < 0.5
    assert client.get("/healthz").status_code == 200


def test_site_recovers_when_the_database_returns(client, monkeypatch):
    monkeypatch.setattr(faults, "_database_down_until", time.monotonic() - 1)
    assert client.get("/en/types/cytokines/").status_code == 200


def test_readiness_reports_database_and_cache(client, monkeypatch):
    assert client.get("/readyz").json() == {"database": "ok", "cache": "ok"}
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise OperationalError("gone")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["database"] == "unavailable"


def test_real_unreachable_database_gives_503_quickly_and_liveness_stays_up():
    """A server whose PostgreSQL is not there at all: pages 503 within about two seconds."""
    script = (
        "import django, time; django.setup();"
        "from django.test import Client; c = Client(raise_request_exception=False);"
        "t = time.monotonic(); r = c.get('/en/types/cytokines/'); first = time.monotonic() - t;"
        "t = time.monotonic(); r2 = c.get('/'); second = time.monotonic() - t;"
        "print(r.status_code, r['Retry-After'], round(first, 2), r2.status_code, round(second, 2),"
        " c.get('/healthz').status_code, c.get('/readyz').status_code)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        # A port nothing listens on: the connection is refused, as when the server is stopped.
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/portal",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60
    )
    status, retry_after, first, second_status, second, live, ready = result.stdout.split()
    assert (status, second_status, live, ready) == ("503", "503", "200", "503"), result.stderr[-2000:]
    assert int(retry_after) > 0
    assert float(first) < 2.5 and float(second) < 0.2
    assert "Traceback" not in result.stdout


def test_cache_outage_is_a_logged_miss_not_an_error(caplog):
    cache = ResilientRedisCache("redis://127.0.0.1:9/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    with caplog.at_level(logging.ERROR, logger="caching.redis"):
        assert cache.get("anything", "fallback") == "fallback"
        assert cache.add("k", 1) is False
        cache.set("k", 1)
        with pytest.raises(ValueError):
            cache.incr("k")
    assert "Cache unavailable" in caplog.text


def test_after_a_failure_redis_is_left_alone_for_a_moment_then_tried_again(monkeypatch):
    """A Redis that hangs costs one timeout, not one for every fragment of every page."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    from caching import redis as resilient

    attempts = []

    def unreachable(self, key=None, *, write=False):
        attempts.append(key)
        raise RedisConnectionError("down")

    monkeypatch.setattr(resilient.ReusedRedisClient, "get_client", unreachable)
    cache = ResilientRedisCache("redis://127.0.0.1:9/0", {})
    clock = [1000.0]
    monkeypatch.setattr(resilient.time, "monotonic", lambda: clock[0])
    for _ in range(5):
        assert cache.get("fragment", "miss") == "miss"
    assert len(attempts) == 1
    clock[0] += resilient.RETRY_AFTER_SECONDS + 0.1
    assert cache.get("fragment", "miss") == "miss"
    assert len(attempts) == 2


def test_pages_are_served_while_redis_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "caching.redis.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    for path in ["/", "/en/types/cytokines/", "/en/search/?q=fever", "/api/v2/pages/"]:
        assert client.get(path).status_code == 200, path
    ready = client.get("/readyz")
    # Still in service: a load balancer must not take a site that serves every page out of rotation.
    assert ready.status_code == 200 and ready.json() == {"database": "ok", "cache": "unavailable"}


def test_full_or_read_only_storage_gives_a_clear_error_and_no_record(client, monkeypatch):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    user = get_user_model().objects.create_superuser("ed", "ed@example.org", "a-long-password-1")
    client.force_login(user)

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ServerNamedStorage, "_save", disk_full)
    client.raise_request_exception = False
    before = Image.objects.count()
    upload = SimpleUploadedFile("scan.png", get_test_image_file().file.getvalue(), content_type="image/png")
    response = client.post("/admin/images/add/", {"title": "Scan", "file": upload})
    assert response.status_code == 507
    assert "could not be saved" in response.content.decode()
    assert Image.objects.count() == before


def test_uploaded_names_are_made_by_the_server():
    name = server_file_name("../../etc/Patient Leaflet (v2).PDF.exe")
    assert name.startswith("patient-leaflet-v2pdf-") and name.endswith(".exe")
    assert "/" not in name and ".." not in name
    assert server_file_name("<script>.svg").endswith(".svg") and "<" not in server_file_name("<script>.svg")


def test_missing_image_file_never_breaks_a_page(client):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    from tests.conftest import page_at

    image = Image.objects.create(title="Drip", file=get_test_image_file())
    page = page_at("/en/how-it-works/")
    page.body = [
        *[{"type": b.block_type, "value": b.value} for b in page.body][:0],
        {"type": "image", "value": {"image": image.pk, "alt_text": "A drip", "decorative": False}},
    ]
    page.save_revision().publish()
    os.remove(image.file.path)
    assert client.get("/en/how-it-works/").status_code == 200


def test_every_answer_carries_a_request_id_the_logs_can_be_joined_on(client):
    # The log lines themselves are checked in the real servers' output (tests/operations/test_logs_and_media.py).
    response = client.get("/en/search/?q=my+secret+symptom", HTTP_X_REQUEST_ID="ward-7-request-0001")
    assert response["X-Request-ID"] == "ward-7-request-0001"
    assert len(client.get("/").get("X-Request-ID")) == 32
