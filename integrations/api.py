"""The read-only JSON API (Wagtail API v2): live, public pages, FAQs and glossary terms.

Responses carry Last-Modified (and an ETag from ConditionalGetMiddleware), so intranets can poll
cheaply, and CORS headers only for allowlisted origins, never with credentials.
"""

from rest_framework.throttling import BaseThrottle

from django.utils.http import http_date

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet

from caching.page_cache import EVERY_PARAMETER
from education.models import FAQ, GlossaryTerm
from education.public import last_published, public_pages
from portal.rate_limit import seconds_to_wait

from .framing import allowed_origins


class ClientRateThrottle(BaseThrottle):
    """The site's shared per-client limit (portal/rate_limit.py), as DRF's 429 with Retry-After."""

    def allow_request(self, request, view) -> bool:
        self.retry_after = seconds_to_wait("api", request._request)
        return self.retry_after is None

    def wait(self):
        return self.retry_after


class ReadOnlyAPIMixin:
    throttle_classes = [ClientRateThrottle]
    # Public, and the same for every reader (CORS varies by Origin, which the page cache keys on).
    # Every query parameter counts: Wagtail's API answers one it does not know with a 400.
    cache_for_readers = True
    cache_reads_query = EVERY_PARAMETER

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        origin = request.headers.get("Origin")
        if origin and origin in allowed_origins(request):
            response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin" if "Vary" not in response else f"{response['Vary']}, Origin"
        last_modified = self.last_modified(request)
        if response.status_code == 200 and last_modified:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        return response

    def last_modified(self, request):
        return last_published(request)


class PublicPagesAPIViewSet(ReadOnlyAPIMixin, PagesAPIViewSet):
    def get_base_queryset(self):
        return public_pages(self.request)


class FAQAPIViewSet(ReadOnlyAPIMixin, BaseAPIViewSet):
    model = FAQ
    name = "faqs"
    body_fields = [*BaseAPIViewSet.body_fields, "question", "answer", "topic"]
    listing_default_fields = [*BaseAPIViewSet.listing_default_fields, "question", "answer", "topic"]

    def get_queryset(self):
        return FAQ.objects.live().select_related("topic").order_by("topic__sort_order", "sort_order", "id")


class GlossaryAPIViewSet(ReadOnlyAPIMixin, BaseAPIViewSet):
    model = GlossaryTerm
    name = "glossary"
    body_fields = [*BaseAPIViewSet.body_fields, "term", "slug", "definition", "other_forms"]
    listing_default_fields = [*BaseAPIViewSet.listing_default_fields, "term", "slug", "definition"]

    def get_queryset(self):
        return GlossaryTerm.objects.live().order_by("term")


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
api_router.register_endpoint("faqs", FAQAPIViewSet)
api_router.register_endpoint("glossary", GlossaryAPIViewSet)
