"""The small Markdown subset that content files use, turned into Wagtail rich text.

Only paragraphs, bullet and numbered lists, **bold** and links: the same safe feature set the
editor's rich text allows, so a loaded page can be edited in the admin without losing anything.
"""

import html
import re
from collections.abc import Callable

LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
BOLD_MARK = re.compile(r"\*\*")
# Where a bold span starts and ends, while links are resolved: characters no content text holds.
BOLD_OPEN, BOLD_CLOSE = "\x02", "\x03"
BULLET = re.compile(r"^- +(.*)$")
NUMBERED = re.compile(r"^\d+\. +(.*)$")
HTML_TAG = re.compile(r"<[a-zA-Z/!]")


class MarkdownError(ValueError):
    """The text uses something outside the subset; the message says what."""


LinkResolver = Callable[[str], str]


def _inline(text: str, resolve_link: LinkResolver) -> str:
    text = _mark_bold(text)
    parts, position = [], 0
    for match in LINK.finditer(text):
        parts.append(html.escape(text[position : match.start()], quote=False))
        label = html.escape(match.group(1), quote=False)
        parts.append(f"{resolve_link(match.group(2))}{label}</a>")
        position = match.end()
    parts.append(html.escape(text[position:], quote=False))
    return "".join(parts).replace(BOLD_OPEN, "<b>").replace(BOLD_CLOSE, "</b>")


def _mark_bold(text: str) -> str:
    """Pairs of ** become bold, also around a link ("**[Cytokines](/types/cytokines/):**"); a pair
    that would cut through a link (one mark in its words, the other outside) stays as written."""
    links = [match.span(1) for match in LINK.finditer(text)]
    whole_links = [match.span() for match in LINK.finditer(text)]

    def place(position: int) -> int | None:
        """The link whose words hold this mark, -1 inside a link's address, None outside links."""
        for index, ((start, end), (label_start, label_end)) in enumerate(zip(whole_links, links, strict=True)):
            if start <= position < end:
                return index if label_start <= position and position + 2 <= label_end else -1
        return None

    marks = [match.start() for match in BOLD_MARK.finditer(text)]
    pairs, index = [], 0
    while index + 1 < len(marks):
        opening, closing = marks[index], marks[index + 1]
        if place(opening) == place(closing) != -1 and closing > opening + 2:
            pairs.append((opening, closing))
            index += 2
        else:
            index += 1
    for opening, closing in reversed(pairs):
        text = f"{text[:opening]}{BOLD_OPEN}{text[opening + 2 : closing]}{BOLD_CLOSE}{text[closing + 2 :]}"
    return text


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
