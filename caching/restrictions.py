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
    """{tree path: ids of the restrictions that page passes to itself and its descendants}.

    An alias is restricted wherever its source page is, by a restriction on the source or on any of
    the source's ancestors: it shows the same content. (Wagtail's own get_view_restrictions checks
    only the source page itself, so an alias of a page in a private section would be public.)
    """
    return cached("restricted-paths", _restricted_paths, scope=record.SITEWIDE_CHANGE)


def _restricted_paths() -> dict[str, list[int]]:
    paths = defaultdict(list)
    for path, restriction_id in PageViewRestriction.objects.values_list("page__path", "pk"):
        paths[path].append(restriction_id)
    if not paths:
        return {}
    for alias_path, source_path in Page.objects.filter(alias_of__isnull=False).values_list("path", "alias_of__path"):
        inherited = _ids_under(paths, source_path)
        if inherited:
            paths[alias_path] = [*paths.get(alias_path, []), *inherited]
    return dict(paths)


def _ids_under(paths: dict[str, list[int]], path: str) -> list[int]:
    steps = Page.steplen
    return [id_ for end in range(steps, len(path) + 1, steps) for id_ in paths.get(path[:end], ())]


def restriction_ids(path: str) -> list[int]:
    """The restrictions on the page at this tree path, from it and its ancestors."""
    restricted = restricted_paths()
    return _ids_under(restricted, path) if restricted else []


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
