"""Small cached facts that every page needs (menus, breadcrumbs, listings), keyed by the content
version so they are never stale, and so a page renders in the same few queries however large
the site grows."""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache

from education import content_version

FRAGMENT_SECONDS = 24 * 3600


def cached(name: str, build: Callable[[], Any]) -> Any:
    key = f"fragment:{content_version.current()}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, FRAGMENT_SECONDS)
    return value


def page_link(page) -> dict:
    """What a menu, breadcrumb or listing shows of a page, cheap to cache."""
    return {
        "pk": page.pk,
        "title": page.title,
        "url": page.url,
        "path": page.path,
        "summary": page.search_description,
        "in_menu": page.show_in_menus,
    }
