"""What an anonymous reader may see, decided in one place: a page is public when it is live, in
the request's site, and neither it nor an ancestor (nor, for an alias, its source page) has a view
restriction of any kind. Routing (through PortalPage.get_view_restrictions), menus, breadcrumbs,
listings, related pages, search, the API, the feed, the sitemap, embeds, handouts, the A–Z and
Infobutton all ask here, so a draft or a private page cannot leak through a channel that forgot a
filter. The restrictions are read from a map kept per site-wide generation (caching/restrictions.py).
"""

from django.db.models import Max, Q
from django.http import HttpRequest

from wagtail.models import Page, Site
from wagtail.query import PageQuerySet

from caching import record
from caching.fragments import cached, cached_in_worker
from caching.restrictions import restriction_ids, view_restrictions, without_restricted

__all__ = ["is_public", "last_published", "public_pages", "view_restrictions", "visible", "without_restricted"]


def home_paths(site: Site) -> dict[str, str]:
    """The tree path of the site's home page in each language it has, by language code: the site
    names the English home, and each translation of it is the root of that language's tree."""
    home = site.root_page
    return cached_in_worker(
        f"home-paths:{site.pk}:{home.pk}",
        lambda: dict(
            Page.objects.filter(translation_key=home.translation_key, depth=home.depth).values_list(
                "locale__language_code", "path"
            )
        ),
        scope=record.SITEWIDE_CHANGE,
    )


def public_pages(request: HttpRequest, language: str | None = None) -> PageQuerySet:
    """Live pages on the request's site with no view restriction on them or any ancestor, in every
    language or in the one named."""
    site = Site.find_for_request(request)
    if site is None:
        return Page.objects.none()
    paths = [path for code, path in home_paths(site).items() if language in (None, code)]
    if not paths:
        return Page.objects.none()
    in_trees = Q()
    for path in paths:
        in_trees |= Q(path__startswith=path)
    return visible(Page.objects.filter(in_trees))


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
