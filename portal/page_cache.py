"""Whole-response cache for anonymous readers, never stale.

Responses that opted in (page views, API, feed, embeds) are stored, with the headers the inner
middleware gave them (CSP, ETag), under the current content version, so any publish or content change makes them unreachable at
once. Never cached:
anything for a signed-in user (their session cookie is present), previews, responses that set
cookies or say private/no-store, and anything but a 200 to GET or HEAD.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.regex_helper import _lazy_re_compile
from django.utils.text import compress_string

from education import content_version
from portal.worker_memory import WorkerMemory

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
    # Not stored either (not marked cacheable); skipping them saves the render lock's round trips.
    "/a-z/",
    "/handout/",
    "/infobutton/",
    "/sitemap.xml",
    "/robots.txt",
)

# Bumped whenever the stored layout changes, so a new release never reads an old release's entries.
ENTRY_FORMAT = 3

# Below this, gzip saves too little to be worth a second copy (GZipMiddleware uses the same floor).
MIN_GZIP_BYTES = 200
ACCEPTS_GZIP = _lazy_re_compile(r"\bgzip\b")

# Render-once after a change: the lock outlives no render (a crashed one frees it in 10 s), and a
# waiter renders the page itself after two seconds rather than wait longer.
RENDER_LOCK_SECONDS = 10
RENDER_WAIT_SECONDS = 2.0
# Waiters look often at first (most renders take a few milliseconds), then less and less: under
# load, a crowd polling every 10 ms took the cores the render it waited for needed.
FIRST_POLL_SECONDS, LONGEST_POLL_SECONDS = 0.005, 0.1


def address_digest(request: HttpRequest, *extra: str) -> str:
    """A fixed-length name for what a request asked: its host and full path (and `extra`)."""
    raw = "|".join([request.get_host(), request.get_full_path(), *extra])
    return hashlib.sha256(raw.encode()).hexdigest()


def _key(request: HttpRequest, version: int) -> str:
    # Origin matters to the API's CORS header; both encodings live in one entry.
    return f"page:{ENTRY_FORMAT}:{version}:{address_digest(request, request.headers.get('Origin', ''))}"


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
            return _public(self.get_response(request))
        # The version is the only round trip a hit needs when this worker served the page lately.
        key = _key(request, content_version.current())
        entry = _stored(key)
        if entry is not None:
            return entry.respond(request, "hit")
        # After a publish every reader misses at once. One request per address renders; the
        # others wait for its entry instead of rendering the same page on the same cores.
        lock = f"{key}:rendering"
        holds_lock = cache.add(lock, 1, RENDER_LOCK_SECONDS)
        if not holds_lock:
            entry = _wait_for(key, lock)
            if entry is not None:
                return entry.respond(request, "hit")
        try:
            return self._render_and_store(request, key)
        finally:
            if holds_lock:
                cache.delete(lock)

    def _render_and_store(self, request: HttpRequest, key: str) -> HttpResponse:
        response = self.get_response(request)
        if not _shareable(response):
            return response
        if "ETag" not in response:
            set_response_etag(response)
        entry = Entry.from_response(response)
        cache.set(key, entry.pack(), settings.PAGE_CACHE_SECONDS)
        local_copies.put(key, entry)
        return entry.respond(request, "miss")


def _stored(key: str) -> "Entry | None":
    entry = local_copies.get(key)
    if entry is None:
        entry = Entry.unpack(cache.get(key))
        if entry is not None:
            local_copies.put(key, entry)
    return entry


def _wait_for(key: str, lock: str) -> "Entry | None":
    """The entry another request is rendering, once stored; None when it gave up (a 404, an
    error, anything not shared: the lock goes without an entry) or took too long."""
    deadline = time.monotonic() + RENDER_WAIT_SECONDS
    pause = FIRST_POLL_SECONDS
    while time.monotonic() < deadline:
        time.sleep(pause)
        pause = min(pause * 2, LONGEST_POLL_SECONDS)
        entry = _stored(key)
        if entry is not None or not cache.has_key(lock):
            return entry
    return None


@dataclass(frozen=True)
class Entry:
    """A stored response: the body, the same body gzipped (made once, served to most browsers and
    proxies), and the headers the inner middleware gave it. Cached pages hold no secrets (no CSRF
    token, nothing per user), so compressing them cannot leak anything."""

    body: bytes
    gzipped: bytes | None
    headers: dict

    @classmethod
    def from_response(cls, response: HttpResponse) -> "Entry":
        body = response.content
        gzipped = compress_string(body) if len(body) >= MIN_GZIP_BYTES else None
        if gzipped is not None and len(gzipped) >= len(body):
            gzipped = None
        headers = {name: response[name] for name in CACHED_HEADERS if name in response}
        return cls(body, gzipped, headers)

    def pack(self) -> tuple:
        return (self.body, self.gzipped, self.headers)

    @classmethod
    def unpack(cls, stored) -> "Entry | None":
        if isinstance(stored, tuple) and len(stored) == 3:
            return cls(*stored)
        return None

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"") + sum(len(value) for value in self.headers.values())

    def respond(self, request: HttpRequest, cache_status: str) -> HttpResponse:
        compressed = self.gzipped is not None and ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", ""))
        response = HttpResponse(self.gzipped if compressed else self.body)
        for name, value in self.headers.items():
            response[name] = value
        if self.gzipped is not None:
            patch_vary_headers(response, ["Accept-Encoding"])
        if compressed:
            response["Content-Encoding"] = "gzip"
            # As Django's GZipMiddleware does: the bytes differ, the meaning does not.
            if not response["ETag"].startswith("W/"):
                response["ETag"] = "W/" + response["ETag"]
        response["X-Cache"] = cache_status
        # The conditional-GET middleware sits inside this one, so answer revalidations here.
        response = get_conditional_response(request, etag=response["ETag"], last_modified=None, response=response)
        return _public(response, shared=True)


# The entries this worker served lately: a hit then needs no page carried across from Redis.
local_copies = WorkerMemory(settings.PAGE_CACHE_LOCAL_BYTES, size_of=lambda entry: entry.size)


def _public(response: HttpResponse, shared: bool = False) -> HttpResponse:
    """Shared caches may keep a public page only as long as the purge setup allows."""
    if shared or getattr(response, "portal_cacheable", False):
        patch_cache_control(
            response, public=True, max_age=0, s_maxage=settings.SHARED_CACHE_SECONDS, must_revalidate=True
        )
        patch_vary_headers(response, ["Cookie"])
    return response
