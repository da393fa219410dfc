"""The site's extra content checks.

Wagtail's built-in accessibility checker (axe-core, in the editor's Checks panel and the user bar)
stays on with its own rules, heading order among them; `PortalContentChecker` adds axe's built-in
rules for images without alt text and for list and table structure.

Link text that says nothing out of context ("click here") has no built-in axe rule, and a custom
axe check would have to be compiled from a string, which the site's Content-Security-Policy
rightly forbids (no 'unsafe-eval'), and which would then stop every check from running. So that
rule is checked here, on the stored rich text, and shown in the same Checks panel.
"""

import re
from dataclasses import dataclass
from html import unescape

from django.utils.html import strip_tags

from wagtail.admin.userbar import ContentCheckerItem
from wagtail.models import Page

from .link_check import rich_text_in

# Built-in axe-core rules added to Wagtail's list; both the editor and the preview frame know them.
EXTRA_AXE_RULES = ["image-alt", "list", "listitem", "th-has-data-cells"]

# Link texts that tell a screen-reader user, who often lists a page's links, nothing.
VAGUE_LINK_TEXTS = {
    "click here",
    "click",
    "here",
    "read more",
    "more",
    "more info",
    "more information",
    "find out more",
    "learn more",
    "this link",
    "link",
    "this page",
    "see here",
}

_LINK = re.compile(r"<a\b[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)


class PortalContentChecker(ContentCheckerItem):
    """Wagtail's checker with the portal's rules added."""

    def get_axe_run_only(self, request):
        return [*super().get_axe_run_only(request), *EXTRA_AXE_RULES]

    def get_axe_messages(self, request):
        return {
            **super().get_axe_messages(request),
            "image-alt": {
                "error_name": "Image has no alt text",
                "help_text": "Describe the image, or mark it as decorative",
            },
            "list": {
                "error_name": "List is not built correctly",
                "help_text": "Use the list buttons in the editor",
            },
            "listitem": {
                "error_name": "List item outside a list",
                "help_text": "Use the list buttons in the editor",
            },
            "th-has-data-cells": {
                "error_name": "Table heading without data",
                "help_text": "Every column heading needs cells under it",
            },
        }


@dataclass(frozen=True)
class VagueLink:
    """A link whose text does not say where it goes, and the field it is in."""

    text: str
    location: str


def vague_links(page: Page) -> list[VagueLink]:
    """Links on `page` reading 'click here', 'read more' and the like."""
    found = []
    for location, html in rich_text_in(page):
        for inner in _LINK.findall(html):
            text = " ".join(unescape(strip_tags(inner)).split())
            if text.lower().rstrip(".!:") in VAGUE_LINK_TEXTS:
                found.append(VagueLink(text, location))
    return found
