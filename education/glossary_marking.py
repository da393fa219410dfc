"""Mark the first use of each glossary term in a page's body, linking it to its definition.

Works on the rendered HTML so every block type benefits, and skips text where a link would be
wrong or confusing: inside links, headings, summaries and other definitions.
"""

import re
from dataclasses import dataclass

from django.utils.html import escape

from caching import record
from caching.fragments import cached_in_worker

SKIP_INSIDE = {
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "summary",
    "dfn",
    "abbr",
    "button",
    "label",
    "code",
    "script",
    "style",
    "mark",
    # Diagram labels are drawing text: a link inside an SVG would break the drawing.
    "svg",
}
TAG = re.compile(r"(<[^>]*>)")
TAG_NAME = re.compile(r"</?\s*([a-zA-Z0-9]+)")
VOID = {"br", "img", "hr", "input", "meta", "link", "source", "wbr"}


@dataclass(frozen=True)
class Term:
    slug: str
    term: str
    definition: str


@dataclass(frozen=True)
class Matcher:
    terms: dict[str, Term]
    # Each form as it appears in escaped HTML (abbreviations as written, others lower-cased) → slug.
    forms: dict[str, str]
    # Abbreviations (CAR, CRS, PD-1) match only in capitals, so 'car park' stays plain text.
    exact: re.Pattern | None
    loose: re.Pattern | None


def _pattern(forms: dict[str, str], flags: int) -> re.Pattern | None:
    if not forms:
        return None
    alternatives = "|".join(re.escape(escape(form)) for form in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alternatives})(?![\w-])", flags)


def _build(language: str) -> Matcher:
    from education.models import GlossaryTerm  # imported late: the models import this module's users

    terms, exact, loose = {}, {}, {}
    for row in GlossaryTerm.objects.live().filter(locale__language_code=language):
        terms[row.slug] = Term(row.slug, row.term, row.definition)
        for form in [row.term, *row.other_forms]:
            is_abbreviation = form.upper() == form and any(ch.isalpha() for ch in form)
            (exact if is_abbreviation else loose)[form if is_abbreviation else form.lower()] = row.slug
    forms = {escape(form): slug for form, slug in [*exact.items(), *loose.items()]}
    return Matcher(terms, forms, _pattern(exact, 0), _pattern(loose, re.IGNORECASE))


def current_matcher(language: str) -> Matcher:
    """The glossary of one language (a page's own): rebuilt when the site-wide generation moves (a
    glossary change is one of the things that moves it)."""
    return cached_in_worker(f"glossary-matcher:{language}", lambda: _build(language), scope=record.SITEWIDE_CHANGE)


def mark_terms(html: str, matcher: Matcher) -> tuple[str, list[Term]]:
    """Return the HTML with the first use of each term linked, and the terms in order of use."""
    used: list[Term] = []
    seen: set[str] = set()
    depth = 0
    parts = TAG.split(html)
    for index, part in enumerate(parts):
        if part.startswith("<"):
            name_match = TAG_NAME.match(part)
            name = name_match.group(1).lower() if name_match else ""
            if name in SKIP_INSIDE and name not in VOID and not part.endswith("/>"):
                depth += -1 if part.startswith("</") else 1
            continue
        if depth > 0 or not part.strip():
            continue
        parts[index] = _mark_text(part, matcher, seen, used)
    return "".join(parts), used


def _mark_text(text: str, matcher: Matcher, seen: set[str], used: list[Term]) -> str:
    hits = []
    for pattern in (matcher.exact, matcher.loose):
        if pattern is not None:
            hits.extend(pattern.finditer(text))
    hits.sort(key=lambda hit: hit.start())
    output, position = [], 0
    for hit in hits:
        if hit.start() < position:
            continue
        slug = matcher.forms.get(hit.group(1)) or matcher.forms.get(hit.group(1).lower())
        if slug is None or slug in seen:
            continue
        seen.add(slug)
        used.append(matcher.terms[slug])
        output.append(text[position : hit.start()])
        output.append(f'<a class="glossary-term" id="term-{slug}" href="#define-{slug}">{hit.group(1)}</a>')
        position = hit.end()
    output.append(text[position:])
    return "".join(output)
