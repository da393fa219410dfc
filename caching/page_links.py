"""Rich-text page links resolved from kept copies, not two queries per text block.

Wagtail's own handler loads every linked page (and its specific type) each time a rich-text block
renders. Here each link's address is kept under the any-change generation, so a page with many
text blocks renders its links without touching the database once warm, and the answer changes the
moment a linked page is moved, renamed, unpublished or restricted. Links to pages a reader may not
see (not live, or behind a view restriction) render as plain text: a patient never follows a link
to a 404 or a login form, and a private page's address is never shown.
"""

from collections.abc import Iterable

from django.conf import settings
from django.utils.html import escape

from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler
from wagtail.rich_text.rewriters import FIND_A_TAG, extract_attrs

from . import record
from .fragments import shared_cache, worker_memory
from .restrictions import restriction_ids
from .wagtail_lookups import hold_site_root_paths

NOT_LINKED = ""
LINK_SECONDS = 3600


def page_urls(page_ids: list[str]) -> dict[str, str]:
    if not settings.CACHING_ENABLED:
        return _resolve([page_id for page_id in set(page_ids) if page_id.isdigit()])
    generation = record.generation(record.ANY_CHANGE)
    keys = {page_id: f"link:{generation}:{page_id}" for page_id in set(page_ids)}
    urls = {page_id: url for page_id, key in keys.items() if (url := worker_memory.get(key)) is not None}
    shared = shared_cache()
    not_in_memory = [page_id for page_id in keys if page_id not in urls]
    if not_in_memory and shared is not None:
        found = shared.get_many([keys[page_id] for page_id in not_in_memory])
        for page_id in not_in_memory:
            if keys[page_id] in found:
                urls[page_id] = found[keys[page_id]]
                worker_memory.put(keys[page_id], urls[page_id])
    missing = [page_id for page_id in keys if page_id not in urls and page_id.isdigit()]
    if missing:
        resolved = _resolve(missing)
        urls.update(resolved)
        for page_id, url in resolved.items():
            worker_memory.put(keys[page_id], url)
        if shared is not None:
            shared.set_many({keys[page_id]: url for page_id, url in resolved.items()}, LINK_SECONDS)
    return urls


def _resolve(page_ids: list[str]) -> dict[str, str]:
    pages = Page.objects.filter(pk__in=page_ids).only("id", "url_path", "live", "path", "depth", "locale_id")
    found = {}
    for page in pages:
        hold_site_root_paths(page)
        shown = page.live and not restriction_ids(page.path)
        found[str(page.pk)] = (page.url or NOT_LINKED) if shown else NOT_LINKED
    return {page_id: found.get(page_id, NOT_LINKED) for page_id in page_ids}


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


class KeptPageLinkHandler(PageLinkHandler):
    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        ids = [str(attrs.get("id", "")) for attrs in attrs_list]
        urls = page_urls(ids)
        return [f'<a href="{escape(urls[page_id])}">' if urls.get(page_id) else "<a>" for page_id in ids]
