"""Site-wide navigation, found in a fixed number of queries however large the site grows."""

from django import template

from wagtail.models import Page, Site

register = template.Library()


def _site_root(context) -> Page | None:
    request = context.get("request")
    if request is None:
        return None
    if not hasattr(request, "_portal_site_root"):
        site = Site.find_for_request(request)
        request._portal_site_root = site.root_page if site else None
    return request._portal_site_root


@register.simple_tag(takes_context=True)
def home_url(context) -> str:
    root = _site_root(context)
    return root.get_url(context.get("request")) if root else "/"


@register.simple_tag(takes_context=True)
def main_navigation(context, current_page: Page | None = None) -> list[dict]:
    """The home page's children marked 'show in menus', with the current section marked."""
    root = _site_root(context)
    if root is None:
        return []
    items = []
    for page in root.get_children().live().public().in_menu().order_by("path"):
        current = ""
        if isinstance(current_page, Page) and current_page.path.startswith(page.path):
            current = "page" if current_page.pk == page.pk else "true"
        items.append({"page": page, "current": current})
    return items


@register.simple_tag(takes_context=True)
def footer_links(context) -> list[Page]:
    """Reference pages (FAQs, glossary, sources, about) linked from every page's footer."""
    root = _site_root(context)
    if root is None:
        return []
    return list(root.get_children().live().public().not_in_menu().order_by("path"))


@register.inclusion_tag("components/breadcrumbs.html")
def breadcrumbs(page: Page) -> dict:
    ancestors = page.get_ancestors().filter(depth__gt=1) if page.depth > 2 else Page.objects.none()
    return {"ancestors": list(ancestors), "current": page}
