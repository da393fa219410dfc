"""Refuse, with a 400 a person can read, requests that carry characters nobody types.

NUL and the other control characters, and bytes that are not UTF-8 text (lone surrogates among
them), arrive only from damaged links and from scanners. Passed on, they reach places that cannot
take them: PostgreSQL refuses a NUL in any string ("A string literal cannot contain NUL"), and
SQLite's full-text search reads control characters as syntax (an OperationalError, which
portal/faults.py must take for an outage: a 503 for every reader for a few seconds). So this
guard answers before the page lookups, the redirects lookup or a view sees the request. Each view
still bounds what it does with ordinary text (the search query is cut in search/query.py, integer
parameters are checked where they are read).

Tab, line feed and carriage return are allowed in posted form values, where a comment may
spread over lines; nowhere else. The Wagtail admin's forms are left alone: editors paste from
word processors, and the admin has its own validation.
"""

import json
import re
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext

# C0 controls, DEL and C1 controls (Unicode category Cc).
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# In posted values, the same less the three a textarea legitimately sends.
CONTROL_IN_FORM = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
ADMIN_PREFIX = "/admin/"
FORM_URLENCODED = "application/x-www-form-urlencoded"
# Machine readers get the message as plain text, the API as JSON in its own error shape
# ({"message": …}); everything else is a page a person reads.
JSON_PREFIXES = ("/api/",)
PLAIN_TEXT_PREFIXES = (
    "/infobutton/service",
    "/feeds/",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
    "/readyz",
    "/embed/host.js",
    "/static/",
    "/media/",
    "/documents/",
)


def _describe(text: str, pattern: re.Pattern = CONTROL) -> str | None:
    """What is wrong with already-decoded text, or None."""
    found = pattern.search(text)
    return gettext("a control character (%(code)s)") % {"code": f"U+{ord(found.group()):04X}"} if found else None


def _wsgi_bytes(value: str) -> bytes:
    """The raw bytes of the query string (Latin-1 by the WSGI rules): Django's request.GET has
    already replaced broken UTF-8 with U+FFFD, which would hide it. Under ASGI it is text."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def _describe_bytes(raw: bytes, pattern: re.Pattern = CONTROL) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        # Strict UTF-8 also refuses encoded surrogates (%ED%A0%80), which no real text contains.
        return gettext("bytes that are not valid UTF-8 text")
    return _describe(text, pattern)


def _describe_encoded(encoded: bytes, pattern: re.Pattern = CONTROL) -> str | None:
    """What is wrong with percent-encoded form text (a query string or a form body), or None."""
    return _describe_bytes(unquote_to_bytes(encoded.replace(b"+", b" ")), pattern)


def _form_problem(request: HttpRequest) -> str | None:
    if request.content_type == FORM_URLENCODED:
        return _describe_encoded(request.body, CONTROL_IN_FORM)
    for name, values in request.POST.lists():
        for text in [name, *values]:
            problem = _describe(text, CONTROL_IN_FORM)
            if problem:
                return problem
    return None


def find_problem(request: HttpRequest) -> str | None:
    """A sentence saying what is wrong with the request, or None if nothing is."""
    # Django has already re-escaped broken UTF-8 in the path ("%ED%A0%80" stays those nine
    # characters), and such a path simply matches no page: only control characters are left to find.
    problem = _describe(request.path_info)
    if problem:
        return gettext("The address contains %(problem)s.") % {"problem": problem}
    problem = _describe_encoded(_wsgi_bytes(request.META.get("QUERY_STRING", "")))
    if problem:
        return gettext("The address (after the ?) contains %(problem)s.") % {"problem": problem}
    if request.method == "POST" and not request.path_info.startswith(ADMIN_PREFIX):
        problem = _form_problem(request)
        if problem:
            return gettext("The form contains %(problem)s.") % {"problem": problem}
    return None


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    path = request.path_info
    if path.startswith(JSON_PREFIXES):
        body, content_type = json.dumps({"message": message}), "application/json"
    elif path.startswith(PLAIN_TEXT_PREFIXES):
        body, content_type = f"Bad request: {message}\n", "text/plain; charset=utf-8"
    else:
        body, content_type = render_to_string("400.html", {"message": message}), "text/html; charset=utf-8"
    response = HttpResponseBadRequest(body, content_type=content_type)
    # The same address always gets the same answer, but it is not worth a place in any cache.
    response["Cache-Control"] = "no-store"
    return response


class HostileInputMiddleware:
    """Answers 400 to a request whose address or form holds control characters or broken text."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = find_problem(request)
        if problem:
            return bad_request(request, problem)
        return self.get_response(request)
