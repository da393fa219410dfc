"""Who may frame this site: embed pages the allowlisted origins, everything else only itself.

Only CSP frame-ancestors can name a list of origins (X-Frame-Options cannot). The site-wide
policy (settings CONTENT_SECURITY_POLICY) says frame-ancestors 'self'; an embed response adds
the allowlisted origins to it, through django-csp's per-response update.
"""

from django.http import HttpRequest, HttpResponse

from .models import EmbedSettings


def allowed_origins(request: HttpRequest) -> list[str]:
    # The settings come kept per site-wide generation (caching/wagtail_lookups.py); a new list, as
    # django-csp may extend it.
    return EmbedSettings.load(request_or_site=request).origins()


def mark_embeddable(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    origins = allowed_origins(request)
    if origins:
        response._csp_update = {"frame-ancestors": origins}
    return response
