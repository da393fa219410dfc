"""Whose address rate limits and sign-in lockouts count: X-Forwarded-For is believed only from the
proxies in TRUSTED_PROXIES, read from the right, and a malformed header is ignored, never a 500."""

import pytest

from django.test import RequestFactory

from portal.client_ip import client_ip

PROXIES = ["10.0.0.0/8", "2001:db8:ffff::/48"]


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        # Straight to the app from outside: whatever the header says, the sender is the client.
        ("198.51.100.7", "203.0.113.9", "198.51.100.7"),
        ("198.51.100.7", "10.0.0.1", "198.51.100.7"),
        # From our proxy: the address it saw. What the client wrote further left is not believed.
        ("10.0.0.5", "203.0.113.9", "203.0.113.9"),
        ("10.0.0.5", "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        # Two of our proxies in a row: both skipped.
        ("10.0.0.5", "6.6.6.6, 203.0.113.9, 10.20.0.1", "203.0.113.9"),
        ("2001:db8:ffff::2", "2001:db8:1::77", "2001:db8:1::77"),
        # As some proxies write it: with a port, or IPv6 in brackets.
        ("10.0.0.5", "203.0.113.9:4711", "203.0.113.9"),
        ("10.0.0.5", "[2001:db8:1::77]:443", "2001:db8:1::77"),
        # Malformed: the walk stops at the last good address.
        ("10.0.0.5", "", "10.0.0.5"),
        ("10.0.0.5", "not-an-address", "10.0.0.5"),
        ("10.0.0.5", "203.0.113.9, garbage", "10.0.0.5"),
        ("10.0.0.5", "garbage, 203.0.113.9", "203.0.113.9"),
        ("10.0.0.5", "\x00, ,,::::", "10.0.0.5"),
        ("10.0.0.5", "1" * 5000, "10.0.0.5"),
    ],
)
def test_forwarded_addresses_are_believed_only_from_our_proxies(settings, remote, forwarded, client):
    settings.TRUSTED_PROXIES = PROXIES
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == client


def test_with_no_proxy_configured_the_header_is_never_believed(settings):
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "10.0.0.5"


@pytest.mark.django_db
def test_a_malformed_header_reaches_every_limited_view_without_a_500(client, settings):
    settings.TRUSTED_PROXIES = PROXIES
    settings.RATE_LIMITS_ENABLED = True
    for path in ("/en/search/?q=fever", "/api/v2/pages/", "/admin/login/"):
        response = client.get(path, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="%00, [::1, 999.1.1.1")
        assert response.status_code == 200, path
