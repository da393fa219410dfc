"""Which language a request is read in, and where addresses from before Spanish arrived now go.

The language comes from the address alone (/en/…, /es/…), never from a cookie or the browser's
Accept-Language: a kept page is then the same for everyone who asks for its address, and a link a
nurse sends a patient opens in the language it was sent in. Addresses without a language (the
admin, the API, the Infobutton service) are read in English, the language translations are made from.

The front door (/) is the one place the browser's preferred language is asked: it sends a reader
to /es/ or /en/ and says that it varied by Accept-Language, so nothing keeps one reader's answer
for another. Every other address from before (a bookmark, a printed QR code, an intranet link)
moves permanently to its English address: those links were made to English pages.
"""

import re

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
# What an address from before languages began with: a page's slug, or search, a-z, handout,
# feedback, embed, feeds. Files (/static/…, /media/…, /.env) and the routes that never had a
# language are not pages that moved: they stay "not found".
MOVED = re.compile(r"[a-z0-9][a-z0-9-]*(/|$)")
NEVER_MOVED = {"static", "media", "documents", "api", "admin", "infobutton", "healthz", "readyz", *LANGUAGE_CODES}


def language_in_path(path_info: str) -> str | None:
    first = path_info.lstrip("/").split("/", 1)[0]
    return first if first in LANGUAGE_CODES else None


class PathLanguageMiddleware:
    """Activates the language the address names, or English, for the whole request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_in_path(request.path_info) or settings.LANGUAGE_CODE
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def _preferred_language(request: HttpRequest) -> str:
    # Django's own parsing of Accept-Language (quality values, en-GB → en), ignoring its cookie
    # and the path, which the front door does not have.
    accepted = translation.trans_real.parse_accept_lang_header(request.headers.get("Accept-Language", ""))
    for code, _quality in accepted:
        base = code.split("-")[0].lower()
        if base in LANGUAGE_CODES:
            return base
    return settings.LANGUAGE_CODE


@require_safe
def front_door(request: HttpRequest) -> HttpResponse:
    response = HttpResponseRedirect(f"{get_script_prefix()}{_preferred_language(request)}/")
    patch_vary_headers(response, ["Accept-Language"])
    return response


@require_safe
def moved_to_english(request: HttpRequest, path: str) -> HttpResponse:
    if not MOVED.match(path) or path.split("/", 1)[0] in NEVER_MOVED:
        raise Http404("No page here")
    query = request.META.get("QUERY_STRING", "")
    target = f"{get_script_prefix()}{settings.LANGUAGE_CODE}/{path}" + (f"?{query}" if query else "")
    return HttpResponsePermanentRedirect(target)
