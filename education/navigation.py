"""What menus, breadcrumbs and listings show of other pages: only public pages (education/public.py),
each as a small link kept under the any-change generation, so a page renders in the same few
queries however large the site grows, and never shows a page that was unpublished or restricted."""

from django.db.models import Q
from django.http import HttpRequest

from wagtail.models import Page

from caching.fragments import cached
from caching.wagtail_lookups import hold_site_root_paths

from .locales import language_of
from .public import visible


def page_link(page: Page) -> dict:
    """What a menu, breadcrumb or listing shows of a page, cheap to keep."""
    # page.url reads the sites' root paths from the cache unless the page already holds them: a
    # listing rebuilt after a publish made one trip a link.
    hold_site_root_paths(page)
    return {
        "pk": page.pk,
        "slug": page.slug,
        "title": page.title,
        "url": page.url,
        "path": page.path,
        "summary": page.search_description,
        "in_menu": page.show_in_menus,
        "language": language_of(page),
    }


def _links(pages) -> list[dict]:
    return [page_link(page) for page in visible(pages).order_by("path")]


def child_links(page: Page) -> list[dict]:
    """A page's public children with their summaries: hubs, the home page, menus."""
    return cached(f"children:{page.pk}", lambda: _links(page.get_children()))


def ancestor_links(page: Page) -> list[dict]:
    """The page's public ancestors below the tree's root, home first: the breadcrumbs, shown to
    readers and in the JSON-LD. A live page may sit under one that is not: it is left out."""
    if page.depth <= 2:
        return []
    return cached(f"breadcrumbs:{page.pk}", lambda: _links(page.get_ancestors().filter(depth__gt=1)))


def related_links(page: Page, request: HttpRequest) -> list[dict]:
    """The editor's hand-picked related pages, in their order, leaving out any not public."""

    def build() -> list[dict]:
        chosen = [item["value"] for item in page.related_pages.raw_data if item.get("value")]
        shown = {linked.pk: linked for linked in visible(Page.objects.filter(pk__in=chosen))}
        return [page_link(shown[pk]) for pk in dict.fromkeys(chosen) if pk in shown]

    # A preview shows the editor's unsaved choice; the live page can use the kept list.
    return build() if getattr(request, "is_preview", False) else cached(f"related:{page.pk}", build)


def linked_page_links(page: Page, relation: str) -> list[dict]:
    """The public pages of a many-to-many on the page (a therapy's conditions, or its reverse)."""
    return cached(f"{relation}:{page.pk}", lambda: _links(getattr(page, relation).all()))


def condition_links(page: Page) -> dict[str, list[dict]]:
    """A condition page's two lists, read in one query: the narrower conditions under it (what a
    hub such as the cancer page lists) and the therapy types whose `used_for` names it. Both are
    rebuilt by the first reader after any publish, so one trip to the database serves the two.
    Only therapy pages in the condition page's own language are listed: a Spanish therapy page may
    name an English condition page that has no Spanish version yet."""

    def build() -> dict[str, list[dict]]:
        children = Q(path__startswith=page.path, depth=page.depth + 1)
        therapies = page.therapy_types.filter(locale_id=page.locale_id).values("pk")
        listed = visible(Page.objects.filter(children | Q(pk__in=therapies))).order_by("path")
        links = {"narrower_conditions": [], "therapy_types": []}
        for linked in listed:
            links["narrower_conditions" if linked.path.startswith(page.path) else "therapy_types"].append(
                page_link(linked)
            )
        return links

    return cached(f"condition-links:{page.pk}", build)
