"""What every request looks up before it renders, kept per site-wide generation and handed to
Wagtail through the per-request attributes Wagtail reads before it asks the database.

Without this, each request looks up its Site, the site's root page, every site's root path, each
site setting and (one query per level) the page at its address. All of these change only with a
site, a setting, or a page's address or liveness, which move the site-wide generation, so another
page's publish leaves them. Each hand-over relies on a Wagtail internal named here;
tests/caching/test_wagtail_lookups.py fails if an upgrade stops reading one.
"""

import copy
from functools import cache

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils import translation

from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Page, Site, get_page_models
from wagtail.url_routing import RouteResult

from . import record
from .fragments import cached_in_worker
from .page_cache import PAGE_VIEWS
from .watched import watched_labels

# Wagtail's own per-request (and per-page) memos.
SITE_ATTRIBUTE = "_wagtail_site"  # Site.find_for_request
ROOT_PATHS_ATTRIBUTE = "_wagtail_cached_site_root_paths"  # Page._get_site_root_paths
ROUTE_ATTRIBUTE = "_wagtail_route_for_request"  # Page.route_for_request


def site_for(request: HttpRequest) -> Site | None:
    def find() -> Site | None:
        site = Site.find_for_request(request)
        if site is not None:
            site.root_page.specific  # noqa: B018 - loaded now, so it is kept with the site
        return site

    return cached_in_worker(f"site:{request.get_host()}:{request.get_port()}", find, scope=record.SITEWIDE_CHANGE)


def site_root_paths() -> list:
    def build() -> list:
        # Wagtail keeps its own copy in the cache, cleared only by signals in the process that
        # changed a site: with each process's own memory, another process's copy would stay old.
        Site.clear_site_root_paths_cache()
        return Site.get_site_root_paths()

    return cached_in_worker("site-root-paths", build, scope=record.SITEWIDE_CHANGE)


def hold_site_root_paths(cache_object) -> None:
    """Give a page or request the sites' root paths: page.url and page.full_url read them from it."""
    setattr(cache_object, ROOT_PATHS_ATTRIBUTE, site_root_paths())


@cache
def watched_settings() -> list:
    """The site settings the record watches: only those may be kept (another process's change to
    any other would go unseen)."""
    watched = set(watched_labels())
    return [model for model in settings_registry if model._meta.label in watched]


def hold_settings(request: HttpRequest, site: Site | None) -> None:
    for model in watched_settings():
        label = model._meta.label
        if issubclass(model, BaseSiteSetting):
            if site is None:
                continue
            kept = cached_in_worker(
                f"settings:{label}:{site.pk}", lambda m=model: m.for_site(site), scope=record.SITEWIDE_CHANGE
            )
        else:
            kept = cached_in_worker(f"settings:{label}", model.load, scope=record.SITEWIDE_CHANGE)
        # Each request gets its own copy: Wagtail gives it the request and caches page URLs on it.
        instance = copy.copy(kept)
        instance._page_url_cache = {}
        if issubclass(model, BaseSiteSetting):
            instance._request = request
        setattr(request, model.get_cache_attr_name(), instance)


@cache
def _routes_like_wagtail() -> bool:
    """No page type routes a path its own way (RoutablePageMixin, a custom route()): then the page
    at an address is simply the live page with that URL path, or none."""
    return all(model.route is Page.route for model in get_page_models())


def hold_route(request: HttpRequest, path: str) -> None:
    """Find the page at `path` in one query (Wagtail's own routing takes one or two a level)."""
    if hasattr(request, ROUTE_ATTRIBUTE) or not _routes_like_wagtail():
        return
    site = Site.find_for_request(request)
    if site is None:
        return
    root = _home_in_active_language(site)
    components = [component for component in path.split("/") if component]
    if not components:
        # The home page is kept with its site (its publish moves the site-wide generation too).
        route = RouteResult(root) if root.live else None
    else:
        route = _route_below(root.url_path + "".join(f"{component}/" for component in components))
    setattr(request, ROUTE_ATTRIBUTE, route)


def _home_in_active_language(site: Site) -> Page:
    """The site's home in the language being read (its translation), as Wagtail's routing finds it
    (`root_page.localized`), without the locale query that costs on every request."""
    language = translation.get_language()
    return cached_in_worker(
        f"home:{site.pk}:{site.root_page_id}:{language}",
        lambda: site.root_page.localized.specific,
        scope=record.SITEWIDE_CHANGE,
    )


def _route_below(url_path: str) -> RouteResult | None:
    found = cached_in_worker(
        f"route:{url_path}",
        lambda: Page.objects.filter(url_path=url_path).values_list("content_type_id", "pk").first(),
        scope=record.SITEWIDE_CHANGE,
    )
    if not found:
        return None
    content_type_id, pk = found
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    page = model.objects.filter(pk=pk).first() if model else None
    return RouteResult(page) if page is not None and page.live else None


def page_for_path(request: HttpRequest, path: str) -> Page | None:
    """Page.find_for_request, for views that show a page by a path of their own (embeds, handouts)."""
    hold_route(request, path)
    return Page.find_for_request(request, path)


def skips_lookups(view):
    """For views that must not touch the database (liveness), or need no site."""
    view.skips_lookups = True
    return view


@cache
def _admin_path(script_prefix: str) -> str:
    return reverse("wagtailadmin_home").removeprefix(script_prefix.rstrip("/"))


def _in_admin(request: HttpRequest) -> bool:
    """The admin (signed in, never kept) looks its site up only where it needs one."""
    return request.path_info.startswith(_admin_path(get_script_prefix()))


class RequestLookupsMiddleware:
    """Hands Wagtail the kept site, root paths, settings and (for its page view) the route, once the
    view is known. Sits after CommonMiddleware, which refuses hosts that are not allowed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, view_args, view_kwargs):
        if getattr(view, "skips_lookups", False) or not settings.CACHING_ENABLED or _in_admin(request):
            return None
        site = site_for(request)
        setattr(request, SITE_ATTRIBUTE, site)
        hold_site_root_paths(request)
        hold_settings(request, site)
        if view in PAGE_VIEWS:
            hold_route(request, view_args[0] if view_args else view_kwargs.get("path", ""))
        return None
