"""A request id on every log line and response, so one patient's error can be traced."""

import contextvars
import logging
import os
import re

from django.http import HttpRequest, HttpResponse

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
# A proxy's id is reused only if it looks like one; anything else could forge log lines.
ACCEPTABLE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id_for(meta: dict) -> str:
    """The proxy's id if it sent an acceptable one, else a new one. (META, not request.headers:
    that builds a mapping of every header, on every request.)"""
    incoming = meta.get("HTTP_X_REQUEST_ID", "")
    return incoming if incoming and ACCEPTABLE_ID.fullmatch(incoming) else os.urandom(16).hex()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.request_id = request_id_for(request.META)
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # Django writes its line about a 4xx or 5xx answer after the middleware has returned, but
        # it hands the request to the line: the id is read from there.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or current_request_id.get()
        return True
