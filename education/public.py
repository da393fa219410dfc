"""What is public, decided in one place: search, the API, feeds, embeds, Infobutton and the
sitemap all read pages through this helper, so a draft or private page cannot leak through one
channel that forgot a filter."""

from collections import defaultdict

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from wagtail.models import Page, PageViewRestriction, Site
from wagtail.query import PageQuerySet

from education.fragment_cache import cached


def public_pages(request: HttpRequest) -> PageQuerySet:
    """Live pages on the request's site with no view restriction on them or any ancestor."""
    site = Site.find_for_request(request)
    if site is None:
        return Page.objects.none()
    return Page.objects.live().public().descendant_of(site.root_page, inclusive=True)


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
    restricted = cached("restricted-paths", _restricted_paths)
    steps = Page.steplen
    ids = [id_ for end in range(steps, len(page.path) + 1, steps) for id_ in restricted.get(page.path[:end], ())]
    return PageViewRestriction.objects.filter(pk__in=ids) if ids else PageViewRestriction.objects.none()


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
