"""Sign-in is configured from the environment alone: with nothing set, local passwords only (as
`make run` has always been); half a configuration stops the portal at start-up with a message
that names what is missing, rather than failing at someone's first sign-in."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from django.core.exceptions import ImproperlyConfigured

from staff_sign_in.roles import parse_role_groups, roles_for

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SIGN_IN_VARIABLES = ("OIDC_", "LDAP_", "STAFF_MFA_")


def settings_with(**variables) -> subprocess.CompletedProcess:
    """Load the settings `make run` uses in a fresh interpreter with these variables set."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(SIGN_IN_VARIABLES)}
    env.update(variables, DJANGO_SETTINGS_MODULE="portal.settings.local")
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.AUTHENTICATION_BACKENDS, settings.STAFF_MFA_FOR_SUPERUSERS, settings.OIDC_ONLY)"
    )
    return subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def test_with_nothing_set_only_local_passwords_sign_in():
    result = settings_with()
    assert result.returncode == 0, result.stderr
    assert "oidc" not in result.stdout.lower() and "ldap" not in result.stdout.lower()
    assert result.stdout.strip().endswith("False False")  # no second factor asked by `make run`


def test_an_issuer_without_its_client_or_roles_stops_the_start():
    result = settings_with(OIDC_ISSUER="https://login.example.org")
    assert result.returncode != 0
    assert "The OIDC_CLIENT_ID environment variable is required OIDC_ISSUER is set" in result.stderr


def test_a_complete_openid_configuration_adds_the_hospital_sign_in():
    result = settings_with(
        OIDC_ISSUER="https://login.example.org/",
        OIDC_CLIENT_ID="portal",
        OIDC_CLIENT_SECRET="secret",
        OIDC_ROLE_GROUPS="Editors=portal-editors",
        OIDC_ONLY="true",
    )
    assert result.returncode == 0, result.stderr
    assert "staff_sign_in.oidc.HospitalOIDCBackend" in result.stdout and result.stdout.strip().endswith("True")


def test_oidc_only_without_an_issuer_would_lock_everyone_out_and_stops_the_start():
    result = settings_with(OIDC_ONLY="true")
    assert result.returncode != 0 and "OIDC_ONLY=true needs OIDC_ISSUER" in result.stderr


def test_a_directory_reached_without_encryption_stops_the_start():
    directory = {
        "LDAP_URL": "ldap://dc1.hospital.example",
        "LDAP_USER_SEARCH_BASE": "OU=Staff,DC=hospital,DC=example",
        "LDAP_GROUP_SEARCH_BASE": "OU=Groups,DC=hospital,DC=example",
        "LDAP_ROLE_GROUPS": "Editors=CN=Portal editors,OU=Groups,DC=hospital,DC=example",
    }
    refused = settings_with(**directory)
    assert refused.returncode != 0 and "LDAP_URL sends passwords unencrypted" in refused.stderr
    accepted = settings_with(**directory, LDAP_START_TLS="true")
    assert accepted.returncode == 0, accepted.stderr
    backends = accepted.stdout.split("]")[0]
    # The directory is asked before the local accounts, so a refused directory account stays refused.
    assert backends.index("HospitalLDAPBackend") < backends.index("ModelBackend")


def test_role_groups_may_be_directory_names_with_commas_of_their_own():
    mapping = parse_role_groups(
        "LDAP_ROLE_GROUPS",
        "Editors=CN=Portal editors,OU=Groups,DC=hospital,DC=example; "
        "Clinical reviewers=CN=Reviewers,OU=Groups,DC=hospital,DC=example",
    )
    assert mapping == {
        "Editors": "CN=Portal editors,OU=Groups,DC=hospital,DC=example",
        "Clinical reviewers": "CN=Reviewers,OU=Groups,DC=hospital,DC=example",
    }
    assert roles_for(mapping, ["cn=portal editors,ou=groups,dc=hospital,dc=example"]) == {"Editors"}


@pytest.mark.parametrize("text", ["Editor=portal-editors", "Editors=", "portal-editors"])
def test_a_mapping_naming_no_known_role_or_no_group_is_refused(text):
    with pytest.raises(ImproperlyConfigured):
        parse_role_groups("OIDC_ROLE_GROUPS", text)
