"""Small cached facts that every page needs (menus, breadcrumbs, listings), keyed by the content
version so they are never stale, and so a page renders in the same few queries however large
the site grows."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

from wagtail.models import Site

from education import content_version
from portal.worker_memory import WorkerMemory

FRAGMENT_SECONDS = 24 * 3600

# Fragments and link targets this worker used lately, so a warm page asks Redis only for the version.
# Callers must treat what they get as read-only: the same object serves the next request.
worker_memory = WorkerMemory(settings.FRAGMENT_LOCAL_BYTES)


def cached(name: str, build: Callable[[], Any], scope: str = content_version.ALL) -> Any:
    key = f"fragment:{scope}:{content_version.current(scope)}:{name}"
    value = worker_memory.get(key)
    if value is None:
        value = cache.get(key)
        if value is None:
            value = build()
            cache.set(key, value, FRAGMENT_SECONDS)
        worker_memory.put(key, value)
    return value


_NONE = "portal:none"  # how an answer of None is kept, so it is not taken for a miss


def remembered(name: str, build: Callable[[], Any], scope: str = content_version.ALL) -> Any:
    """Like cached(), in this worker's memory only: for answers that hold model instances (not
    worth sharing through Redis) or are one cheap query to rebuild in another worker."""
    key = f"worker:{scope}:{content_version.current(scope)}:{name}"
    value = worker_memory.get(key)
    if value is None:
        value = build()
        worker_memory.put(key, _NONE if value is None else value)
    return None if value == _NONE else value


def page_link(page) -> dict:
    """What a menu, breadcrumb or listing shows of a page, cheap to cache."""
    # page.url reads the sites' root paths from Redis on every call unless the page already
    # holds them: a listing rebuilt after a publish made one trip a link.
    hold_site_root_paths(page)
    return {
        "pk": page.pk,
        "title": page.title,
        "url": page.url,
        "path": page.path,
        "summary": page.search_description,
        "in_menu": page.show_in_menus,
    }


def hold_site_root_paths(cache_object) -> None:
    """Give a page or request the sites' root paths from this worker's memory. Wagtail reads them
    from the cache object (its `cache_object`) before asking the shared cache, once per object.
    They change only with a site or a page's address, which move SHARED."""
    cache_object._wagtail_cached_site_root_paths = remembered(
        "site-root-paths", Site.get_site_root_paths, scope=content_version.SHARED
    )
