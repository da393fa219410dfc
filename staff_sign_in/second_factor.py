"""A second factor for local (password) accounts, with django-otp: a TOTP authenticator app and
single-use recovery codes. Required of superusers (STAFF_MFA_FOR_SUPERUSERS), whose password alone
could otherwise publish without sign-off; asked of any local account that has one.

People signing in through the hospital's identity provider are not asked: the provider applies the
hospital's own MFA policy. Until a session has passed its second factor, every request but the
ones that complete it is sent to do so, whatever the address.
"""

from base64 import b32encode

import segno
from django_otp import devices_for_user, verify_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from django import forms
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

LOCAL_ACCOUNT_BACKEND = "django.contrib.auth.backends.ModelBackend"
RECOVERY_CODE_COUNT = 10
SHOWN_CODES_SESSION_KEY = "staff_sign_in_recovery_codes"
# The requests a session still owing its second factor may make: these pages, signing out, and
# what the admin's own pages load (its icons and translations), which would otherwise be answered
# with a redirect to a whole page.
OPEN_URL_NAMES = (
    "staff_sign_in_second_factor",
    "staff_sign_in_second_factor_setup",
    "wagtailadmin_logout",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
)


# Whether a local account had a second factor when it signed in: read once then, so that the
# admin's every request does not look for one (two queries each, for every editor).
HAS_SECOND_FACTOR_SESSION_KEY = "staff_sign_in_has_second_factor"


def note_second_factor_at_sign_in(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver (apps.py)."""
    if request is not None and hasattr(request, "session"):
        request.session[HAS_SECOND_FACTOR_SESSION_KEY] = any(devices_for_user(user))


def owes_second_factor(request) -> bool:
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    if request.session.get(BACKEND_SESSION_KEY) != LOCAL_ACCOUNT_BACKEND:
        return False  # signed in by the identity provider or the directory, under their policy
    if user.is_superuser and settings.STAFF_MFA_FOR_SUPERUSERS:
        return True
    return request.session.get(HAS_SECOND_FACTOR_SESSION_KEY, False)


class SecondFactorMiddleware:
    """Sends a session that owes its second factor to the page that takes it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.open_paths = None

    def __call__(self, request):
        if owes_second_factor(request):
            if self.open_paths is None:
                self.open_paths = {reverse(name) for name in OPEN_URL_NAMES}
            if request.path not in self.open_paths:
                return redirect(f"{reverse('staff_sign_in_second_factor')}?next={request.get_full_path()}")
        return self.get_response(request)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("wagtailadmin_home")


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput({"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).lower()


def verify(request):
    """Asks for a code from the authenticator app, or a recovery code."""
    if not owes_second_factor(request):
        return redirect(_next_url(request))
    if not any(devices_for_user(request.user)):
        return redirect(f"{reverse('staff_sign_in_second_factor_setup')}?next={_next_url(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices_for_user(request.user):
            verified = verify_token(request.user, device.persistent_id, form.cleaned_data["code"])
            if verified:
                otp_login(request, verified)
                return redirect(_next_url(request))
        form.add_error(
            "code", "That code is not right, or was used already. Check the time on your phone and try again."
        )
    status = 400 if form.errors else 200
    return TemplateResponse(
        request, "staff_sign_in/second_factor.html", {"form": form, "next": _next_url(request)}, status=status
    )


def set_up(request):
    """The first sign-in of an account that needs a second factor: pair an authenticator app, then
    see the recovery codes once. Only while the account has none: a stolen password cannot add one."""
    if request.user.is_authenticated and request.session.get(SHOWN_CODES_SESSION_KEY):
        if request.method == "POST":
            del request.session[SHOWN_CODES_SESSION_KEY]
            return redirect(_next_url(request))
        codes = request.session[SHOWN_CODES_SESSION_KEY]
        return TemplateResponse(
            request, "staff_sign_in/recovery_codes.html", {"codes": codes, "next": _next_url(request)}
        )
    if not owes_second_factor(request) or any(devices_for_user(request.user)):
        return redirect(_next_url(request))
    device, _ = TOTPDevice.objects.get_or_create(user=request.user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = _confirm(device)
            otp_login(request, device)
            request.session[SHOWN_CODES_SESSION_KEY] = codes
            return redirect(f"{reverse('staff_sign_in_second_factor_setup')}?next={_next_url(request)}")
        form.add_error("code", "That code is not right. Check the time on your phone and try the newest code.")
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_code": segno.make(device.config_url, error="m").svg_inline(scale=4, title="Code to scan"),
        "secret": _grouped(device.bin_key),
    }
    return TemplateResponse(
        request, "staff_sign_in/second_factor_setup.html", context, status=400 if form.errors else 200
    )


@transaction.atomic
def _confirm(device: TOTPDevice) -> list[str]:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery = StaticDevice.objects.create(user=device.user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes


@transaction.atomic
def remove_second_factor(user) -> list[str]:
    """Deletes every authenticator and recovery code the account has (a lost phone), so that a
    superuser sets up a new one at their next sign-in; says what was removed, in words."""
    removed = []
    for device in devices_for_user(user, confirmed=None):
        if isinstance(device, StaticDevice):
            removed.append(f"{device.token_set.count()} unused recovery codes")
        elif device.confirmed:
            removed.append("the authenticator app")
        else:
            removed.append("an authenticator app whose set-up was not finished")
        device.delete()
    return removed


def _grouped(key: bytes) -> str:
    """The secret in base 32, in groups of four, for typing into an app that cannot scan."""
    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
