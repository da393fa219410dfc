"""Wagtail's view restrictions, read from a map of restricted paths kept per site-wide generation.

Wagtail reads every restriction again for each `.public()` queryset and each page served (the page,
its ancestors, then the restrictions). For a public page, which is nearly every page, the answer
here takes no query. Saving a restriction, or creating, moving or deleting a page, moves the
site-wide generation, so the map is never older than the request reading it.
"""

import functools
import operator
from collections import defaultdict

from django.db.models import Q, QuerySet

from wagtail.models import Page, PageViewRestriction
from wagtail.query import PageQuerySet

from . import record
from .fragments import cached


def restricted_paths() -> dict[str, list[int]]:
    """{tree path: ids of the restrictions that page passes to itself and its descendants}. An
    alias counts as restricted where its source page is, as Wagtail's get_view_restrictions has it."""
    return cached("restricted-paths", _restricted_paths, scope=record.SITEWIDE_CHANGE)


def _restricted_paths() -> dict[str, list[int]]:
    by_page = defaultdict(list)
    for page_id, restriction_id in PageViewRestriction.objects.values_list("page_id", "pk"):
        by_page[page_id].append(restriction_id)
    if not by_page:
        return {}
    paths = {}
    pages = Page.objects.filter(Q(pk__in=by_page) | Q(alias_of_id__in=by_page))
    for path, page_id, alias_of_id in pages.values_list("path", "pk", "alias_of_id"):
        ids = by_page.get(alias_of_id if alias_of_id else page_id)
        if ids:
            paths[path] = ids
    return paths


def restriction_ids(path: str) -> list[int]:
    """The restrictions on the page at this tree path, from it and its ancestors."""
    restricted = restricted_paths()
    if not restricted:
        return []
    steps = Page.steplen
    return [id_ for end in range(steps, len(path) + 1, steps) for id_ in restricted.get(path[:end], ())]


def view_restrictions(page: Page) -> QuerySet:
    """What Page.get_view_restrictions answers, without a query for a public page."""
    if page.pk is None or not page.path:
        return Page.get_view_restrictions(page)  # an unsaved page in preview: ask the database
    ids = restriction_ids(page.path)
    return PageViewRestriction.objects.filter(pk__in=ids) if ids else PageViewRestriction.objects.none()


def without_restricted(pages: PageQuerySet) -> PageQuerySet:
    """pages.public(), from the kept map (which also leaves out aliases of restricted pages)."""
    paths = restricted_paths()
    if not paths:
        return pages
    return pages.exclude(functools.reduce(operator.or_, (Q(path__startswith=path) for path in paths)))
