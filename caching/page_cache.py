"""Whole responses for anonymous readers, never stale, answered before Django's handler runs.

A view opts in itself: `@cache_for_readers` on a function view, `cache_for_readers = True` on a
class-based one; Wagtail's page view is opted in here (a restricted page still never is: Wagtail
marks its responses never-cache). Two parts:

- `PageCacheMiddleware`, inside Django: reads the record of change once for a safe request, and
  marks an opted-in response that is safe to share (for anyone without a session; no cookie set,
  no CSRF token used, not private, no-store or no-cache, varying by nothing but what the key
  holds, a 200) with public Cache-Control headers and for `KeptResponses` to keep.
- `KeptResponses`, around Django's WSGI application (portal/wsgi.py): keeps each marked response
  as sent, every header included, under the any-change generation, and answers the next
  anonymous read of the same address from it. A hit costs the record read and a lookup in this
  worker's memory (with Redis, an entry another worker rendered is fetched once): not Django's
  request, its signals or its middleware, which cost a bare Django view as much again.

Django's test client calls the handler directly, so tests of keeping go through the WSGI
application (tests/caching/test_page_cache.py).
"""

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.handlers.wsgi import get_path_info
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
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
# What in a request can change the answer to it: the key is made of these, as sent, so a kept
# answer is only ever given to a request that would have been answered the same (Django works out
# the host and the scheme from them; a host it refuses is never kept).
KEY_PARTS = (
    "wsgi.url_scheme",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_HOST",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "SERVER_NAME",
    "SERVER_PORT",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
    "HTTP_ORIGIN",
)
# Headers of one answer only: never kept, made afresh for each.
NOT_KEPT_HEADERS = {"content-length", "x-request-id", "date", "set-cookie", "x-cache"}
# Where Django marks a response KeptResponses may keep: the request's environ, which is its META.
KEEP = "caching.keep"

# Bumped whenever the stored layout changes, so a new release never reads an old release's entries.
ENTRY_FORMAT = 5

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


# A view that checks every query parameter itself (the API answers an unknown one with a 400).
EVERY_PARAMETER = "every parameter"


def cache_for_readers(view=None, *, reads: tuple[str, ...] | str = ()):
    """Opt a view's responses in; the middleware still checks that each is safe to share.

    `reads` names the query parameters the view answers by (or EVERY_PARAMETER). The others are
    dropped before an anonymous read reaches the view, so `?n=<random>` is answered from the bare
    address's kept copy instead of costing a render and an entry each. A class-based view says
    the same with `cache_for_readers = True` and `cache_reads_query`.
    """

    def opt_in(view):
        view.cache_for_readers = True
        view.cache_reads_query = reads
        return view

    return opt_in if view is None else opt_in(view)


def query_read_by(view) -> tuple[str, ...] | str | None:
    """What of the query string an opted-in view reads; None for a view that did not opt in."""
    if view in PAGE_VIEWS:
        return ()  # a page answers the same whatever its query string
    owner = getattr(view, "view_class", None) or getattr(view, "cls", None)
    for holder in (view, owner):
        if getattr(holder, "cache_for_readers", False):
            return getattr(holder, "cache_reads_query", ())
    return None


def view_opted_in(view) -> bool:
    return query_read_by(view) is not None


_query_read_at: dict[str, tuple[str, ...] | str | None] = {}


def query_read_at(path_info: str) -> tuple[str, ...] | str | None:
    """`query_read_by` for the view at this path, resolved once per path (resolving a page's
    address walks every URL pattern)."""
    if path_info not in _query_read_at:
        try:
            reads = query_read_by(_resolve_in_its_language(path_info).func)
        except Resolver404:
            reads = None
        if len(_query_read_at) >= KNOWN_PATHS_LIMIT:
            _query_read_at.clear()
        _query_read_at[path_info] = reads
    return _query_read_at[path_info]


def _resolve_in_its_language(path_info: str):
    """Resolve an address as Django will once its language is active: the language patterns
    (/en/…, /es/…) match only the active language's prefix, and none is active out here."""
    first = path_info.lstrip("/").split("/", 1)[0]
    language = first if first in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        return resolve(path_info)


def query_kept(query_string: str, reads: tuple[str, ...] | str) -> str:
    """The parameters of `query_string` that the view reads, in their order, as sent."""
    if reads == EVERY_PARAMETER or not query_string:
        return query_string
    return "&".join(pair for pair in query_string.split("&") if unquote_plus(pair.partition("=")[0]) in reads)


def address_digest(request: HttpRequest, *extra: str) -> str:
    """A fixed-length name for what a request asked: its host and full path (and `extra`)."""
    raw = "|".join([request.get_host(), request.get_full_path(), *extra])
    return hashlib.sha256(raw.encode()).hexdigest()


def entry_key(environ: dict, generation: int) -> str:
    raw = "\n".join(str(environ.get(part, "")) for part in KEY_PARTS)
    return f"page:{ENTRY_FORMAT}:{generation}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _cache_on() -> bool:
    return settings.PAGE_CACHE_ENABLED and settings.CACHING_ENABLED


def _signed_in_cookie(environ: dict) -> bool:
    # A substring test errs only towards "signed in", which is never answered from a copy.
    return f"{settings.SESSION_COOKIE_NAME}=" in environ.get("HTTP_COOKIE", "")


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


def _public(response: HttpResponse) -> HttpResponse:
    """Browsers revalidate every time (a 304 is cheap); shared caches keep a page only as long as
    the purge set-up allows (docs/performance.md)."""
    patch_cache_control(response, public=True, max_age=0, s_maxage=settings.SHARED_CACHE_SECONDS, must_revalidate=True)
    patch_vary_headers(response, ["Cookie"])
    return response


class PageCacheMiddleware:
    """Reads the record once for a safe request; says which responses KeptResponses may keep."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self._answer(request)
        with record.pinned():
            return self._answer(request)

    def _answer(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _signed_in_cookie(request.META):
            # An editor's view (with the userbar) must never be stored by a proxy either.
            patch_cache_control(response, private=True, no_store=True)
            return response
        match = getattr(request, "resolver_match", None)
        if request.method in ("GET", "HEAD") and match and view_opted_in(match.func) and _shareable(request, response):
            _public(response)
            request.META[KEEP] = True
        return response


class KeptResponses:
    """The WSGI application in front of Django's: see the module's docstring."""

    def __init__(self, application, request_id: Callable[[dict], str], skip_while: Callable[[], bool]):
        self.application = application
        self.request_id = request_id  # each answer's X-Request-ID, as RequestIdMiddleware gives it
        self.skip_while = skip_while  # the database is known to be away: let Django answer that

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        reads = self._query_read_if_answerable(environ)
        if reads is None:
            return self.application(environ, start_response)
        # What the view does not read is not part of the key, nor passed on to the view.
        environ["QUERY_STRING"] = query_kept(environ.get("QUERY_STRING", ""), reads)
        with record.pinned():
            try:
                generation = record.generation(record.ANY_CHANGE)
            except DatabaseError:
                return self.application(environ, start_response)  # Django answers with its 503
            key = entry_key(environ, generation)
            entry = _stored(key)
            if entry is not None:
                return entry.answer(environ, start_response, "hit", self.request_id(environ))
            shared = shared_cache()
            if shared is None:
                return self._render_and_keep(environ, start_response, key)
            # After a change every reader misses at once. One request per address renders; the
            # others wait for its entry instead of rendering the same page on the same cores.
            lock = f"{key}:rendering"
            holds_lock = shared.add(lock, 1, RENDER_LOCK_SECONDS)
            if not holds_lock:
                entry = _wait_for(key, lock)
                if entry is not None:
                    return entry.answer(environ, start_response, "hit", self.request_id(environ))
            try:
                return self._render_and_keep(environ, start_response, key)
            finally:
                if holds_lock:
                    shared.delete(lock)

    def _query_read_if_answerable(self, environ: dict) -> tuple[str, ...] | str | None:
        """What of the query string the view reads, if this request may be answered from a kept
        copy; None if it goes to Django as it came."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not _cache_on() or _signed_in_cookie(environ):
            return None
        reads = query_read_at(get_path_info(environ))
        return None if reads is None or self.skip_while() else reads

    def _render_and_keep(self, environ: dict, start_response, key: str) -> Iterable[bytes]:
        """Django renders; a response it marked is kept and sent as every later hit will be (the
        same headers, gzip for a browser that takes it), so the first reader is no exception."""
        held = {}

        def hold_what_is_kept(status, headers, exc_info=None):
            # Django marks the response (KEEP) before it starts sending it. A HEAD's body may have
            # been dropped on the way (Django's test client drops it), so only a GET is kept.
            if not (environ.get(KEEP) and environ["REQUEST_METHOD"] == "GET"):
                return (
                    start_response(status, headers) if exc_info is None else start_response(status, headers, exc_info)
                )
            held["headers"], held["written"] = list(headers), []
            return held["written"].append  # WSGI's write(): bytes that come before the body

        body = self.application(environ, hold_what_is_kept)
        if "headers" not in held:
            return body
        try:
            content = b"".join([*held["written"], *body])
        finally:
            if hasattr(body, "close"):
                body.close()  # Django's request_finished, as the server would send it
        entry = Entry.made(content, held["headers"])
        shared = shared_cache()
        if shared is not None:
            shared.set(key, entry.pack(), settings.PAGE_CACHE_SECONDS)
        local_copies.put(key, entry)
        logged_as = next((value for name, value in held["headers"] if name.lower() == "x-request-id"), None)
        return entry.answer(environ, start_response, "miss", logged_as or self.request_id(environ))


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


@dataclass(frozen=True)
class Entry:
    """A kept response: the body, the same body gzipped (made once, served to most browsers and
    proxies), and the headers of each as sent. Kept pages hold no secrets (no CSRF token, nothing
    per user), so compressing them cannot leak anything."""

    body: bytes
    headers: tuple[tuple[str, str], ...]
    gzipped: bytes | None
    gzipped_headers: tuple[tuple[str, str], ...] | None
    etag: str

    @classmethod
    def made(cls, body: bytes, sent: list[tuple[str, str]]) -> "Entry":
        headers = {name: value for name, value in sent if name.lower() not in NOT_KEPT_HEADERS}
        etag = headers.get("ETag") or f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'
        headers["ETag"] = etag
        gzipped = compress_string(body) if len(body) >= MIN_GZIP_BYTES else None
        if gzipped is None or len(gzipped) >= len(body):
            return cls(body, tuple(headers.items()), None, None, etag)
        vary = [part.strip() for part in headers.get("Vary", "").split(",") if part.strip()]
        if "accept-encoding" not in {part.lower() for part in vary}:
            headers["Vary"] = ", ".join([*vary, "Accept-Encoding"])
        # As Django's GZipMiddleware does: the bytes differ, the meaning does not.
        weak = etag if etag.startswith("W/") else "W/" + etag
        compressed = {**headers, "Content-Encoding": "gzip", "ETag": weak}
        return cls(body, tuple(headers.items()), gzipped, tuple(compressed.items()), etag)

    def pack(self) -> tuple:
        return (self.body, self.headers, self.gzipped, self.gzipped_headers, self.etag)

    @classmethod
    def unpack(cls, stored) -> "Entry | None":
        if isinstance(stored, tuple) and len(stored) == 5:
            return cls(*stored)
        return None

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"") + 2 * sum(len(value) for _, value in self.headers)

    def answer(self, environ: dict, start_response, cache_status: str, request_id: str) -> list[bytes]:
        compressed = self.gzipped is not None and ACCEPTS_GZIP.search(environ.get("HTTP_ACCEPT_ENCODING", ""))
        body, headers = (self.gzipped, self.gzipped_headers) if compressed else (self.body, self.headers)
        extra = [("X-Cache", cache_status), ("X-Request-ID", request_id)]
        if self._revalidated(environ):
            start_response(
                "304 Not Modified", [*(h for h in headers if h[0] in ("ETag", "Cache-Control", "Vary")), *extra]
            )
            return []
        start_response("200 OK", [*headers, ("Content-Length", str(len(body))), *extra])
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    def _revalidated(self, environ: dict) -> bool:
        asked = environ.get("HTTP_IF_NONE_MATCH")
        if not asked:
            return False
        plain = self.etag.removeprefix("W/")
        return asked.strip() == "*" or any(tag.removeprefix("W/") == plain for tag in parse_etags(asked))


# The entries this worker served lately: a hit then needs no page carried across from Redis.
local_copies = WorkerMemory(settings.PAGE_CACHE_LOCAL_BYTES, size_of=lambda entry: entry.size)
