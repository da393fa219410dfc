"""What an anonymous reader may see, decided in one place: a page is public when it is live, in
the request's site, and neither it nor an ancestor (nor, for an alias, its source page) has a view
restriction of any kind. Routing (through PortalPage.get_view_restrictions), menus, breadcrumbs,
listings, related pages, search, the API, the feed, the sitemap, embeds, handouts, the A–Z and
Infobutton all ask here, so a draft or a private page cannot leak through a channel that forgot a
filter. The restrictions are read from a map kept per site-wide generation (caching/restrictions.py).

Each language has its own tree: the site's root page (the English home) and its translations (the
Spanish home beside it). `public_pages` answers for one language, the request's unless told, and a
language whose home is not live has no public pages at all. A Spanish page is private when it or
an ancestor in the Spanish tree is restricted: Wagtail keeps restrictions per page, not per
translation, so an editor restricts each language's page.
"""

from django.conf import settings
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import translation

from wagtail.models import Page, Site
from wagtail.query import PageQuerySet

from caching.fragments import cached
from caching.restrictions import restriction_ids, view_restrictions, without_restricted

__all__ = [
    "CONTENT_LANGUAGES",
    "is_public",
    "request_language",
    "last_published",
    "public_pages",
    "public_pages_in_every_language",
    "public_translations",
    "view_restrictions",
    "visible",
    "without_restricted",
]

CONTENT_LANGUAGES = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]


def request_language(request: HttpRequest) -> str:
    """The language the request is read in (portal/languages.py sets it from the address)."""
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language() or settings.LANGUAGE_CODE
    language = language.split("-")[0].lower()
    return language if language in CONTENT_LANGUAGES else settings.LANGUAGE_CODE


def _home_paths(request: HttpRequest) -> dict[str, str]:
    """The tree path of the site's home page in each language: the site's root page, and those of
    its translations that are live (as Wagtail serves them: a draft Spanish home leaves /es/ to the
    English tree, which is no Spanish page). Kept per generation: a publish or an unpublish of a
    home changes it."""
    site = Site.find_for_request(request)
    if site is None:
        return {}

    def find() -> dict[str, str]:
        homes = Page.objects.filter(translation_key=site.root_page.translation_key, depth=site.root_page.depth)
        homes = homes.filter(Q(pk=site.root_page_id) | Q(live=True))
        return dict(homes.values_list("locale__language_code", "path"))

    return cached(f"home-paths:{site.pk}", find)


def public_pages(request: HttpRequest, language: str | None = None) -> PageQuerySet:
    """Live pages on the request's site, in `language` (the request's by default), with no view
    restriction on them or any ancestor."""
    path = _home_paths(request).get(language or request_language(request))
    if path is None:
        return Page.objects.none()
    return visible(Page.objects.filter(path__startswith=path))


def public_pages_in_every_language(request: HttpRequest) -> PageQuerySet:
    """The same, in all the site's languages at once (the sitemap)."""
    paths = list(_home_paths(request).values())
    if not paths:
        return Page.objects.none()
    in_a_tree = Q()
    for path in paths:
        in_a_tree |= Q(path__startswith=path)
    return visible(Page.objects.filter(in_a_tree))


def public_translations(request: HttpRequest, pages) -> dict[str, dict[str, Page]]:
    """For each of `pages`, its public versions by language (itself included), keyed by
    translation key: one query for any number of pages."""
    keys = {page.translation_key for page in pages}
    found: dict[str, dict[str, Page]] = {}
    for page in public_pages_in_every_language(request).filter(translation_key__in=keys).select_related("locale"):
        found.setdefault(str(page.translation_key), {})[page.locale.language_code] = page
    return found


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


def last_published(request: HttpRequest, language: str | None = None):
    """When the site's newest public change in a language was published (the API's Last-Modified,
    the feed's updated date), kept per generation: each answer rebuilt after a publish asked again."""
    host, language = request.get_host(), language or request_language(request)
    return cached(
        f"last-published:{host}:{language}",
        lambda: public_pages(request, language).aggregate(latest=Max("last_published_at"))["latest"],
    )
