"""Production settings refuse to start without what a public deployment needs."""

import os
import subprocess
import sys

import pytest

from django.conf import settings

CHECK = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def start_with(**env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="portal.settings.production", **env)
    return subprocess.run(
        [sys.executable, "-c", CHECK], env=environment, cwd=settings.BASE_DIR, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_secret_key():
    result = start_with(ALLOWED_HOSTS="portal.example.org")
    assert result.returncode != 0
    assert "The SECRET_KEY environment variable is required in production." in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = start_with(SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "The ALLOWED_HOSTS environment variable is required in production." in result.stderr


def test_production_starts_with_both_and_debug_off():
    result = start_with(SECRET_KEY="x" * 50, ALLOWED_HOSTS="portal.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(("value", "message"), [("maybe", "must be true or false"), ("", None)])
def test_boolean_settings_reject_unclear_values(monkeypatch, value, message):
    from django.core.exceptions import ImproperlyConfigured

    from portal.settings.environment import env_bool

    monkeypatch.setenv("SOME_FLAG", value)
    if message:
        with pytest.raises(ImproperlyConfigured, match=message):
            env_bool("SOME_FLAG")
    else:
        assert env_bool("SOME_FLAG", default=True) is True


def test_database_url_selects_postgresql():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['ENGINE'], settings.CACHES['default']['BACKEND'], "
            "settings.CACHES['default']['KEY_FUNCTION'])",
        ],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
            "DATABASE_URL": "postgres://portal@db.example:5432/portal",
            "REDIS_URL": "redis://cache.example:6379/0",
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "caching.redis.ResilientRedisCache",
        "caching.release.cache_key",
    ]


def test_a_trusted_proxy_that_is_not_an_address_stops_the_start():
    result = start_with(SECRET_KEY="x" * 50, ALLOWED_HOSTS="portal.example.org", TRUSTED_PROXIES="10.0.0.0/8,nginx")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'nginx' is not an address or a network." in result.stderr
