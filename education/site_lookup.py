"""The Site serving a request, from this worker's memory.

Wagtail looks the Site up in the database on every request, then loads its root page and the
root page's own type. All three change only when a site is saved, its root page is published or
a page's address changes, which move the SHARED content version, so each worker keeps them per
SHARED version and hands Wagtail the answer before it asks: another page's publish leaves them.
"""

from django.http import HttpRequest

from wagtail.models import Site

from education import content_version
from education.fragment_cache import hold_site_root_paths, remembered

# Liveness and readiness must not depend on the database; files need no site, and the admin
# (signed-in, never cached) looks its site up only where it needs one.
NOT_LOOKED_UP = ("/healthz", "/readyz", "/static/", "/media/", "/admin/")


def site_for(request: HttpRequest) -> Site | None:
    def find() -> Site | None:
        site = Site._find_for_request(request)  # noqa: SLF001 - Wagtail's own lookup, made once per version
        if site is not None:
            site.root_page.specific  # noqa: B018 - loaded now so it is kept with the site
        return site

    return remembered(f"site:{request.get_host()}:{request.get_port()}", find, scope=content_version.SHARED)


class CurrentSiteMiddleware:
    """Sets the attributes Wagtail's Site.find_for_request and Page.get_url(request) read first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if not request.path_info.startswith(NOT_LOOKED_UP):
            request._wagtail_site = site_for(request)
            hold_site_root_paths(request)
        return self.get_response(request)
