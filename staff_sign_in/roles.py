"""The hospital's groups decide a signed-in person's roles: the same Wagtail groups review/ creates,
re-read at every sign-in, so a move between groups at the hospital counts from the next sign-in."""

import re

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from review.roles import ROLE_GROUPS

ROLE_NAMES = tuple(ROLE_GROUPS.values())
# Each entry starts at a role name and "=": a group's LDAP DN has commas of its own, so the entries
# are found by the names they begin with rather than by splitting at every comma.
_ENTRY_START = re.compile(r"(?:^|[,;])\s*(" + "|".join(re.escape(name) for name in ROLE_NAMES) + r")\s*=")


def parse_role_groups(setting: str, text: str) -> dict[str, str]:
    """`Editors=<group>,Clinical reviewers=<group>,…` as {role name: the hospital's group}."""
    text = text.strip()
    if not text:
        return {}
    starts = list(_ENTRY_START.finditer(text))
    if not starts or starts[0].start() != 0:
        raise ImproperlyConfigured(
            f"{setting} must start with one of {', '.join(ROLE_NAMES)} followed by '=', not {text[:40]!r}."
        )
    mapping = {}
    for start, following in zip(starts, [*starts[1:], None], strict=True):
        group = text[start.end() : following.start() if following else len(text)].strip()
        if not group:
            raise ImproperlyConfigured(f"{setting}: the role {start.group(1)!r} names no group.")
        mapping[start.group(1)] = group
    return mapping


def roles_for(mapping: dict[str, str], hospital_groups) -> set[str]:
    """The roles whose hospital group is among `hospital_groups` (compared without case, as
    directories compare names)."""
    held = {str(group).casefold() for group in hospital_groups}
    return {role for role, group in mapping.items() if group.casefold() in held}


@transaction.atomic
def apply_roles(user, roles: set[str]) -> None:
    """Make the user's role-group memberships exactly `roles`; other groups are left alone."""
    # Imported here: the settings parse role mappings with this module before apps are loaded.
    from django.contrib.auth.models import Group

    role_groups = {group.name: group for group in Group.objects.filter(name__in=ROLE_NAMES)}
    missing = set(roles) - set(role_groups)
    if missing:
        raise ImproperlyConfigured(f"The role groups {sorted(missing)} do not exist: run migrate.")
    user.groups.remove(*[group for name, group in role_groups.items() if name not in roles])
    user.groups.add(*[role_groups[name] for name in roles])
