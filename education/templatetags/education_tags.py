"""Site-wide navigation (in a fixed number of queries however large the site grows) and glossary marking."""

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from wagtail.models import Page, Site

from education.glossary_marking import current_matcher, mark_terms
from education.models import PortalSettings
from education.structured_data import as_script, page_structured_data

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


class GlossaryMarkedNode(template.Node):
    def __init__(self, nodelist, variable_name: str):
        self.nodelist, self.variable_name = nodelist, variable_name

    def render(self, context) -> str:
        html, used = mark_terms(self.nodelist.render(context), current_matcher())
        context[self.variable_name] = used
        return mark_safe(html)  # noqa: S308 (only text between tags changes, wrapped in a fixed link)


@register.tag
def glossary_marked(parser, token):
    """{% glossary_marked as used_terms %}…{% end_glossary_marked %}: links the first use of each
    glossary term in the enclosed HTML to its definition, and names the terms used."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Use {% glossary_marked as variable %}")
    nodelist = parser.parse(("end_glossary_marked",))
    parser.delete_first_token()
    return GlossaryMarkedNode(nodelist, bits[2])


@register.simple_tag(takes_context=True)
def structured_data(context, page: Page) -> str:
    """The page's JSON-LD script tags, escaped so no content can end the script early."""
    request = context["request"]
    organisation = PortalSettings.for_request(request).organisation_name
    return mark_safe("".join(as_script(data) for data in page_structured_data(page, request, organisation)))  # noqa: S308


@register.simple_tag(takes_context=True)
def handout_url(context, page: Page) -> str:
    root = _site_root(context)
    # The home page is a menu of other pages; there is nothing to hand out.
    if root is None or page.pk == root.pk or not page.url_path.startswith(root.url_path):
        return ""
    return reverse("handout", args=[page.url_path[len(root.url_path) :]])


@register.filter
def cut_trailing_stop(text: str) -> str:
    """'Couey MA, et al.' + '. ' would print 'et al..'."""
    return text.rstrip().rstrip(".")
