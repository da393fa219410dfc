"""The page outline a screen reader builds from headings, for tests of heading levels."""

import re
from html.parser import HTMLParser


class SectionOutline(HTMLParser):
    """Headings nested under the first heading of their <section>, as a screen reader's outline
    shows them: records every heading that is not deeper than its section's own."""

    def __init__(self):
        super().__init__()
        self.sections: list[int | None] = []  # each open section's heading level, once seen
        self.flat: list[str] = []
        self._heading: tuple[int, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            self.sections.append(None)
        elif re.fullmatch(r"h[1-6]", tag):
            self._heading = (int(tag[1]), [])

    def handle_data(self, data):
        if self._heading:
            self._heading[1].append(data)

    def handle_endtag(self, tag):
        if tag == "section" and self.sections:
            self.sections.pop()
        elif self._heading and tag == f"h{self._heading[0]}":
            level, words = self._heading
            self._heading = None
            if not self.sections:
                return
            if self.sections[-1] is None:
                self.sections[-1] = level
            elif level <= self.sections[-1]:
                self.flat.append(f"h{level} {''.join(words).strip()!r} at its section's level h{self.sections[-1]}")


def flat_headings(html: str) -> list[str]:
    outline = SectionOutline()
    outline.feed(html)
    return outline.flat
