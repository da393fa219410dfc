from django import template

from review.content_checker import vague_links
from review.readability_panel import has_readable_text, readability_report

register = template.Library()


@register.inclusion_tag("review/readability_panel.html")
def readability_panel(page):
    """The readability figures and link-text check for the page being edited, in the Checks panel."""
    if page is None or not has_readable_text(page):
        return {"report": None}
    return {"report": readability_report(page), "vague_links": vague_links(page), "page": page}
