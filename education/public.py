"""What is public, decided in one place: search, the API, feeds, embeds, Infobutton and the
sitemap all read pages through this helper, so a draft or private page cannot leak through one
channel that forgot a filter."""

import functools
import operator
from collections import defaultdict

from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest

from wagtail.models import Page, PageViewRestriction, Site
from wagtail.query import PageQuerySet

from education import content_version
from education.fragment_cache import cached


def public_pages(request: HttpRequest) -> PageQuerySet:
    """Live pages on the request's site with no view restriction on them or any ancestor."""
    site = Site.find_for_request(request)
    if site is None:
        return Page.objects.none()
    return without_restricted(Page.objects.live().descendant_of(site.root_page, inclusive=True))


def last_published(request: HttpRequest):
    """When the site's newest public change was published (the API's Last-Modified, the feed's
    updated date), kept per content version: each answer rebuilt after a publish asked again."""
    host = request.get_host()
    return cached(
        f"last-published:{host}", lambda: public_pages(request).aggregate(latest=Max("last_published_at"))["latest"]
    )


def without_restricted(pages: PageQuerySet) -> PageQuerySet:
    """pages.public(), but from the map of restricted paths kept per content version: Wagtail's
    reads every restriction again for each queryset, which after a publish was one query more for
    every menu, listing and API answer rebuilt. An alias of a restricted page is left out too,
    as view_restrictions() treats it."""
    paths = _kept_restricted_paths()
    if not paths:
        return pages
    return pages.exclude(functools.reduce(operator.or_, (Q(path__startswith=path) for path in paths)))


def is_public(page: Page) -> bool:
    """One page's answer to the same question, without another queryset."""
    return page.live and not view_restrictions(page).exists()


def view_restrictions(page: Page) -> QuerySet:
    """The restrictions on a page or its ancestors, as Wagtail's Page.get_view_restrictions gives
    them (an alias follows its source page's restrictions, not its own), but read from a map of
    restricted paths kept per content version: for a public page, which is nearly every page, the
    answer takes no query. Saving a restriction or a page moves the version."""
    if page.pk is None or not page.path:
        return Page.get_view_restrictions(page)  # an unsaved page in preview: ask the database
    restricted = _kept_restricted_paths()
    steps = Page.steplen
    ids = [id_ for end in range(steps, len(page.path) + 1, steps) for id_ in restricted.get(page.path[:end], ())]
    return PageViewRestriction.objects.filter(pk__in=ids) if ids else PageViewRestriction.objects.none()


def _kept_restricted_paths() -> dict[str, list[int]]:
    # Saving a restriction, or moving, creating or deleting a page, moves SHARED.
    return cached("restricted-paths", _restricted_paths, scope=content_version.SHARED)


def _restricted_paths() -> dict[str, list[int]]:
    """{tree path: ids of the restrictions that page passes to itself and its descendants}."""
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
