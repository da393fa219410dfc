"""When the database is unreachable: a static, branded 503 with Retry-After, quickly.

The 503 is rendered from a template that needs no database. After one failure, requests are
answered with the 503 at once for a few seconds instead of each waiting on a dead connection;
then the next request tries again, so the site recovers by itself when the database returns.
"""

import logging
import sys
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error

logger = logging.getLogger("portal.faults")
DATABASE_ERRORS = (OperationalError, InterfaceError)
# Health checks must reach their own views: liveness never touches the database, and readiness
# must probe it to notice recovery.
NOT_SHORT_CIRCUITED = ("/healthz", "/readyz")
_database_down_until = 0.0


def database_unavailable(request: HttpRequest | None = None) -> HttpResponse:
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def note_database_failure(error: Exception) -> None:
    global _database_down_until
    _database_down_until = time.monotonic() + settings.DATABASE_FAIL_FAST_SECONDS
    logger.error("Database unavailable: %s", type(error).__name__)


def database_recently_failed() -> bool:
    """Within a few seconds of a failure: answer at once rather than wait on a dead connection."""
    return time.monotonic() < _database_down_until


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if database_recently_failed() and not request.path_info.startswith(NOT_SHORT_CIRCUITED):
            return database_unavailable(request)
        return self.get_response(request)


def server_error_or_unavailable(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: a database outage anywhere in the request becomes the 503; the rest, the 500."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        note_database_failure(error)
        return database_unavailable(request)
    return server_error(request, template_name)
