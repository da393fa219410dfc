"""sitemap.xml: the site's public pages in every language (education/public.py), never a draft, a
private page or an alias of one (Wagtail's own sitemap uses `.public()`, which lists those
aliases). A page with a public translation names each language's version, itself included, as an
hreflang alternate, and the English one as x-default: search engines then send a Spanish reader
to the Spanish page. A translation that is a draft or private is not named."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from caching.page_cache import cache_for_readers
from education.public import public_pages_in_every_language, public_translations


class PublicPagesSitemap(Sitemap):
    def items(self):
        return public_pages_in_every_language(self.request).order_by("path").defer_streamfields().specific()

    def _alternates(self, versions: dict) -> list[dict]:
        if len(versions) < 2:
            return []
        located = {
            language: self.request.build_absolute_uri(page.get_url(self.request))
            for language, page in sorted(versions.items())
        }
        alternates = [{"lang_code": language, "location": url} for language, url in located.items()]
        if settings.LANGUAGE_CODE in located:
            alternates.append({"lang_code": "x-default", "location": located[settings.LANGUAGE_CODE]})
        return alternates

    def _urls(self, page, protocol, domain):
        # Wagtail's, with each page's public translations found in one query per sitemap page.
        pages = list(self.paginator.page(page).object_list)
        versions = public_translations(self.request, pages)
        urls, last_mods = [], set()
        for item in pages:
            alternates = self._alternates(versions.get(str(item.translation_key), {}))
            for url_info in item.get_sitemap_urls(self.request):
                urls.append({**url_info, "alternates": alternates})
                last_mods.add(url_info.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls


@cache_for_readers(reads=("p",))  # Django's sitemap view pages by ?p=
@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    return wagtail_sitemap(request, sitemaps={"pages": PublicPagesSitemap})
