"""Per-client request limits with 429 and Retry-After, counted in the shared cache.

A fixed window per client address and bucket: crude, but cheap, shared by every app instance
(through Redis) and enough to stop a script hammering search or the API. The address is only
hashed into a short-lived cache key; it is never stored anywhere else.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from portal.client_ip import client_ip


def seconds_to_wait(bucket: str, request: HttpRequest) -> int | None:
    """None while the client is within settings.RATE_LIMITS[bucket]; else how long to wait."""
    limit = settings.RATE_LIMITS.get(bucket)
    if not limit or not settings.RATE_LIMITS_ENABLED:
        return None
    allowed, window = limit
    count, retry_after = _count(bucket, request, window)
    return max(retry_after, 1) if count > allowed else None


def _count(bucket: str, request: HttpRequest, window: int) -> tuple[int, int]:
    """This window's count for the client, and the seconds until the window ends."""
    now = int(time.time())
    window_start = now - now % window
    address = hashlib.sha256(client_ip(request).encode()).hexdigest()[:16]
    key = f"rate:{bucket}:{address}:{window_start}"
    if cache.add(key, 1, window):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr, or the cache is down: let it through
            count = 1
    return count, window_start + window - now


def too_many_requests(request: HttpRequest, retry_after: int, content_type: str = "text/html") -> HttpResponse:
    if content_type == "text/html":
        body = render_to_string("429.html", {"retry_after": retry_after}, request=request)
    else:
        body = f"Too many requests: try again in {retry_after} seconds.\n"
    response = HttpResponse(body, status=429, content_type=f"{content_type}; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def rate_limited(bucket: str, content_type: str = "text/html"):
    """Limit a view to settings.RATE_LIMITS[bucket] = (requests, seconds) per client."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            wait = seconds_to_wait(bucket, request)
            if wait is not None:
                return too_many_requests(request, wait, content_type)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
