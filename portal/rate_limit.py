"""Per-client request limits with 429 and Retry-After, counted in the shared cache.

A fixed window per client address and bucket: crude, but cheap, shared by every app instance
(through Redis) and enough to stop a script hammering search or the API. The address is only
hashed into a short-lived cache key; it is never stored anywhere else.
"""

import functools
import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext

from portal.client_ip import client_ip


def seconds_to_wait(bucket: str, request: HttpRequest) -> int | None:
    """Counts this request; None while the client is within settings.RATE_LIMITS[bucket], else
    how long to wait."""
    return _check(bucket, request, count=True)


def seconds_to_wait_uncounted(bucket: str, request: HttpRequest) -> int | None:
    """The same, without counting this request: for a limit on events counted elsewhere
    (`count_event`), such as failed sign-ins."""
    return _check(bucket, request, count=False)


def count_event(bucket: str, request: HttpRequest) -> None:
    _check(bucket, request, count=True)


def _check(bucket: str, request: HttpRequest, count: bool) -> int | None:
    limit = settings.RATE_LIMITS.get(bucket)
    if not limit or not settings.RATE_LIMITS_ENABLED:
        return None
    allowed, window = limit
    now = int(time.time())
    window_start = now - now % window
    key = _key(bucket, request, window_start)
    # Counted, this request is one of the `allowed`; uncounted, the events so far may use them all.
    over = _add_one(key, window) > allowed if count else (cache.get(key) or 0) >= allowed
    return max(window_start + window - now, 1) if over else None


def _key(bucket: str, request: HttpRequest, window_start: int) -> str:
    # Keyed with the secret key: a plain hash of an IPv4 address is undone by trying them all.
    address = hmac.new(settings.SECRET_KEY.encode(), client_ip(request).encode(), hashlib.sha256).hexdigest()[:16]
    return f"rate:{bucket}:{address}:{window_start}"


def _add_one(key: str, window: int) -> int:
    """This window's count for the client, one more than before."""
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr, or the cache is down: let it through
        return 1


def too_many_requests(request: HttpRequest, retry_after: int, content_type: str = "text/html") -> HttpResponse:
    if content_type == "text/html":
        body = render_to_string("429.html", {"retry_after": retry_after}, request=request)
    else:
        body = gettext("Too many requests: try again in %(seconds)d seconds.") % {"seconds": retry_after} + "\n"
    response = HttpResponse(body, status=429, content_type=f"{content_type}; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def rate_limited(bucket: str, content_type: str = "text/html", methods: tuple[str, ...] = ()):
    """Limit a view to settings.RATE_LIMITS[bucket] = (requests, seconds) per client; only the
    requests with one of `methods`, if given."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            wait = seconds_to_wait(bucket, request) if not methods or request.method in methods else None
            if wait is not None:
                return too_many_requests(request, wait, content_type)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
