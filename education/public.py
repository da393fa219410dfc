"""What an anonymous reader may see, decided in one place: a page is public when it is live, in
the request's site, and neither it nor an ancestor (nor, for an alias, its source page) has a view
restriction of any kind. Routing (through PortalPage.get_view_restrictions), menus, breadcrumbs,
listings, related pages, search, the API, the feed, the sitemap, embeds, handouts, the A–Z and
Infobutton all ask here, so a draft or a private page cannot leak through a channel that forgot a
filter. The restrictions are read from a map kept per site-wide generation (caching/restrictions.py).
"""

from django.db.models import Max
from django.http import HttpRequest

from wagtail.models import Page, Site
from wagtail.query import PageQuerySet

from caching.fragments import cached
from caching.restrictions import restriction_ids, view_restrictions, without_restricted

__all__ = ["is_public", "last_published", "public_pages", "view_restrictions", "visible", "without_restricted"]


def public_pages(request: HttpRequest) -> PageQuerySet:
    """Live pages on the request's site with no view restriction on them or any ancestor."""
    site = Site.find_for_request(request)
    if site is None:
        return Page.objects.none()
    return visible(Page.objects.descendant_of(site.root_page, inclusive=True))


def visible(pages: PageQuerySet) -> PageQuerySet:
    """The public ones among `pages`, on any site (listings already within one site)."""
    return without_restricted(pages.live())


def is_public(page: Page) -> bool:
    """One page's answer to the same question, without a query once the map is kept."""
    if not page.live:
        return False
    if page.pk is None or not page.path:
        return not view_restrictions(page).exists()  # an unsaved page in preview
    return not restriction_ids(page.path)


def last_published(request: HttpRequest):
    """When the site's newest public change was published (the API's Last-Modified, the feed's
    updated date), kept per generation: each answer rebuilt after a publish asked again."""
    host = request.get_host()
    return cached(
        f"last-published:{host}", lambda: public_pages(request).aggregate(latest=Max("last_published_at"))["latest"]
    )
