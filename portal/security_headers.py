"""Headers every response carries, static files included, beyond Django's SecurityMiddleware.

The public Content-Security-Policy comes from django-csp (settings CONTENT_SECURITY_POLICY).
The admin is excluded from that strict policy because Wagtail needs its own inline scripts;
it still gets frame-ancestors 'self' here, so no other site can ever frame it.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CSP_HEADER = "Content-Security-Policy"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if CSP_HEADER not in response:
            response[CSP_HEADER] = "frame-ancestors 'self'"
        return response
