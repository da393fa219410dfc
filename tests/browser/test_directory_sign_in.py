"""A nurse signs in with her directory account in Chromium, against Debian's slapd on loopback
(StartTLS), and someone in no mapped group sees the refusal page. The directory's own cases are in
tests/staff_sign_in/test_directory.py; this is what a person sees.

Screenshots go to SSO_SHOTS_DIR when it is set (the session's own folder, never the repository).
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import served_portal
from tests.staff_sign_in import directory_server as directory

SHOTS = Path(os.environ["SSO_SHOTS_DIR"]) if os.environ.get("SSO_SHOTS_DIR") else None


@pytest.fixture(scope="module")
def portal_with_directory(browser_requirements, tmp_path_factory):
    reason = directory.missing_requirements()
    if reason:
        if os.environ.get("PORTAL_REQUIRE_LDAP") == "1":
            pytest.fail(f"{reason}; PORTAL_REQUIRE_LDAP=1 is set, so this is an error.", pytrace=False)
        pytest.skip(reason)
    slapd = directory.hospital_directory()
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('ldap') / 'portal.sqlite3'}",
        "LDAP_URL": slapd.ldap_uri,
        "LDAP_START_TLS": "true",
        "LDAP_CA_FILE": slapd.cafile,
        "LDAP_BIND_DN": directory.SERVICE_DN,
        "LDAP_BIND_PASSWORD": directory.SERVICE_PASSWORD,
        "LDAP_USER_SEARCH_BASE": directory.PEOPLE,
        "LDAP_USER_FILTER": "(uid=%(user)s)",
        "LDAP_GROUP_SEARCH_BASE": directory.GROUPS,
        "LDAP_GROUP_FILTER": "(objectClass=groupOfNames)",
        "LDAP_ROLE_GROUPS": directory.ROLE_GROUPS,
    }
    try:
        with served_portal(env, load_content=False) as url:
            yield url
    finally:
        slapd.stop()


def shot(page, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page, portal_url: str, username: str, screenshot: str = "") -> None:
    page.goto(f"{portal_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", directory.PASSWORDS[username])
    if screenshot:
        shot(page, screenshot)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def test_a_nurse_signs_in_with_her_directory_account(portal_with_directory, new_page):
    page = new_page()
    sign_in(page, portal_with_directory, "nina", screenshot="ldap-1-sign-in")
    assert urlsplit(page.url).path == "/admin/"
    shot(page, "ldap-2-admin-after-sign-in")
    assert "Nina Nurse" in page.locator("main").inner_text()


def test_someone_in_no_mapped_group_sees_the_refusal_page(portal_with_directory, new_page):
    page = new_page()
    sign_in(page, portal_with_directory, "olly")
    shot(page, "ldap-3-refusal-no-role")
    assert page.locator("h1").inner_text() == "You do not have access to this site"
    page.goto(f"{portal_with_directory}/admin/")
    assert urlsplit(page.url).path == "/admin/login/"
