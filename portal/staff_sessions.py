"""Staff sessions end after a working day, and after an idle hour, on a shared ward computer as
anywhere: STAFF_SESSION_MAX_SECONDS from sign-in, STAFF_SESSION_IDLE_SECONDS from the last request.

An open editor is not idle: Wagtail's editor pings the server every few seconds (editing sessions)
and autosaves, so a long edit keeps its session. When a session ends the request goes on as a
signed-out one, and the admin sends it to the sign-in page as it does any other.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

SIGNED_IN_AT = "staff_session_signed_in_at"
SEEN_AT = "staff_session_seen_at"
# The last request is written down at most this often: not a session write for every request.
SEEN_RESOLUTION_SECONDS = 60


@receiver(user_logged_in, dispatch_uid="portal.staff_sessions.start")
def start(sender, request: HttpRequest, user, **kwargs) -> None:
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


def session_over(session, now: int) -> bool:
    signed_in_at, seen_at = session[SIGNED_IN_AT], session.get(SEEN_AT, session[SIGNED_IN_AT])
    return (
        now - signed_in_at > settings.STAFF_SESSION_MAX_SECONDS or now - seen_at > settings.STAFF_SESSION_IDLE_SECONDS
    )


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            if SIGNED_IN_AT not in request.session:
                # Signed in before this process connected `start` (or before these limits existed):
                # the clock starts now, still bounded by the session cookie's own age.
                start(None, request, request.user)
            elif session_over(request.session, now):
                logout(request)
            elif now - request.session.get(SEEN_AT, 0) >= SEEN_RESOLUTION_SECONDS:
                request.session[SEEN_AT] = now
        return self.get_response(request)
