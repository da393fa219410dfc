"""Who may frame this site: embed pages the allowlisted origins, everything else only itself.

Only CSP frame-ancestors can name a list of origins (X-Frame-Options cannot), so every response
gets a frame-ancestors directive; the admin and login pages always get 'self'.
"""

from django.http import HttpRequest, HttpResponse

from .models import EmbedSettings


def allowed_origins(request: HttpRequest) -> list[str]:
    return EmbedSettings.load(request_or_site=request).origins()


def mark_embeddable(response: HttpResponse) -> HttpResponse:
    response.portal_embeddable = True
    return response


class FrameAncestorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        sources = ["'self'"]
        if getattr(response, "portal_embeddable", False):
            sources += allowed_origins(request)
        directive = "frame-ancestors " + " ".join(sources)
        existing = response.get("Content-Security-Policy")
        response["Content-Security-Policy"] = f"{existing}; {directive}" if existing else directive
        return response
