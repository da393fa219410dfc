"""Numbers that change whenever anything a public page shows changes.

Cached pages and cached fragments carry one of these numbers in their keys, so a change makes
every cached copy that could show it unreachable at once: nothing is ever served stale, and
nothing has to know which pages used the changed thing.

- ALL moves on every change: a new page, a publish, unpublish, move or delete, a snippet, a setting,
  an image. Whole pages, menus, listings and search answers are kept under it.
- SHARED moves on the same changes except one: publishing a page that was already live at the
  same address, unless it is a site's root. Only that page's own text changed; every other page's
  links to it still work. Kept under SHARED: a page's own body (see the body_fragment tag) with
  the page's revision, so after an editor publishes a page the other pages' bodies need not be
  rendered again; and what every request looks up before it renders anything (its site and the
  site's root page, the settings, which page sits at an address, the restricted paths, the
  glossary), so the first reader of each page after a publish does not look them all up again.
"""

import threading
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

ALL = "all"
SHARED = "shared"
KEYS = {ALL: "content:version", SHARED: "content:version:shared"}

# Within one request each number is read once (PinVersionMiddleware): a page's menus, fragments
# and links then all come from the same moment, for one round trip instead of one per fragment.
_pinned = threading.local()


def current(scope: str = ALL) -> int:
    pinned = getattr(_pinned, "versions", None)
    if pinned is not None and scope in pinned:
        return pinned[scope]
    version = _read(KEYS[scope])
    if pinned is not None:
        pinned[scope] = version
    return version


def _read(key: str) -> int:
    version = cache.get(key)
    if version is None:
        # A new cache (or one that lost its keys) starts a new series: never reuse old keys.
        version = cache.get_or_set(key, _fresh_start(), None) or _fresh_start()
    return version


def _fresh_start() -> int:
    return int(time.time() * 1000)


def bump(scopes: tuple[str, ...] = (ALL, SHARED), **kwargs) -> None:
    """Move the numbers now, and again when the change commits. Between the two, another worker
    still reads the old rows from the database: anything it renders then is kept under the
    first new number, which the second move leaves behind before anyone could be served it."""
    _increment(scopes)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _increment(scopes))


def _increment(scopes: tuple[str, ...]) -> None:
    pinned = getattr(_pinned, "versions", None)
    for scope in scopes:
        if pinned is not None:
            pinned.pop(scope, None)  # a request that changed content sees its own change
        try:
            cache.incr(KEYS[scope])
        except ValueError:
            cache.set(KEYS[scope], _fresh_start(), None)


def _note_address_and_liveness(sender, instance, raw=False, **kwargs) -> None:
    """Before a page is saved: will its address or live state change? Other pages link to it."""
    if raw or not isinstance(instance, Page):
        return
    before = Page.objects.filter(pk=instance.pk).values_list("url_path", "live").first() if instance.pk else None
    instance._portal_links_change = before != (instance.url_path, instance.live)


def _page_created(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A page of any type saved for the first time. Most new pages show only once published, which
    moves the numbers then; an alias is created live with no publish, so its creation must."""
    if created and not raw and isinstance(instance, Page):
        bump()


def _is_a_site_root(page: Page) -> bool:
    """A site's root page is kept with its site, under SHARED."""
    return Site.objects.filter(root_page_id=page.pk).exists()


def _published(sender, instance, **kwargs) -> None:
    if getattr(instance, "_portal_links_change", True) or _is_a_site_root(instance):
        bump()
    else:
        bump(scopes=(ALL,))


class PinVersionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _pinned.versions = {}
        try:
            return self.get_response(request)
        finally:
            _pinned.versions = None


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
    "wagtailsearchpromotions.SearchPromotion",
    "wagtailimages.Image",
    "wagtaildocs.Document",
]


def connect() -> None:
    pre_save.connect(_note_address_and_liveness, dispatch_uid="content_version_page_links")
    post_save.connect(_page_created, dispatch_uid="content_version_page_created")
    page_published.connect(_published, dispatch_uid="content_version_published")
    page_unpublished.connect(bump, dispatch_uid="content_version_unpublished")
    post_page_move.connect(bump, dispatch_uid="content_version_moved")
    for model in WATCHED_MODELS:
        post_save.connect(bump, sender=model, dispatch_uid=f"content_version_save_{model}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"content_version_delete_{model}")
