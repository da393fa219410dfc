"""Rich-text page links resolved from a cache, not two queries per text block.

Wagtail's own handler loads every linked page (and its specific type) each time a rich-text
block renders. Here each link's URL is cached under the content version, so a page with many
text blocks renders its links without touching the database once warm, and the answer changes
the moment a linked page is moved, renamed or unpublished. Links to pages that are not live
render as plain text, so a patient never follows a link to a 404.
"""

from django.core.cache import cache
from django.utils.html import escape

from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler

from education import content_version
from education.fragment_cache import worker_memory

NOT_LIVE = ""


def page_urls(page_ids: list[str]) -> dict[str, str]:
    version = content_version.current()
    keys = {page_id: f"link:{version}:{page_id}" for page_id in set(page_ids)}
    urls = {page_id: url for page_id, key in keys.items() if (url := worker_memory.get(key)) is not None}
    not_in_memory = [page_id for page_id in keys if page_id not in urls]
    if not_in_memory:
        found = cache.get_many([keys[page_id] for page_id in not_in_memory])
        for page_id in not_in_memory:
            if keys[page_id] in found:
                urls[page_id] = found[keys[page_id]]
                worker_memory.put(keys[page_id], urls[page_id])
    missing = [page_id for page_id in keys if page_id not in urls and page_id.isdigit()]
    if missing:
        pages = Page.objects.filter(pk__in=missing).only("id", "url_path", "live", "path", "depth", "locale_id")
        resolved = {str(page.pk): (page.url or NOT_LIVE) if page.live else NOT_LIVE for page in pages}
        for page_id in missing:
            urls[page_id] = resolved.get(page_id, NOT_LIVE)
        cache.set_many({keys[page_id]: urls[page_id] for page_id in missing}, 3600)
    return urls


class CachedPageLinkHandler(PageLinkHandler):
    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        ids = [str(attrs.get("id", "")) for attrs in attrs_list]
        urls = page_urls(ids)
        return [f'<a href="{escape(urls[page_id])}">' if urls.get(page_id) else "<a>" for page_id in ids]
