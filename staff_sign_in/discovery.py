"""The identity provider's own description of itself (`/.well-known/openid-configuration`).

Read when a sign-in needs it, never at start-up: a provider that is down must not stop the portal
starting, and the break-glass password sign-in must not wait for it.
"""

import threading
import time

import requests

from django.conf import settings

# A provider's endpoints and keys change rarely; a fresh copy is read at most this often per worker.
KEEP_SECONDS = 3600

_kept: dict = {}
_lock = threading.Lock()


class ProviderUnavailable(Exception):
    """The identity provider did not answer, or not with a usable description of itself."""


def provider_metadata() -> dict:
    with _lock:
        if _kept and time.monotonic() - _kept["read_at"] < KEEP_SECONDS:
            return _kept["metadata"]
    url = f"{settings.OIDC_ISSUER}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.IDENTITY_PROVIDER_TIMEOUT_SECONDS)
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {error}") from error
    # The issuer a provider names must be the one configured (OpenID Connect Discovery 1.0, 4.3),
    # or its tokens would be checked against the wrong name.
    if metadata.get("issuer", "").rstrip("/") != settings.OIDC_ISSUER:
        raise ProviderUnavailable(f"{url} names the issuer {metadata.get('issuer')!r}, not {settings.OIDC_ISSUER!r}")
    for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not metadata.get(endpoint):
            raise ProviderUnavailable(f"{url} has no {endpoint}")
    with _lock:
        _kept.update(metadata=metadata, read_at=time.monotonic())
    return metadata
