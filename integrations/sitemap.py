"""sitemap.xml: the site's public pages (education/public.py), never a draft, a private page or an
alias of one (Wagtail's own sitemap uses `.public()`, which lists those aliases)."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from caching.page_cache import cache_for_readers
from education.public import public_pages


class PublicPagesSitemap(Sitemap):
    def items(self):
        return public_pages(self.request).order_by("path").defer_streamfields().specific()


@cache_for_readers(reads=("p",))  # Django's sitemap view pages by ?p=
@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    return wagtail_sitemap(request, sitemaps={"pages": PublicPagesSitemap})
