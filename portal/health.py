"""Health checks for load balancers and orchestrators."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def liveness(request: HttpRequest) -> HttpResponse:
    """The process answers; touches neither the database nor the cache."""
    return HttpResponse("ok", content_type="text/plain")
