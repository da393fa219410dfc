"""Who may frame this site: embed pages the allowlisted origins, everything else only itself.

Only CSP frame-ancestors can name a list of origins (X-Frame-Options cannot). The site-wide
policy (settings CONTENT_SECURITY_POLICY) says frame-ancestors 'self'; an embed response adds
the allowlisted origins to it, through django-csp's per-response update.
"""

from django.http import HttpRequest, HttpResponse

from education import content_version
from education.fragment_cache import cached

from .models import EmbedSettings


def allowed_origins(request: HttpRequest) -> list[str]:
    # Kept per SHARED content version (saving the settings moves it); a copy, as django-csp may extend it.
    return list(
        cached(
            "embed-origins",
            lambda: EmbedSettings.load(request_or_site=request).origins(),
            scope=content_version.SHARED,
        )
    )


def mark_embeddable(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    origins = allowed_origins(request)
    if origins:
        response._csp_update = {"frame-ancestors": origins}
    return response
