"""Whole-response cache for anonymous readers, never stale.

Responses that opted in (page views, API, feed, embeds) are stored, with the headers the inner
middleware gave them (CSP, ETag), under the current content version, so any publish or content change makes them unreachable at once. Never cached:
anything for a signed-in user (their session cookie is present), previews, responses that set
cookies or say private/no-store, and anything but a 200 to GET or HEAD.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, set_response_etag

from education import content_version

# Everything the inner middleware added on the way out is kept, so a hit can skip it all.
CACHED_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Last-Modified",
    "ETag",
    "Access-Control-Allow-Origin",
    "Vary",
    "Content-Security-Policy",
    "X-Frame-Options",
)


def mark_cacheable(response: HttpResponse) -> HttpResponse:
    """Opt a response in; the middleware still checks that it is safe to share."""
    response.portal_cacheable = True
    return response


# Paths whose responses are never stored: looking them up would only cost a cache round trip.
NEVER_CACHED_PREFIXES = (
    "/healthz",
    "/readyz",
    "/static/",
    "/media/",
    "/admin/",
    "/search/",
    "/feedback/",
    "/documents/",
)

# Bumped whenever the stored layout changes, so a new release never reads an old release's entries.
ENTRY_FORMAT = 2


def _key(request: HttpRequest, version: int) -> str:
    # Origin matters to the API's CORS header; Accept-Encoding is handled by the compressor outside.
    raw = f"{request.get_host()}|{request.get_full_path()}|{request.headers.get('Origin', '')}"
    return f"page:{ENTRY_FORMAT}:{version}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _signed_in(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def _shareable(response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        getattr(response, "portal_cacheable", False)
        and response.status_code == 200
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not getattr(response, "streaming", False)
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        anonymous_read = request.method in ("GET", "HEAD") and not _signed_in(request)
        if not anonymous_read or request.path_info.startswith(NEVER_CACHED_PREFIXES):
            response = self.get_response(request)
            if _signed_in(request):
                # An editor's view (with the userbar) must never be stored by a proxy either.
                patch_cache_control(response, private=True, no_store=True)
            return response
        if not settings.PAGE_CACHE_ENABLED:
            return self._public(self.get_response(request))
        key = _key(request, content_version.current())
        stored = cache.get(key)
        if isinstance(stored, tuple) and len(stored) == 2:
            return self._public(self._from_cache(request, *stored))
        response = self.get_response(request)
        if _shareable(response):
            if "ETag" not in response:
                set_response_etag(response)
            headers = {name: response[name] for name in CACHED_HEADERS if name in response}
            cache.set(key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
            response["X-Cache"] = "miss"
            self._public(response)
        return response

    @staticmethod
    def _from_cache(request: HttpRequest, content: bytes, headers: dict) -> HttpResponse:
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        response["X-Cache"] = "hit"
        # The conditional-GET middleware sits inside this one, so answer revalidations here.
        not_modified = get_conditional_response(
            request, etag=headers.get("ETag"), last_modified=None, response=response
        )
        return not_modified

    @staticmethod
    def _public(response: HttpResponse) -> HttpResponse:
        """Shared caches may keep a public page only as long as the purge setup allows."""
        if getattr(response, "portal_cacheable", False) or response.get("X-Cache") == "hit":
            patch_cache_control(
                response, public=True, max_age=0, s_maxage=settings.SHARED_CACHE_SECONDS, must_revalidate=True
            )
            patch_vary_headers(response, ["Cookie"])
        return response
