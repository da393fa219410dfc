"""Django's test client, sent through the WSGI layer that answers from kept copies.

The test client calls Django's handler directly, so on its own it never meets `KeptResponses`
(portal/wsgi.py puts it in front of Django's WSGI application)."""

from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.test import Client

from caching.page_cache import KeptResponses
from portal.faults import database_recently_failed
from portal.request_id import request_id_for

# Where the inner application leaves Django's own response for the client to return.
DJANGO_RESPONSE = "tests.django_response"


class KeptResponsesClient(Client):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.handler = _ThroughKeptResponses(self.handler)


class _ThroughKeptResponses:
    def __init__(self, django_handler):
        self.django_handler = django_handler
        self.application = KeptResponses(self._django, request_id=request_id_for, skip_while=database_recently_failed)

    def _django(self, environ, start_response):
        response = self.django_handler(environ)
        environ[DJANGO_RESPONSE] = response
        cookies = [("Set-Cookie", morsel.OutputString()) for morsel in response.cookies.values()]
        start_response(f"{response.status_code} {response.reason_phrase}", [*response.items(), *cookies])
        # The client handler has closed the response already (a second close would end the
        # test's transaction): hand over its bytes, not the response.
        return [] if response.streaming else [response.content]

    def __call__(self, environ):
        sent = {}

        def start_response(status, headers, exc_info=None):
            sent.update(status=int(status.split()[0]), headers=headers)

        body = b"".join(self.application(environ, start_response))
        django_response = environ.pop(DJANGO_RESPONSE, None)
        headers = dict(sent["headers"])
        if django_response is not None and "X-Cache" not in headers:
            return django_response  # not a kept response: as Django sent it
        # A hit, or a miss that was kept: the response as the browser gets it.
        response = HttpResponse(body, status=sent["status"])
        for name, value in sent["headers"]:
            response[name] = value
        response.wsgi_request = django_response.wsgi_request if django_response else WSGIRequest(environ)
        return response
