"""The read-only JSON API (Wagtail API v2): live, public pages, FAQs and glossary terms.

Listings answer in one language, ?locale=es or English by default (Wagtail's own ?locale= filter,
given only the public pages of that language's tree); a page's detail answers in any language.
Every item shows its language (meta.locale). A language the portal does not have is a 400.

Responses carry Last-Modified (and an ETag from ConditionalGetMiddleware), so intranets can poll
cheaply, and CORS headers only for allowlisted origins, never with credentials.
"""

from rest_framework import serializers
from rest_framework.throttling import BaseThrottle

from django.conf import settings
from django.http import Http404
from django.utils.http import http_date

from wagtail.api.v2.filters import SearchFilter, TranslationOfFilter
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.serializers import BaseSerializer
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.models import Locale

from caching.page_cache import EVERY_PARAMETER
from education.models import FAQ, GlossaryTerm
from education.public import CONTENT_LANGUAGES, last_published, public_pages, public_pages_in_every_language
from portal.rate_limit import seconds_to_wait
from search.backend import search_backend_for
from search.query import clean

from .api_schema import api_fields
from .framing import allowed_origins


class ClientRateThrottle(BaseThrottle):
    """The site's shared per-client limit (portal/rate_limit.py), as DRF's 429 with Retry-After."""

    def allow_request(self, request, view) -> bool:
        self.retry_after = seconds_to_wait("api", request._request)
        return self.retry_after is None

    def wait(self):
        return self.retry_after


# Far beyond the site's few thousand pages, and well inside what a database takes as an OFFSET:
# 10**20 overflowed SQLite's 64-bit integer (a 500).
MAX_OFFSET = 1_000_000


class BoundedPagination(WagtailPagination):
    """Wagtail's limit and offset, with the offset bounded: its own checks stop at 'not negative'."""

    def paginate_queryset(self, queryset, request, view=None):
        try:
            too_far = int(request.GET.get("offset", 0)) > MAX_OFFSET
        except ValueError:
            too_far = False  # not a number: Wagtail's own check names that
        if too_far:
            raise BadRequestError(f"offset cannot be higher than {MAX_OFFSET}")
        return super().paginate_queryset(queryset, request, view)


def requested_language(request) -> str:
    """?locale=, English by default; a code the portal has no content in is the caller's mistake."""
    language = request.GET.get("locale", settings.LANGUAGE_CODE)
    if language not in CONTENT_LANGUAGES:
        raise BadRequestError(f"locale must be one of {', '.join(CONTENT_LANGUAGES)} (got {language[:20]!r})")
    return language


class CleanedSearchFilter(SearchFilter):
    """Wagtail's ?search=, given the query as site search cleans it (search/query.py): words only,
    at most a dozen. Passed on raw, 5,000 terms went to the backend and punctuation reached
    SQLite's full-text search as syntax. A search in another language than English is parsed as
    that language (Spanish stemming on PostgreSQL), as site search does."""

    def filter_queryset(self, request, queryset, view):
        if "search" in request.GET:
            query = request.GET.copy()
            query["search"] = clean(query["search"]).text
            # Wagtail's filter reads the parameter from the request; it must read the cleaned one.
            request._request.GET = query
            language = request.GET.get("locale", settings.LANGUAGE_CODE)
            if language != settings.LANGUAGE_CODE and query["search"] and "order" not in request.GET:
                operator = request.GET.get("search_operator") or None
                if operator not in (None, "and", "or"):
                    raise BadRequestError("search_operator must be 'and' or 'or'")
                return search_backend_for(language).search(query["search"], queryset, operator=operator)
        return super().filter_queryset(request, queryset, view)


class AnyLanguageTranslationOfFilter(TranslationOfFilter):
    """?translation_of=<id>&locale=es: the page named is looked for in every language (it is
    usually the English one), the answers in the listing's language."""

    def filter_queryset(self, request, queryset, view):
        view.base_in_every_language = True
        try:
            return super().filter_queryset(request, queryset, view)
        finally:
            view.base_in_every_language = False


LISTING_FILTERS = {SearchFilter: CleanedSearchFilter, TranslationOfFilter: AnyLanguageTranslationOfFilter}


class LocaleSerializer(BaseSerializer):
    """Questions and glossary terms show their language, as pages do."""

    locale = serializers.CharField(source="locale.language_code", read_only=True)


class ReadOnlyAPIMixin:
    throttle_classes = [ClientRateThrottle]
    pagination_class = BoundedPagination

    @classmethod
    def get_body_fields(cls, model):
        return cls._convert_api_fields(cls.body_fields + api_fields(model))

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

    def find_object(self, queryset, request):
        # Wagtail hands ?id= to the database as it came, and "abc" fails there as a 500.
        if "id" in request.GET:
            try:
                int(request.GET["id"])
            except ValueError as error:
                raise BadRequestError("id must be a whole number") from error
        return super().find_object(queryset, request)

    def handle_exception(self, exc):
        # Wagtail's find view says only "not found", and DRF's 404 for an unknown ?format= says
        # nothing at all: say what was not found.
        if isinstance(exc, Http404) and str(exc) in ("", "not found"):
            if "format" in self.request.GET:
                exc = Http404("format: this API answers in JSON only; leave out ?format= or use ?format=json.")
            else:
                exc = Http404(f"No {self.name} item matches this request: check the id or html_path.")
        return super().handle_exception(exc)


class PublicPagesAPIViewSet(ReadOnlyAPIMixin, PagesAPIViewSet):
    filter_backends = [LISTING_FILTERS.get(backend, backend) for backend in PagesAPIViewSet.filter_backends]
    base_in_every_language = False

    def get_base_queryset(self):
        if self.action == "listing_view" and not self.base_in_every_language:
            return public_pages(self.request, requested_language(self.request))
        # A page's own address (its id, or ?html_path= through the find view) in any language.
        return public_pages_in_every_language(self.request)

    def last_modified(self, request):
        language = request.GET.get("locale", settings.LANGUAGE_CODE)
        in_one_language = self.action == "listing_view" and language in CONTENT_LANGUAGES
        return last_published(request, language if in_one_language else None)


class TranslatableSnippetAPIMixin:
    """?locale= for snippets kept per language (English by default)."""

    base_serializer_class = LocaleSerializer
    meta_fields = [*BaseAPIViewSet.meta_fields, "locale"]
    known_query_parameters = BaseAPIViewSet.known_query_parameters.union(["locale"])

    def in_requested_language(self, queryset):
        if self.action != "listing_view":
            return queryset  # an item's own address, in any language
        return queryset.filter(locale__in=Locale.objects.filter(language_code=requested_language(self.request)))


class FAQAPIViewSet(TranslatableSnippetAPIMixin, ReadOnlyAPIMixin, BaseAPIViewSet):
    model = FAQ
    name = "faqs"
    body_fields = [*BaseAPIViewSet.body_fields, "question", "answer", "topic"]
    listing_default_fields = [*BaseAPIViewSet.listing_default_fields, "locale", "question", "answer", "topic"]

    def get_queryset(self):
        faqs = FAQ.objects.live().select_related("topic", "locale")
        return self.in_requested_language(faqs).order_by("topic__sort_order", "sort_order", "id")


class GlossaryAPIViewSet(TranslatableSnippetAPIMixin, ReadOnlyAPIMixin, BaseAPIViewSet):
    model = GlossaryTerm
    name = "glossary"
    body_fields = [*BaseAPIViewSet.body_fields, "term", "slug", "definition", "other_forms"]
    listing_default_fields = [*BaseAPIViewSet.listing_default_fields, "locale", "term", "slug", "definition"]

    def get_queryset(self):
        return self.in_requested_language(GlossaryTerm.objects.live().select_related("locale")).order_by("term")


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
api_router.register_endpoint("faqs", FAQAPIViewSet)
api_router.register_endpoint("glossary", GlossaryAPIViewSet)
