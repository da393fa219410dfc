"""What is public, decided in one place: search, the API, feeds, embeds, Infobutton and the
sitemap all read pages through this helper, so a draft or private page cannot leak through one
channel that forgot a filter."""

from django.http import HttpRequest

from wagtail.models import Page, PageViewRestriction, Site
from wagtail.query import PageQuerySet


def public_pages(request: HttpRequest) -> PageQuerySet:
    """Live pages on the request's site with no view restriction on them or any ancestor."""
    site = Site.find_for_request(request)
    if site is None:
        return Page.objects.none()
    return Page.objects.live().public().descendant_of(site.root_page, inclusive=True)


def is_public(page: Page) -> bool:
    """One page's answer to the same question, without another queryset."""
    if not page.live:
        return False
    restricted = PageViewRestriction.objects.filter(page__in=page.get_ancestors(inclusive=True))
    return not restricted.exists()
