"""The small Markdown subset that content files use, turned into Wagtail rich text.

Only paragraphs, bullet and numbered lists, **bold** and links: the same safe feature set the
editor's rich text allows, so a loaded page can be edited in the admin without losing anything.
"""

import html
import re
from collections.abc import Callable

LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
BOLD = re.compile(r"\*\*(.+?)\*\*")
BULLET = re.compile(r"^- +(.*)$")
NUMBERED = re.compile(r"^\d+\. +(.*)$")
HTML_TAG = re.compile(r"<[a-zA-Z/!]")


class MarkdownError(ValueError):
    """The text uses something outside the subset; the message says what."""


LinkResolver = Callable[[str], str]


def _inline(text: str, resolve_link: LinkResolver) -> str:
    parts, position = [], 0
    for match in LINK.finditer(text):
        parts.append(_bold(html.escape(text[position : match.start()], quote=False)))
        label = _bold(html.escape(match.group(1), quote=False))
        parts.append(f"{resolve_link(match.group(2))}{label}</a>")
        position = match.end()
    parts.append(_bold(html.escape(text[position:], quote=False)))
    return "".join(parts)


def _bold(escaped: str) -> str:
    return BOLD.sub(r"<b>\1</b>", escaped)


def markdown_to_richtext(text: str, resolve_link: LinkResolver) -> str:
    """Convert the subset to Wagtail's rich-text HTML; `resolve_link` turns a target into an
    opening `<a …>` tag (or raises MarkdownError)."""
    if HTML_TAG.search(text):
        raise MarkdownError("HTML is not allowed in content text; use the Markdown subset.")
    blocks: list[str] = []
    paragraph: list[str] = []
    list_kind, items = "", []

    def flush_paragraph():
        if paragraph:
            blocks.append(f"<p>{_inline(' '.join(paragraph), resolve_link)}</p>")
            paragraph.clear()

    def flush_list():
        nonlocal list_kind
        if items:
            body = "".join(f"<li>{_inline(item, resolve_link)}</li>" for item in items)
            blocks.append(f"<{list_kind}>{body}</{list_kind}>")
            items.clear()
        list_kind = ""

    for raw_line in text.strip().splitlines():
        line = raw_line.strip()
        if line.startswith("#"):
            raise MarkdownError("Headings are not allowed inside text; use a heading block.")
        bullet, numbered = BULLET.match(line), NUMBERED.match(line)
        if not line:
            flush_paragraph()
            flush_list()
        elif bullet or numbered:
            flush_paragraph()
            kind = "ul" if bullet else "ol"
            if list_kind and list_kind != kind:
                flush_list()
            list_kind = kind
            items.append((bullet or numbered).group(1))
        elif items and raw_line.startswith((" ", "\t")):
            items[-1] += " " + line
        else:
            flush_list()
            paragraph.append(line)
    flush_paragraph()
    flush_list()
    if not blocks:
        raise MarkdownError("The text is empty.")
    return "".join(blocks)
