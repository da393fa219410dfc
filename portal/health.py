"""Health checks for load balancers and orchestrators."""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from caching.wagtail_lookups import skips_lookups

logger = logging.getLogger("portal.health")


@skips_lookups
@never_cache
def liveness(request: HttpRequest) -> HttpResponse:
    """The process answers; touches neither the database nor the cache."""
    return HttpResponse("ok", content_type="text/plain")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("Readiness: database unavailable")
        return False


def _cache_ok() -> bool:
    try:
        cache.set("health:probe", "ok", 10)
        return cache.get("health:probe") == "ok"
    except Exception:  # any cache backend failure counts as "unavailable"
        logger.warning("Readiness: cache unavailable")
        return False


@skips_lookups
@never_cache
def readiness(request: HttpRequest) -> JsonResponse:
    """Ready to serve while the database answers. Without the cache (Redis down or flushed) the site
    still serves every page, only slower, so a load balancer must keep sending it readers: the
    cache's state is reported for the operator, and does not make the answer 503."""
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    body = {name: "ok" if ok else "unavailable" for name, ok in checks.items()}
    return JsonResponse(body, status=200 if checks["database"] else 503)
