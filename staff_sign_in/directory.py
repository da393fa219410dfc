"""Sign-in with a hospital directory account (LDAP / Active Directory), with django-auth-ldap.

Loaded only when LDAP_URL is set (portal/settings/base.py names this backend then): python-ldap
needs system libraries to build, so a portal without a directory never imports it
(requirements-ldap.txt).

The person's password is checked by binding as them; their groups, nested groups included, are
read with the service account and give their roles (roles.py), as OpenID groups do. Accounts are
keyed on the entry's own identifier (LDAP_ID_ATTRIBUTE: OpenLDAP's entryUUID, Active Directory's
objectGUID), which stays when the entry is moved or renamed, as its DN does not; never on a user
name a local account might share, so a directory "admin" can never become the local break-glass
"admin".
"""

import logging
import uuid

import ldap
from django_auth_ldap.backend import LDAPBackend, ldap_error
from django_auth_ldap.config import LDAPSearch, NestedMemberDNGroupType

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

from .models import StaffIdentity
from .refusals import REFUSAL_ATTRIBUTE
from .roles import apply_roles, roles_for

logger = logging.getLogger(__name__)

# The issuer recorded for directory accounts: one directory per portal.
DIRECTORY_ISSUER = "ldap"


def directory_settings() -> dict:
    """django-auth-ldap's settings, built from the portal's plain LDAP_* settings."""
    options = {
        ldap.OPT_NETWORK_TIMEOUT: settings.IDENTITY_PROVIDER_TIMEOUT_SECONDS,
        ldap.OPT_TIMEOUT: settings.IDENTITY_PROVIDER_TIMEOUT_SECONDS,
        ldap.OPT_REFERRALS: 0,  # Active Directory's referrals lead to servers the portal cannot bind to
    }
    if settings.LDAP_CA_FILE:
        options[ldap.OPT_X_TLS_CACERTFILE] = settings.LDAP_CA_FILE
        options[ldap.OPT_X_TLS_REQUIRE_CERT] = ldap.OPT_X_TLS_DEMAND
        options[ldap.OPT_X_TLS_NEWCTX] = 0  # last: makes the options above take effect
    # Every ordinary attribute, and the identifier by name: entryUUID is an operational attribute,
    # which a directory sends only when asked for it.
    attributes = ["*", settings.LDAP_ID_ATTRIBUTE]
    return {
        "SERVER_URI": settings.LDAP_URL,
        "BIND_DN": settings.LDAP_BIND_DN,
        "BIND_PASSWORD": settings.LDAP_BIND_PASSWORD,
        "START_TLS": settings.LDAP_START_TLS,
        "CONNECTION_OPTIONS": options,
        "USER_SEARCH": LDAPSearch(
            settings.LDAP_USER_SEARCH_BASE, ldap.SCOPE_SUBTREE, settings.LDAP_USER_FILTER, attrlist=attributes
        ),
        "USER_ATTRLIST": attributes,
        "GROUP_SEARCH": LDAPSearch(settings.LDAP_GROUP_SEARCH_BASE, ldap.SCOPE_SUBTREE, settings.LDAP_GROUP_FILTER),
        # Groups within groups, as Active Directory nests them: a ward's group inside "Editors".
        "GROUP_TYPE": NestedMemberDNGroupType(member_attr="member"),
        "USER_ATTR_MAP": {"first_name": "givenName", "last_name": "sn", "email": "mail"},
        "ALWAYS_UPDATE_USER": True,
        "CACHE_TIMEOUT": 0,  # roles are read afresh at every sign-in
    }


def entry_id(ldap_user) -> str | None:
    """The entry's LDAP_ID_ATTRIBUTE as text (a GUID in Active Directory's own spelling), or None if
    the directory did not send it."""
    values = (ldap_user.attrs or {}).get(settings.LDAP_ID_ATTRIBUTE)
    if not values:
        return None
    value = values[0]
    if settings.LDAP_ID_ATTRIBUTE.lower() == "objectguid":
        # Sixteen bytes, which django-auth-ldap hands over as text when they happen to be valid
        # UTF-8; Active Directory writes the first three fields little-endian.
        raw = value.encode("utf-8") if isinstance(value, str) else value
        return str(uuid.UUID(bytes_le=raw))
    return value.lower() if isinstance(value, str) else value.hex()


def _refuse(ldap_user, reason: str):
    # django-auth-ldap keeps the request on its user object; the sign-in view reads the reason there.
    if ldap_user._request is not None:
        setattr(ldap_user._request, REFUSAL_ATTRIBUTE, reason)
    raise PermissionDenied(reason)


class HospitalLDAPBackend(LDAPBackend):
    """Signs in a directory account whose groups give it at least one role."""

    @property
    def settings(self):
        if self._settings is None:
            self.default_settings = directory_settings()
        return super().settings

    def get_or_build_user(self, username, ldap_user):
        subject = entry_id(ldap_user)
        if subject is None:
            logger.error(
                "Directory sign-in refused: %s has no %s (LDAP_ID_ATTRIBUTE; Active Directory's is objectGUID)",
                ldap_user.dn,
                settings.LDAP_ID_ATTRIBUTE,
            )
            _refuse(ldap_user, "no_directory_id")
        identity = StaffIdentity.objects.select_related("user").filter(issuer=DIRECTORY_ISSUER, subject=subject).first()
        if not roles_for(settings.LDAP_ROLE_GROUPS, ldap_user.group_dns):
            if identity:
                apply_roles(identity.user, set())  # out of every mapped group: no role left either
            _refuse(ldap_user, "no_role")  # and no account made for someone who may not use it
        if identity:
            return identity.user, False
        User = get_user_model()
        name, number = username[:140], 1
        while User.objects.filter(username__iexact=name).exists():
            number += 1
            name = f"{username[:140]}-{number}"
        return User(username=name), True

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        StaffIdentity.objects.update_or_create(
            issuer=DIRECTORY_ISSUER, subject=entry_id(ldap_user), defaults={"user": user}
        )
        apply_roles(user, roles_for(settings.LDAP_ROLE_GROUPS, ldap_user.group_dns))
        if not user.is_active:
            _refuse(ldap_user, "inactive")
        return user


@receiver(ldap_error, dispatch_uid="staff_sign_in.directory.unavailable")
def note_directory_unavailable(sender, context, request=None, exception=None, **kwargs):
    """A directory that is down or slow: the sign-in page says so (a local superuser's password
    still works, as the next backend checks it)."""
    if request is not None and isinstance(exception, (ldap.SERVER_DOWN, ldap.TIMEOUT, ldap.CONNECT_ERROR)):
        setattr(request, REFUSAL_ATTRIBUTE, "directory_unavailable")
