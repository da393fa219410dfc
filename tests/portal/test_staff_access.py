"""Staff sign-in: failed attempts limited per address across user names, password-reset e-mails
limited, sessions that end after a working day or an idle hour, and log lines without addresses."""

import logging

import pytest

from django.contrib.auth import authenticate, get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import RequestFactory

from portal import staff_sessions

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def limits_on(settings):
    cache.clear()
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign_in": (3, 900), "password_reset": (2, 3600)}
    yield
    cache.clear()


def sign_in(client, username, password, address):
    return client.post("/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_one_address_trying_many_user_names_is_paused(client):
    get_user_model().objects.create_user("nurse", "n@example.org", PASSWORD, is_staff=True)
    for name in ("alice", "bob", "carol"):  # one failure each: django-axes alone would never lock
        assert sign_in(client, name, "guess", "10.9.0.1").status_code == 200
    paused = sign_in(client, "nurse", PASSWORD, "10.9.0.1")
    assert paused.status_code == 429
    assert "Sign-in paused" in paused.content.decode() and 1 <= int(paused["Retry-After"]) <= 900
    assert "_auth_user_id" not in client.session
    # Another computer is not affected, and the right password still works there.
    assert sign_in(client, "nurse", PASSWORD, "10.9.0.2").status_code == 302


def test_the_pause_is_in_authentication_itself_not_only_the_form(client):
    get_user_model().objects.create_user("nurse", "n@example.org", PASSWORD, is_staff=True)
    for name in ("alice", "bob", "carol"):
        sign_in(client, name, "guess", "10.9.0.3")
    request = RequestFactory().post("/anything/", REMOTE_ADDR="10.9.0.3")
    assert authenticate(request, username="nurse", password=PASSWORD) is None
    assert authenticate(RequestFactory().post("/", REMOTE_ADDR="10.9.0.4"), username="nurse", password=PASSWORD)


def test_sign_in_log_lines_name_no_address(client, caplog):
    caplog.set_level(logging.INFO)
    for _ in range(6):
        sign_in(client, "nobody", "guess", "10.9.0.77")
    assert any("nobody" in record.getMessage() for record in caplog.records)  # axes did log
    assert not [record.getMessage() for record in caplog.records if "10.9.0.77" in record.getMessage()]


def test_password_reset_emails_are_limited_per_address(client):
    get_user_model().objects.create_user("nurse", "nurse@example.org", PASSWORD, is_staff=True)
    answers = [
        client.post("/admin/password_reset/", {"email": "nurse@example.org"}, REMOTE_ADDR="10.9.1.1").status_code
        for _ in range(3)
    ]
    assert answers == [302, 302, 429]
    assert len(mail.outbox) == 2
    assert client.get("/admin/password_reset/", REMOTE_ADDR="10.9.1.1").status_code == 200  # the form still shows
    assert client.post("/admin/password_reset/", {"email": "x@example.org"}, REMOTE_ADDR="10.9.1.2").status_code == 302


class Clock:
    def __init__(self, monkeypatch):
        self.now = 1_800_000_000
        monkeypatch.setattr(staff_sessions.time, "time", lambda: self.now)

    def pass_minutes(self, minutes: int) -> None:
        self.now += minutes * 60


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def signed_in(client, clock):
    client.force_login(get_user_model().objects.create_superuser("ed", "ed@example.org", PASSWORD))
    return client


def test_an_idle_hour_ends_a_staff_session(signed_in, clock):
    assert signed_in.get("/admin/").status_code == 200
    clock.pass_minutes(59)
    assert signed_in.get("/admin/").status_code == 200
    clock.pass_minutes(61)
    ended = signed_in.get("/admin/pages/")
    assert ended.status_code == 302 and ended["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in signed_in.session


def test_a_working_day_ends_a_busy_staff_session_too(signed_in, clock, settings):
    assert signed_in.get("/admin/").status_code == 200
    for _ in range(19):  # a request every half hour: never idle
        clock.pass_minutes(30)
        assert signed_in.get("/admin/").status_code == 200
    clock.pass_minutes(31)  # ten hours and a minute after signing in
    assert signed_in.get("/admin/").status_code == 302
    assert settings.SESSION_COOKIE_AGE == settings.STAFF_SESSION_MAX_SECONDS == 10 * 3600
