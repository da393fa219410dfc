"""One number that changes whenever anything a public page shows changes.

Cached pages and cached fragments (navigation, breadcrumbs, link targets) carry this number in
their keys, so a publish, unpublish, move or delete, or a change to a snippet or setting, makes
every cached copy unreachable at once: nothing is ever served stale, and nothing has to know
which pages used the changed thing.
"""

import threading
import time

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from wagtail.signals import page_published, page_unpublished, post_page_move

VERSION_KEY = "content:version"

# Within one request the version is read once (PinVersionMiddleware): a page's menus, fragments
# and links then all come from the same moment, for one round trip instead of one per fragment.
_pinned = threading.local()


def current() -> int:
    version = getattr(_pinned, "version", None)
    if version is None:
        version = _read()
        if getattr(_pinned, "active", False):
            _pinned.version = version
    return version


def _read() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A new cache (or one that lost its keys) starts a new series: never reuse old keys.
        version = cache.get_or_set(VERSION_KEY, _fresh_start(), None) or _fresh_start()
    return version


def _fresh_start() -> int:
    return int(time.time() * 1000)


def bump(**kwargs) -> None:
    _pinned.version = None  # a request that changed content sees its own change
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, _fresh_start(), None)


class PinVersionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _pinned.active, _pinned.version = True, None
        try:
            return self.get_response(request)
        finally:
            _pinned.active, _pinned.version = False, None


# What a public page shows: pages themselves, and the shared things templates read.
WATCHED_MODELS = [
    "wagtailcore.Page",
    "wagtailcore.Site",
    "wagtailcore.PageViewRestriction",
    "education.FAQ",
    "education.FAQTopic",
    "education.GlossaryTerm",
    "education.Reference",
    "education.PortalSettings",
    "integrations.EmbedSettings",
    "portal_search.SearchSynonym",
    "wagtailimages.Image",
]


def connect() -> None:
    page_published.connect(bump, dispatch_uid="content_version_published")
    page_unpublished.connect(bump, dispatch_uid="content_version_unpublished")
    post_page_move.connect(bump, dispatch_uid="content_version_moved")
    for model in WATCHED_MODELS:
        post_save.connect(bump, sender=model, dispatch_uid=f"content_version_save_{model}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"content_version_delete_{model}")
