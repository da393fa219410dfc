"""HL7 Infobutton (URL-based, as MedlinePlus Connect implements it): health records ask for
patient information by diagnosis or medicine code, and get the matching pages.

An EHR configured for MedlinePlus Connect can point at /infobutton/service instead.
Unknown parameters are ignored, as the standard asks; a missing or malformed required one gets
a 400 that names it.

informationRecipient.languageCode.c=es (or es-ES, es-US…) asks for Spanish: each page found is
answered by its Spanish translation when that is live and public, and otherwise by the English
page, marked in its entry as English only (xml:lang="en", an hreflang on its link, a category
with scheme LANGUAGE_SCHEME, and a summary that starts by saying so in Spanish). Any other
language is answered in English, as before.
"""

import json
import re
from dataclasses import dataclass
from xml.etree import ElementTree

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from wagtail.models import Page

from education.clinical_codes import Closeness, closeness
from education.models import ConditionPage, TherapyTypePage
from education.public import last_published, public_pages, public_translations
from portal.rate_limit import rate_limited
from search.query import clean

from .framing import mark_embeddable

CODE_SYSTEMS = {
    "2.16.840.1.113883.6.90": "icd10cm",
    "2.16.840.1.113883.6.96": "snomed",
    "2.16.840.1.113883.6.88": "rxnorm",
    "2.16.840.1.113883.6.1": "loinc",
}
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,39}")
LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?")
JSONP_CALLBACK = re.compile(r"[A-Za-z_$][\w$]{0,63}(\.[A-Za-z_$][\w$]{0,63}){0,4}")
RESPONSE_TYPES = {"text/xml", "application/json", "application/javascript"}
ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGUAGE_SCHEME = "urn:ietf:bcp:47"  # an entry's category: the language its page is written in
# Said in the recipient's language: the answer is built with it active (service, application).
ONLY_IN_ENGLISH = gettext_lazy("Only available in English.")


@dataclass(frozen=True)
class Answer:
    """A page found, in the language it is given in."""

    page: Page
    language: str
    only_in_english: bool = False

    @property
    def summary(self) -> str:
        return (
            f"{ONLY_IN_ENGLISH} {self.page.search_description}"
            if self.only_in_english
            else self.page.search_description
        )


class InfobuttonError(ValueError):
    """A request problem, named for the EHR integrator who reads the 400."""


@dataclass(frozen=True)
class InfobuttonRequest:
    system: str
    system_oid: str
    code: str
    display_name: str
    language: str
    response_type: str
    callback: str

    @classmethod
    def from_query(cls, query) -> "InfobuttonRequest":
        oid = query.get("mainSearchCriteria.v.cs", "").strip()
        if not oid:
            raise InfobuttonError("mainSearchCriteria.v.cs is required (the code system OID).")
        if oid not in CODE_SYSTEMS:
            raise InfobuttonError(
                f"mainSearchCriteria.v.cs: unknown code system; use one of {', '.join(sorted(CODE_SYSTEMS))}."
            )
        code = query.get("mainSearchCriteria.v.c", "").strip()
        display_name = query.get("mainSearchCriteria.v.dn", "").strip()[:200]
        if not code and not display_name:
            raise InfobuttonError("mainSearchCriteria.v.c is required (the code), unless v.dn gives a name.")
        if code and not CODE.fullmatch(code):
            raise InfobuttonError("mainSearchCriteria.v.c is malformed: use letters, digits, dots and hyphens.")
        language = query.get("informationRecipient.languageCode.c", "en").strip() or "en"
        if not LANGUAGE.fullmatch(language):
            raise InfobuttonError("informationRecipient.languageCode.c is malformed: use a code such as en.")
        response_type = query.get("knowledgeResponseType", "text/xml").strip() or "text/xml"
        if response_type not in RESPONSE_TYPES:
            raise InfobuttonError(f"knowledgeResponseType must be one of {', '.join(sorted(RESPONSE_TYPES))}.")
        callback = query.get("callback", "").strip()
        if response_type == "application/javascript" and not JSONP_CALLBACK.fullmatch(callback):
            raise InfobuttonError("callback is required for application/javascript and must be a JavaScript name.")
        return cls(CODE_SYSTEMS[oid], oid, code, display_name, language, response_type, callback)

    @property
    def answer_language(self) -> str:
        """The portal's language for the recipient's: es, es-ES and es-US are Spanish."""
        return "es" if self.language.split("-")[0].lower() == "es" else "en"


def pages_for_code(pages: list, system: str, code: str) -> list:
    """The pages among `pages` that answer `code`, the most specific first.

    Exact code, then a parent code (the longest first: C34.1 before C34), then hubs: a page coded
    for a block of categories (C00-D49), or a condition page above a matched one in the page tree
    (the cancer page above the melanoma page), which is how a broad page answers a SNOMED CT code.
    Within a rank, the deeper page first.
    """
    ranked = {}
    for page in pages:
        found = [match for page_code in page.codes_for(system) if (match := closeness(system, page_code, code))]
        if found:
            rank, matched = min(found, key=lambda match: (match[0], -match[1]))
            ranked[page.pk] = (rank, -matched)
    by_path = {page.path: page for page in pages}
    matched_by_own_code = [page for page in pages if page.pk in ranked and ranked[page.pk][0] < Closeness.HUB]
    for page in matched_by_own_code:
        # The page's ancestors' paths are the leading steps of its own path (Wagtail's tree).
        ancestors = (by_path.get(page.path[: depth * Page.steplen]) for depth in range(1, page.depth))
        for hub in ancestors:
            if isinstance(hub, ConditionPage) and hub.pk not in ranked:
                ranked[hub.pk] = (Closeness.HUB, 0)
    answering = [page for page in pages if page.pk in ranked]
    return sorted(answering, key=lambda page: (*ranked[page.pk], -page.depth, page.path))


def find_pages(request: HttpRequest, ask: InfobuttonRequest) -> list:
    """The English pages that answer (codes are kept on the English pages, the source)."""
    if ask.code:
        coded = public_pages(request, "en").type(ConditionPage, TherapyTypePage).specific().order_by("path")
        coded = list(coded)
        matches = pages_for_code(coded, ask.system, ask.code)
        if matches:
            return matches
    # The name is searched as site search would search it (words only, a dozen at most): a NUL or
    # punctuation in it must not reach the backend as syntax.
    words = clean(ask.display_name).text
    if words:
        return list(public_pages(request, "en").filter(depth__gt=2).search(words, operator="and")[:5])
    return []


def answers(request: HttpRequest, ask: InfobuttonRequest, pages: list) -> list[Answer]:
    """The pages found, each in the recipient's language where a public translation exists."""
    language = ask.answer_language
    if language == "en":
        return [Answer(page, "en") for page in pages]
    versions = public_translations(request, pages)
    found = []
    for page in pages:
        translated = versions.get(str(page.translation_key), {}).get(language)
        found.append(Answer(translated, language) if translated else Answer(page, "en", only_in_english=True))
    return found


def _subtitle(ask: InfobuttonRequest) -> str:
    return gettext("Pages for %(code_system)s %(code)s") % {
        "code_system": ask.system_oid,
        "code": ask.code or ask.display_name,
    }


def atom_feed(request: HttpRequest, ask: InfobuttonRequest, found: list[Answer]) -> str:
    ElementTree.register_namespace("", ATOM)
    language = ask.answer_language
    pages = [answer.page for answer in found]
    feed = ElementTree.Element(
        f"{{{ATOM}}}feed",
        {XML_LANG: language, "xml:base": request.build_absolute_uri(reverse("wagtail_serve", args=("",)))},
    )
    # With nothing found, the feed is as new as the site's newest public change (not "now", which
    # would make every answer differ).
    updated = max((page.last_published_at for page in pages), default=None) or last_published(request) or timezone.now()
    for tag, text in [
        ("title", gettext("Patient information on immunotherapy")),
        ("subtitle", _subtitle(ask)),
        ("id", request.build_absolute_uri()),
        ("updated", updated.isoformat()),
    ]:
        ElementTree.SubElement(feed, f"{{{ATOM}}}{tag}").text = text
    author = ElementTree.SubElement(feed, f"{{{ATOM}}}author")
    ElementTree.SubElement(author, f"{{{ATOM}}}name").text = gettext("Immunotherapy patient information")
    ElementTree.SubElement(
        feed,
        f"{{{ATOM}}}category",
        {"scheme": "mainSearchCriteria.v.c", "term": ask.code or ask.display_name},
    )
    for answer in found:
        page = answer.page
        entry = ElementTree.SubElement(feed, f"{{{ATOM}}}entry", {XML_LANG: answer.language})
        url = request.build_absolute_uri(page.get_url(request))
        ElementTree.SubElement(entry, f"{{{ATOM}}}title").text = page.title
        link = {"href": url, "rel": "alternate", "type": "text/html", "hreflang": answer.language}
        ElementTree.SubElement(entry, f"{{{ATOM}}}link", link)
        ElementTree.SubElement(entry, f"{{{ATOM}}}id").text = url
        ElementTree.SubElement(entry, f"{{{ATOM}}}updated").text = page.last_published_at.isoformat()
        ElementTree.SubElement(entry, f"{{{ATOM}}}summary", {"type": "text"}).text = answer.summary
        if answer.only_in_english:
            ElementTree.SubElement(
                entry, f"{{{ATOM}}}category", {"scheme": LANGUAGE_SCHEME, "term": "en", "label": str(ONLY_IN_ENGLISH)}
            )
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(feed, encoding="unicode")


def json_entry(request: HttpRequest, answer: Answer) -> dict:
    page, url = answer.page, request.build_absolute_uri(answer.page.get_url(request))
    entry = {
        "xml:lang": answer.language,
        "title": {"_value": page.title},
        "link": [{"href": url, "rel": "alternate", "hreflang": answer.language}],
        "id": {"_value": url},
        "updated": {"_value": page.last_published_at.isoformat()},
        "summary": {"_value": answer.summary, "type": "text"},
    }
    if answer.only_in_english:
        entry["category"] = [{"scheme": LANGUAGE_SCHEME, "term": "en", "label": str(ONLY_IN_ENGLISH)}]
    return entry


def json_feed(request: HttpRequest, ask: InfobuttonRequest, found: list[Answer]) -> dict:
    """The same feed in MedlinePlus Connect's JSON shape (text in "_value")."""
    return {
        "feed": {
            "xml:lang": ask.answer_language,
            "title": {"_value": gettext("Patient information on immunotherapy")},
            "subtitle": {"_value": _subtitle(ask)},
            "entry": [json_entry(request, answer) for answer in found],
        }
    }


@require_safe
@rate_limited("infobutton", content_type="text/plain")
def service(request: HttpRequest) -> HttpResponse:
    try:
        ask = InfobuttonRequest.from_query(request.GET)
    except InfobuttonError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    found = answers(request, ask, find_pages(request, ask))
    with translation.override(ask.answer_language):
        if ask.response_type == "text/xml":
            response = HttpResponse(atom_feed(request, ask, found), content_type="text/xml; charset=utf-8")
        else:
            payload = json.dumps(json_feed(request, ask, found), ensure_ascii=False)
            if ask.response_type == "application/javascript":
                response = HttpResponse(f"/**/{ask.callback}({payload});", content_type="application/javascript")
            else:
                response = HttpResponse(payload, content_type="application/json")
    response["Cache-Control"] = "public, max-age=300"
    return response


@xframe_options_exempt
@require_safe
@rate_limited("infobutton")
def application(request: HttpRequest) -> HttpResponse:
    """The same lookup as a page, for EHRs that open a window or frame instead of reading a feed."""
    try:
        ask = InfobuttonRequest.from_query(request.GET)
    except InfobuttonError as error:
        return render(
            request, "integrations/infobutton_application.html", {"error": str(error), "embed": True}, status=400
        )
    found = answers(request, ask, find_pages(request, ask))
    context = {"answers": found, "ask": ask, "embed": True}
    with translation.override(ask.answer_language):
        response = render(request, "integrations/infobutton_application.html", context)
    return mark_embeddable(response, request)
