"""Whole responses for anonymous readers, never stale.

A view opts in itself: `@cache_for_readers` on a function view, `cache_for_readers = True` on a
class-based one; Wagtail's page view is opted in here (a restricted page still never is: Wagtail
marks its responses never-cache). An opted-in response is kept, with the headers every middleware
inside this one gave it, under the any-change generation, so a change anywhere makes it unreachable
at once. Never kept: anything for a signed-in user (their session cookie is present), responses
that set a cookie, used a CSRF token or say private/no-store, and anything but a 200 to GET or HEAD.

A hit costs the record read and a lookup in this worker's memory (then, with Redis, in Redis).
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.regex_helper import _lazy_re_compile
from django.utils.text import compress_string

from wagtail import views as wagtail_views

from . import record
from .fragments import shared_cache
from .memory import WorkerMemory

# Wagtail's own view for every page.
PAGE_VIEWS = {wagtail_views.serve}

# The only request headers a kept response may vary by: the key holds the Origin, a hit picks the
# encoding, the cookies of an anonymous reader change nothing an opted-in view shows, and the API
# renders JSON whatever the Accept (a request it cannot answer gets a 406, which is never kept).
VARY_KEPT = {"accept", "accept-encoding", "cookie", "origin"}

# Bumped whenever the stored layout changes, so a new release never reads an old release's entries.
ENTRY_FORMAT = 4

# Below this, gzip saves too little to be worth a second copy (GZipMiddleware uses the same floor).
MIN_GZIP_BYTES = 200
ACCEPTS_GZIP = _lazy_re_compile(r"\bgzip\b")

# Render-once after a change (with Redis: workers share entries): the lock outlives no render (a
# crashed one frees it in 10 s), and a waiter renders the page itself after two seconds.
RENDER_LOCK_SECONDS = 10
RENDER_WAIT_SECONDS = 2.0
# Waiters look often at first (most renders take a few milliseconds), then less and less: under
# load, a crowd polling every 10 ms took the cores the render it waited for needed.
FIRST_POLL_SECONDS, LONGEST_POLL_SECONDS = 0.005, 0.1

# Which addresses an opted-in view answers, learned per worker (a few hundred distinct paths).
KNOWN_PATHS_LIMIT = 10_000


def cache_for_readers(view):
    """Opt a view's responses in; the middleware still checks that each is safe to share."""
    view.cache_for_readers = True
    return view


def view_opted_in(view) -> bool:
    if view in PAGE_VIEWS:
        return True
    owner = getattr(view, "view_class", None) or getattr(view, "cls", None)
    return bool(getattr(view, "cache_for_readers", False) or getattr(owner, "cache_for_readers", False))


_opted_in_paths: dict[str, bool] = {}


def path_opted_in(path_info: str) -> bool:
    """Whether the view at this path opted in, resolved once per path (resolving a page's address
    walks every URL pattern)."""
    known = _opted_in_paths.get(path_info)
    if known is None:
        try:
            known = view_opted_in(resolve(path_info).func)
        except Resolver404:
            known = False
        if len(_opted_in_paths) >= KNOWN_PATHS_LIMIT:
            _opted_in_paths.clear()
        _opted_in_paths[path_info] = known
    return known


def address_digest(request: HttpRequest, *extra: str) -> str:
    """A fixed-length name for what a request asked: its host and full path (and `extra`)."""
    raw = "|".join([request.get_host(), request.get_full_path(), *extra])
    return hashlib.sha256(raw.encode()).hexdigest()


def entry_key(request: HttpRequest, generation: int) -> str:
    # Origin matters to the API's CORS header; both encodings live in one entry.
    return f"page:{ENTRY_FORMAT}:{generation}:{address_digest(request, request.headers.get('Origin', ''))}"


def _signed_in(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def _cache_on() -> bool:
    return settings.PAGE_CACHE_ENABLED and settings.CACHING_ENABLED


def _shareable(request: HttpRequest, response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    vary = {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}
    return (
        response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_USED")
        and "private" not in cache_control
        and "no-store" not in cache_control
        and "no-cache" not in cache_control
        and not getattr(response, "streaming", False)
        and vary <= VARY_KEPT
    )


def _opted_in_response(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and view_opted_in(match.func)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self._not_kept(request)
        with record.pinned():
            if _signed_in(request) or not _cache_on() or not path_opted_in(request.path_info):
                return self._not_kept(request)
            return self._kept(request)

    def _not_kept(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _signed_in(request):
            # An editor's view (with the userbar) must never be stored by a proxy either.
            patch_cache_control(response, private=True, no_store=True)
        elif _opted_in_response(request) and _shareable(request, response):
            _public(response)
        return response

    def _kept(self, request: HttpRequest) -> HttpResponse:
        key = entry_key(request, record.generation(record.ANY_CHANGE))
        entry = _stored(key)
        if entry is not None:
            return entry.respond(request, "hit")
        shared = shared_cache()
        if shared is None:
            return self._render_and_keep(request, key)
        # After a change every reader misses at once. One request per address renders; the others
        # wait for its entry instead of rendering the same page on the same cores.
        lock = f"{key}:rendering"
        holds_lock = shared.add(lock, 1, RENDER_LOCK_SECONDS)
        if not holds_lock:
            entry = _wait_for(key, lock)
            if entry is not None:
                return entry.respond(request, "hit")
        try:
            return self._render_and_keep(request, key)
        finally:
            if holds_lock:
                shared.delete(lock)

    def _render_and_keep(self, request: HttpRequest, key: str) -> HttpResponse:
        response = self.get_response(request)
        if not (_opted_in_response(request) and _shareable(request, response)):
            return response
        entry = Entry.from_response(response)
        shared = shared_cache()
        if shared is not None:
            shared.set(key, entry.pack(), settings.PAGE_CACHE_SECONDS)
        local_copies.put(key, entry)
        return entry.respond(request, "miss")


def _stored(key: str) -> "Entry | None":
    entry = local_copies.get(key)
    if entry is None:
        shared = shared_cache()
        entry = Entry.unpack(shared.get(key)) if shared is not None else None
        if entry is not None:
            local_copies.put(key, entry)
    return entry


def _wait_for(key: str, lock: str) -> "Entry | None":
    """The entry another request is rendering, once stored; None when it gave up (a 404, an
    error, anything not shared: the lock goes without an entry) or took too long."""
    shared = shared_cache()
    deadline = time.monotonic() + RENDER_WAIT_SECONDS
    pause = FIRST_POLL_SECONDS
    while time.monotonic() < deadline:
        time.sleep(pause)
        pause = min(pause * 2, LONGEST_POLL_SECONDS)
        entry = _stored(key)
        if entry is not None or not shared.has_key(lock):
            return entry
    return None


def _public(response: HttpResponse) -> HttpResponse:
    """Browsers revalidate every time (a 304 is cheap); shared caches keep a page only as long as
    the purge set-up allows (docs/performance.md)."""
    patch_cache_control(response, public=True, max_age=0, s_maxage=settings.SHARED_CACHE_SECONDS, must_revalidate=True)
    patch_vary_headers(response, ["Cookie"])
    return response


@dataclass(frozen=True)
class Entry:
    """A stored response: the body, the same body gzipped (made once, served to most browsers and
    proxies), and the complete headers of each. Kept pages hold no secrets (no CSRF token, nothing
    per user), so compressing them cannot leak anything."""

    body: bytes
    headers: dict
    gzipped: bytes | None
    gzipped_headers: dict | None

    @classmethod
    def from_response(cls, response: HttpResponse) -> "Entry":
        body = response.content
        _public(response)
        if "ETag" not in response:
            set_response_etag(response)
        # Every header the inner middleware gave it (CSP, CORS, ETag…), so a hit skips them all.
        headers = {name: value for name, value in response.items() if name.lower() != "content-length"}
        gzipped = compress_string(body) if len(body) >= MIN_GZIP_BYTES else None
        if gzipped is None or len(gzipped) >= len(body):
            headers["Vary"] = response["Vary"]
            return cls(body, headers, None, None)
        patch_vary_headers(response, ["Accept-Encoding"])
        headers["Vary"] = response["Vary"]
        # As Django's GZipMiddleware does: the bytes differ, the meaning does not.
        etag = headers["ETag"]
        gzipped_headers = {
            **headers,
            "Content-Encoding": "gzip",
            "ETag": etag if etag.startswith("W/") else "W/" + etag,
        }
        return cls(body, headers, gzipped, gzipped_headers)

    def pack(self) -> tuple:
        return (self.body, self.headers, self.gzipped, self.gzipped_headers)

    @classmethod
    def unpack(cls, stored) -> "Entry | None":
        if isinstance(stored, tuple) and len(stored) == 4:
            return cls(*stored)
        return None

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"") + 2 * sum(len(value) for value in self.headers.values())

    def respond(self, request: HttpRequest, cache_status: str) -> HttpResponse:
        compressed = self.gzipped is not None and ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", ""))
        response = HttpResponse(self.gzipped if compressed else self.body)
        for name, value in (self.gzipped_headers if compressed else self.headers).items():
            response[name] = value
        response["X-Cache"] = cache_status
        if "If-None-Match" in request.headers or "If-Modified-Since" in request.headers:
            # The conditional-GET middleware sits inside this one, so revalidations are answered here.
            return get_conditional_response(request, etag=response["ETag"], last_modified=None, response=response)
        return response


# The entries this worker served lately: a hit then needs no page carried across from Redis.
local_copies = WorkerMemory(settings.PAGE_CACHE_LOCAL_BYTES, size_of=lambda entry: entry.size)
