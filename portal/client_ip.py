"""The client's address, trusting X-Forwarded-For only as far as our own proxies.

With TRUSTED_PROXY_COUNT = N, the N proxies in front of the app each appended the address they
saw; the Nth entry from the right is the client as seen by our outermost proxy. Anything further
left was written by the client and could be forged.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote
