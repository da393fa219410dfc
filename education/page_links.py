"""Rich-text page links resolved from a cache, not two queries per text block.

Wagtail's own handler loads every linked page (and its specific type) each time a rich-text
block renders. Here each link's URL is cached under the content version, so a page with many
text blocks renders its links without touching the database once warm, and the answer changes
the moment a linked page is moved, renamed or unpublished. Links to pages that are not live
render as plain text, so a patient never follows a link to a 404.
"""

from collections.abc import Iterable

from django.core.cache import cache
from django.utils.html import escape

from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler
from wagtail.rich_text.rewriters import FIND_A_TAG, extract_attrs

from education import content_version
from education.fragment_cache import hold_site_root_paths, worker_memory

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
        for page in pages:
            hold_site_root_paths(page)
        resolved = {str(page.pk): (page.url or NOT_LIVE) if page.live else NOT_LIVE for page in pages}
        for page_id in missing:
            urls[page_id] = resolved.get(page_id, NOT_LIVE)
        cache.set_many({keys[page_id]: urls[page_id] for page_id in missing}, 3600)
    return urls


def resolve_links_in(texts: Iterable[str]) -> None:
    """Look up every page that many rich texts link to in one query, before they render one by
    one (the FAQ page renders each answer on its own: one query per answer with a link)."""
    ids = []
    for text in texts:
        for tag in FIND_A_TAG.findall(text):
            attrs = extract_attrs(tag)
            if attrs.get("linktype") == "page":
                ids.append(str(attrs.get("id", "")))
    page_urls(ids)


class CachedPageLinkHandler(PageLinkHandler):
    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        ids = [str(attrs.get("id", "")) for attrs in attrs_list]
        urls = page_urls(ids)
        return [f'<a href="{escape(urls[page_id])}">' if urls.get(page_id) else "<a>" for page_id in ids]
