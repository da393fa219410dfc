"""Failed sign-ins counted per address across user names, on top of django-axes, which locks
one user name from one address. Without this, one address could try five passwords on each of any
number of user names.

The refusal happens in authentication itself (the first backend), so every way of signing in with
a password meets it, not only the admin's login form; the middleware turns it into a clear page.
The limit is the "sign_in" bucket of RATE_LIMITS: failures, not attempts, are counted.
"""

from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from portal.rate_limit import count_event, seconds_to_wait_uncounted

BUCKET = "sign_in"
REFUSED = "sign_in_refused_for"  # set on the request: seconds until this address may try again


class AddressSignInLimitBackend:
    """Refuses every password sign-in from an address that has failed too often; signs in nobody."""

    def authenticate(self, request: HttpRequest | None, **credentials):
        if request is None:
            return None  # a management command or a shell: no address to count against
        wait = seconds_to_wait_uncounted(BUCKET, request)
        if wait is not None:
            setattr(request, REFUSED, wait)
            raise PermissionDenied  # Django stops asking the other backends
        return None

    # No get_user(): a backend that has one can be recorded as the one a session signed in with.


@receiver(user_login_failed, dispatch_uid="portal.sign_in_limits.count")
def count_failure(sender, credentials, request: HttpRequest | None = None, **kwargs) -> None:
    if request is not None and not hasattr(request, REFUSED):
        count_event(BUCKET, request)


class SignInLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        wait = getattr(request, REFUSED, None)
        if wait is None:
            return response
        minutes = max(1, round(wait / 60))
        refused = render(
            request,
            "axes_locked_out.html",
            {"cooloff_time": ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}},
            status=429,
        )
        refused["Retry-After"] = str(wait)
        refused["Cache-Control"] = "no-store"
        return refused


def described_without_address(username: str, ip_address: str, user_agent: str, path_info: str, request) -> str:
    """How django-axes names a client in its log lines: logs keep no client addresses."""
    return f"{{username: {username!r}, path: {path_info!r}}}"
