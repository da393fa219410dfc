"""Sign-in through the hospital's OpenID provider, with mozilla-django-oidc doing the protocol.

On top of the library: the provider's endpoints come from its discovery document; an ID token must
name this site as its audience, the configured issuer, and be unexpired and signed with the agreed
algorithm (the library leaves audience and issuer unchecked); accounts are keyed on issuer and
subject; roles are re-read from the groups claim at every sign-in; and every failure ends on a page
that says what happened (refusals.py) rather than a redirect or a 500.
"""

import logging
from urllib.parse import urlencode

import jwt
import requests
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.urls import reverse

from .discovery import ProviderUnavailable, provider_metadata
from .models import StaffIdentity
from .refusals import REFUSAL_ATTRIBUTE, refused
from .roles import apply_roles, roles_for

logger = logging.getLogger(__name__)

BACKEND_PATH = "staff_sign_in.oidc.HospitalOIDCBackend"
# Tokens whose clocks differ from ours by less than this are not refused for it.
CLOCK_LEEWAY_SECONDS = 60


class UntrustedToken(SuspiciousOperation):
    """An ID token that is not for this site, expired, unsigned or badly signed."""


class HospitalOIDCBackend(OIDCAuthenticationBackend):
    """Signs in the person the provider vouches for, with the roles its groups give them."""

    def __init__(self, *args, **kwargs):
        # The endpoints are read from discovery when a sign-in happens (`authenticate`), not from
        # settings; this runs for every signed-in request (`get_user`), so it reads nothing remote.
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs:
            return None  # a password sign-in: nothing for the identity provider to say
        metadata = provider_metadata()
        self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = metadata.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise UntrustedToken(f"ID token unreadable: {error}") from error
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise UntrustedToken(f"ID token signed with {header.get('alg')!r}, not {self.OIDC_RP_SIGN_ALGO}")
        try:
            return super().verify_token(token, **kwargs)
        except (jwt.PyJWTError, KeyError) as error:
            raise UntrustedToken(f"ID token refused: {error!r}") from error

    def _verify_jws(self, payload, key):
        return jwt.decode(
            payload,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=settings.OIDC_ISSUER,
            leeway=CLOCK_LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "sub", "exp", "iat"]},
        )

    def get_userinfo(self, access_token, id_token, payload):
        if not self.OIDC_OP_USER_ENDPOINT:
            return payload
        return super().get_userinfo(access_token, id_token, payload)

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload["sub"]:
            logger.warning("Sign-in refused: the user info names another person than the ID token")
            setattr(self.request, REFUSAL_ATTRIBUTE, "untrusted_token")
            return None
        claims = {**payload, **userinfo}
        # Entra ID puts groups in the ID token only, Keycloak where its mapper says: read both.
        groups = claim_values(payload, settings.OIDC_GROUPS_CLAIM) | claim_values(userinfo, settings.OIDC_GROUPS_CLAIM)
        roles = roles_for(settings.OIDC_ROLE_GROUPS, groups)
        with transaction.atomic():
            identity = (
                StaffIdentity.objects.select_related("user")
                .filter(issuer=settings.OIDC_ISSUER, subject=payload["sub"])
                .first()
            )
            if identity is None and not roles:
                setattr(self.request, REFUSAL_ATTRIBUTE, "no_role")
                return None  # no account for someone who may not use it
            user = identity.user if identity else new_account(claims)
            if identity is None:
                StaffIdentity.objects.create(user=user, issuer=settings.OIDC_ISSUER, subject=payload["sub"])
            else:
                identity.save(update_fields=["last_signed_in_at"])
            update_details(user, claims)
            apply_roles(user, roles)
        if not roles:
            logger.info("Sign-in refused: account %s is in none of the mapped groups", user.pk)
            setattr(self.request, REFUSAL_ATTRIBUTE, "no_role")
            return None
        if not user.is_active:
            setattr(self.request, REFUSAL_ATTRIBUTE, "inactive")
            return None
        return user


def claim_values(claims: dict, name: str) -> set[str]:
    value = claims.get(name) or []
    return {value} if isinstance(value, str) else {str(item) for item in value}


def new_account(claims: dict):
    """A portal account for a person signing in for the first time. It has no password: it is
    reached only through the provider. Its user name is only what the admin shows."""
    User = get_user_model()
    base = (claims.get("preferred_username") or claims.get("email") or claims["sub"])[:140]
    username, number = base, 1
    while User.objects.filter(username=username).exists():
        number += 1
        username = f"{base}-{number}"
    user = User(username=username)
    user.set_unusable_password()
    user.save()
    return user


def update_details(user, claims: dict) -> None:
    user.email = (claims.get("email") or user.email)[:254]
    user.first_name = (claims.get("given_name") or claims.get("name") or user.first_name)[:150]
    user.last_name = (claims.get("family_name") or "")[:150] if claims.get("given_name") else user.last_name
    user.save(update_fields=["email", "first_name", "last_name"])


class SignInView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's sign-in page."""

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_metadata()["authorization_endpoint"]
        except ProviderUnavailable as error:
            logger.warning("Identity provider unavailable: %s", error)
            return refused(request, "unavailable")
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: signs the person in, or says why not."""

    def get(self, request):
        if request.GET.get("error"):
            super().get(request)  # forgets the state and signs out whoever was signed in
            return refused(request, "cancelled")
        try:
            return super().get(request)
        except UntrustedToken as error:
            logger.warning("Sign-in refused: %s", error)
            return refused(request, "untrusted_token")
        except SuspiciousOperation as error:
            logger.warning("Sign-in refused: %s", error)
            return refused(request, "bad_state")
        except requests.HTTPError as error:
            logger.warning("The identity provider refused the sign-in: %s", error)
            return refused(request, "code_refused")
        except (ProviderUnavailable, requests.RequestException) as error:
            logger.warning("Identity provider unavailable: %s", error)
            return refused(request, "unavailable")

    def login_failure(self):
        return refused(self.request, getattr(self.request, REFUSAL_ATTRIBUTE, None) or "bad_state")


def provider_sign_out_url(request) -> str | None:
    """Where to send the browser so the provider ends its session too (OpenID Connect RP-Initiated
    Logout), for a session that began there; None where the provider offers no such endpoint."""
    if request.session.get(BACKEND_SESSION_KEY) != BACKEND_PATH:
        return None
    try:
        end_session = provider_metadata().get("end_session_endpoint")
    except ProviderUnavailable:
        return None  # the portal's own session still ends
    if not end_session:
        return None
    query = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("wagtailadmin_login")),
    }
    if request.session.get("oidc_id_token"):
        query["id_token_hint"] = request.session["oidc_id_token"]
    return f"{end_session}?{urlencode(query)}"
