"""Security headers on every kind of response, login lockout, rate limits, safe redirects."""

import pytest

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import override_settings

from tests.conftest import page_at

pytestmark = pytest.mark.django_db

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def csp(response) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in response["Content-Security-Policy"].split(";"))}


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def assert_common_headers(response):
    for header, value in COMMON.items():
        assert response[header] == value, header
    assert "camera=()" in response["Permissions-Policy"]
    assert "frame-ancestors" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "path", ["/en/", "/en/types/cytokines/", "/en/no-such-page/", "/api/v2/pages/", "/en/search/?q=fever"]
)
def test_public_responses_have_the_strict_policy(client, path):
    response = client.get(path)
    assert_common_headers(response)
    policy = csp(response)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert policy["frame-ancestors"] == ["'self'"]


def test_anonymous_readers_get_no_cookies(client):
    for path in [
        "/en/",
        "/en/types/cytokines/",
        "/en/search/?q=fever",
        "/en/faqs/",
        "/api/v2/pages/",
        "/en/no-such-page/",
    ]:
        assert not client.get(path).cookies, path


def test_admin_login_keeps_wagtails_policy_but_is_never_framed(client):
    response = client.get("/admin/login/")
    assert_common_headers(response)
    assert response["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_static_files_have_the_common_headers(client):
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert_common_headers(response)


def test_server_error_page_has_the_headers_and_no_traceback(client, monkeypatch):
    from education.models import HomePage

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(HomePage, "get_context", broken)
    client.raise_request_exception = False
    response = client.get("/en/")
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()
    assert "boom" not in response.content.decode()
    assert_common_headers(response)


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=False)
def test_hsts_in_production_shape(client):
    response = client.get("/en/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_login_locks_out_after_repeated_failures(client):
    get_user_model().objects.create_user("nurse", "n@example.org", "correct-horse-battery")
    statuses = [client.post("/admin/login/", {"username": "nurse", "password": "wrong"}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    locked = client.post("/admin/login/", {"username": "nurse", "password": "correct-horse-battery"})
    assert locked.status_code == 429
    assert "too many unsuccessful sign-in attempts" in locked.content.decode()


def test_failed_login_does_not_reveal_whether_the_user_exists(client):
    get_user_model().objects.create_user("nurse", "n@example.org", "correct-horse-battery")
    known = client.post("/admin/login/", {"username": "nurse", "password": "wrong"}).content.decode()
    unknown = client.post("/admin/login/", {"username": "nobody", "password": "wrong"}).content.decode()
    message = "Your username and password didn't match."
    assert message in known.replace("&#x27;", "'") and message in unknown.replace("&#x27;", "'")


def test_lockout_is_per_user_name_and_address(client):
    get_user_model().objects.create_user("nurse", "n@example.org", "correct-horse-battery")
    for _ in range(5):
        client.post("/admin/login/", {"username": "nurse", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    other_address = client.post(
        "/admin/login/", {"username": "nurse", "password": "correct-horse-battery"}, REMOTE_ADDR="10.0.0.2"
    )
    assert other_address.status_code == 302


@pytest.mark.parametrize(
    ("path", "bucket"),
    [
        ("/en/search/?q=fever", "search"),
        ("/api/v2/pages/", "api"),
        ("/infobutton/service?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=C43", "infobutton"),
    ],
)
def test_rate_limits_answer_429_with_retry_after(client, settings, path, bucket):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, bucket: (3, 60)}
    statuses = [client.get(path).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = client.get(path)
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    # Another client is not affected.
    assert client.get(path, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_login_redirect_only_goes_to_this_site(client):
    get_user_model().objects.create_superuser("boss", "b@example.org", "correct-horse-battery")
    response = client.post(
        "/admin/login/?next=https://evil.example/steal",
        {"username": "boss", "password": "correct-horse-battery", "next": "https://evil.example/steal"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_a_flood_of_fields_is_refused_with_400(client):
    data = {f"field{index}": "x" for index in range(11_000)}
    page = page_at("/en/faqs/")
    response = client.post(
        "/en/feedback/", {**data, "page": page.pk, "helpful": "yes"}, HTTP_ORIGIN="http://testserver"
    )
    assert response.status_code == 400


def test_unavailable_page_has_the_headers(client, monkeypatch):
    import time

    from portal import faults

    monkeypatch.setattr(faults, "_database_down_until", time.monotonic() + 60)
    response = client.get("/en/types/cytokines/")
    assert response.status_code == 503
    assert_common_headers(response)
    assert int(response["Retry-After"]) > 0
