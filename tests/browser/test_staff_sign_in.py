"""Staff sign in through a real OpenID provider (node's oidc-provider on loopback) in Chromium:
roles from groups, the refusals, sign-out at the provider, and a provider that does not answer.

Screenshots go to SSO_SHOTS_DIR when it is set (the session's own folder, never the repository).
"""

import base64
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django_otp.oath import totp

from tests.browser.conftest import AXE_JS, BASE_DIR, served_portal
from tests.browser.test_accessibility import AXE_RUN, AXE_TAGS, describe
from tests.staff_sign_in.oidc_provider import missing_requirements, running_provider
from tooling.processes import free_port

CLIENT_ID = "patient-education-portal"
CLIENT_SECRET = "test-only-client-secret"
ORGANISATION = "St Example Hospital"
ROLE_GROUPS = (
    "Editors=portal-editors,Clinical reviewers=portal-reviewers,"
    "Publishers=portal-publishers,Site administrators=portal-admins"
)
ACCOUNTS = {
    "ed": {"groups": ["all-staff", "portal-editors"], "email": "ed@hospital.test", "name": "Ed Jones"},
    "rev": {"groups": ["portal-reviewers"], "email": "rev@hospital.test", "name": "Rita Reviewer"},
    "visitor": {"groups": ["all-staff"], "email": "visitor@hospital.test", "name": "Val Visitor"},
}
SHOTS = Path(os.environ["SSO_SHOTS_DIR"]) if os.environ.get("SSO_SHOTS_DIR") else None


@pytest.fixture(scope="module")
def oidc_requirements(browser_requirements):
    reason = missing_requirements()
    if reason is None:
        return
    if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
        pytest.fail(f"The OpenID provider cannot run: {reason}. PORTAL_REQUIRE_BROWSER=1 is set.", pytrace=False)
    pytest.skip(f"The OpenID provider cannot run: {reason}.")


@pytest.fixture(scope="module")
def hospital(oidc_requirements, tmp_path_factory):
    """The provider and a portal that trusts it: (provider, portal URL, portal database path)."""
    folder = tmp_path_factory.mktemp("sso")
    portal_port, provider_port = free_port(), free_port()
    portal_url = f"http://127.0.0.1:{portal_port}"
    database = folder / "portal.sqlite3"
    with running_provider(
        port=provider_port,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        portal_url=portal_url,
        accounts=ACCOUNTS,
        log_path=folder / "provider.log",
    ) as provider:
        env = {
            "DATABASE_URL": f"sqlite:///{database}",
            "OIDC_ISSUER": provider.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_ROLE_GROUPS": ROLE_GROUPS,
            "OIDC_SCOPES": "openid email profile groups",
            "OIDC_DISPLAY_NAME": ORGANISATION,
        }
        with served_portal(env, port=portal_port, load_content=False) as url:
            yield provider, url, database


@pytest.fixture
def loopback_page(new_page):
    """A page that may reach loopback only: the provider's own pages link a web font."""

    def _open(**options):
        page = new_page(**options)
        page.context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if urlsplit(route.request.url).hostname in {"127.0.0.1", "localhost"}
                else route.abort()
            ),
        )
        return page

    return _open


def shot(page, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_sign_in_page_offers_the_hospital_sign_in_and_fits_a_phone(hospital, loopback_page):
    provider, portal_url, database = hospital
    page = loopback_page(width=320, height=640)
    page.goto(f"{portal_url}/admin/login/")
    shot(page, "1-portal-sign-in-page-phone")
    button = page.get_by_role("link", name=f"Sign in with {ORGANISATION}")
    assert button.is_visible()
    assert page.locator("input[name=password]").is_visible()  # OIDC_ONLY is not set: both ways
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert not clipped(button), "the button's label is cut off"
    assert_accessible(page)


def assert_accessible(page) -> None:
    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(AXE_RUN, AXE_TAGS)
    assert violations == [], describe(violations)


def clipped(locator) -> bool:
    return locator.evaluate("element => element.scrollWidth > element.clientWidth")


def sign_in_at_provider(page, portal_url: str, login: str, screenshots: bool = False) -> None:
    """From the portal's sign-in page through the provider's, as a person does."""
    page.goto(f"{portal_url}/admin/login/")
    if screenshots:
        shot(page, "1-portal-sign-in-page")
    page.get_by_role("link", name=f"Sign in with {ORGANISATION}").click()
    page.wait_for_selector("input[name=login]")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any password: the development sign-in page checks none")
    if screenshots:
        shot(page, "2-identity-provider-sign-in-page")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state("load")


def role_groups(database: Path, email: str) -> set[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT g.name FROM auth_user u JOIN auth_user_groups ug ON ug.user_id = u.id "
            "JOIN auth_group g ON g.id = ug.group_id WHERE u.email = ?",
            (email,),
        )
        return {name for (name,) in rows}


def identities(database: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT i.issuer, i.subject, u.email FROM staff_sign_in_staffidentity i JOIN auth_user u ON u.id = i.user_id"
        ).fetchall()


def refusal(page) -> tuple[str, str]:
    return page.locator("[data-refusal]").get_attribute("data-refusal"), page.locator("h1").inner_text()


def test_editor_signs_in_with_the_hospital_account_and_gets_the_editor_role(hospital, loopback_page):
    provider, portal_url, database = hospital
    page = loopback_page()
    sign_in_at_provider(page, portal_url, "ed", screenshots=True)
    assert urlsplit(page.url).path == "/admin/"
    shot(page, "3-admin-after-sign-in")
    assert "Ed Jones" in page.locator("main").inner_text()  # Wagtail's dashboard greets them by name
    assert role_groups(database, "ed@hospital.test") == {"Editors"}
    assert (provider.issuer, "ed", "ed@hospital.test") in identities(database)


def test_a_person_moved_out_of_the_reviewers_group_loses_sign_off_at_the_next_sign_in(hospital, loopback_page):
    provider, portal_url, database = hospital
    sign_in_at_provider(loopback_page(), portal_url, "rev")
    assert role_groups(database, "rev@hospital.test") == {"Clinical reviewers"}
    provider.set_claims("rev", {**ACCOUNTS["rev"], "groups": ["portal-editors"]})
    try:
        sign_in_at_provider(loopback_page(), portal_url, "rev")
        assert role_groups(database, "rev@hospital.test") == {"Editors"}
    finally:
        provider.set_claims("rev", ACCOUNTS["rev"])


def test_someone_in_none_of_the_mapped_groups_is_refused_with_a_clear_page(hospital, loopback_page):
    provider, portal_url, database = hospital
    page = loopback_page()
    responses = []
    page.on("response", lambda response: responses.append(response) if "/oidc/callback/" in response.url else None)
    sign_in_at_provider(page, portal_url, "visitor")
    shot(page, "4-refusal-no-role")
    page.set_viewport_size({"width": 320, "height": 640})
    shot(page, "4-refusal-no-role-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # readable on a phone
    assert not clipped(page.get_by_role("link", name="Back to the sign-in page"))
    assert_accessible(page)
    assert responses[-1].status == 403
    assert refusal(page) == ("no_role", "You do not have access to this site")
    assert all(email != "visitor@hospital.test" for _, _, email in identities(database))
    page.goto(f"{portal_url}/admin/")
    assert urlsplit(page.url).path == "/admin/login/"


def test_cancelling_at_the_provider_ends_on_a_page_that_says_so(hospital, loopback_page):
    provider, portal_url, database = hospital
    page = loopback_page()
    page.goto(f"{portal_url}/admin/login/")
    page.get_by_role("link", name=f"Sign in with {ORGANISATION}").click()
    with page.expect_response(lambda response: "/oidc/callback/" in response.url) as answer:
        page.get_by_role("link", name="Cancel").click()
    assert answer.value.status == 403
    assert refusal(page) == ("cancelled", "You are not signed in")


def _started_sign_in(page, portal_url: str) -> str:
    """Start a sign-in and stop at the provider's page: the state the portal sent with it."""
    sent = []
    page.on("request", lambda request: sent.append(request.url) if "state=" in request.url else None)
    page.goto(f"{portal_url}/admin/login/oidc/")
    page.wait_for_selector("input[name=login]")
    return parse_qs(urlsplit(sent[0]).query)["state"][0]


def _returns(page) -> list[str]:
    """The addresses the provider sends this page back to the portal with, as they happen."""
    seen = []
    page.on("request", lambda request: seen.append(request.url) if "/oidc/callback/" in request.url else None)
    return seen


def _with_query(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return parts._replace(query=urlencode({**query, **changes})).geturl()


def test_a_callback_with_a_state_this_browser_never_sent_is_refused(hospital, loopback_page):
    provider, portal_url, database = hospital
    page = loopback_page()
    state = _started_sign_in(page, portal_url)
    forged = f"{portal_url}/admin/login/oidc/callback/?" + urlencode({"code": "abc", "state": state[::-1]})
    response = page.goto(forged)
    assert response.status == 400
    assert refusal(page)[0] == "bad_state"
    page.goto(f"{portal_url}/admin/")
    assert urlsplit(page.url).path == "/admin/login/"


def test_a_replayed_code_is_refused(hospital, loopback_page):
    provider, portal_url, database = hospital
    first = loopback_page()
    returns = _returns(first)
    sign_in_at_provider(first, portal_url, "ed")
    assert urlsplit(first.url).path == "/admin/"  # the code's one use: signed in
    used_code = parse_qs(urlsplit(returns[0]).query)["code"][0]
    # Another browser starts its own sign-in, then offers the used code with its own, good state.
    second = loopback_page()
    state = _started_sign_in(second, portal_url)
    response = second.goto(f"{portal_url}/admin/login/oidc/callback/?" + urlencode({"code": used_code, "state": state}))
    assert response.status == 400
    assert refusal(second)[0] == "code_refused"
    second.goto(f"{portal_url}/admin/")
    assert urlsplit(second.url).path == "/admin/login/"


@pytest.mark.parametrize("spoiled", ["aud", "expired", "unsigned"])
def test_an_id_token_for_another_application_expired_or_unsigned_is_refused(hospital, loopback_page, spoiled):
    provider, portal_url, database = hospital
    page = loopback_page()
    provider.spoil_tokens(spoiled)
    try:
        responses = []
        page.on("response", lambda r: responses.append(r) if "/oidc/callback/" in r.url else None)
        sign_in_at_provider(page, portal_url, "ed")
    finally:
        provider.spoil_tokens("")
    assert responses[-1].status == 403
    assert refusal(page) == ("untrusted_token", "This sign-in could not be trusted")
    page.goto(f"{portal_url}/admin/")
    assert urlsplit(page.url).path == "/admin/login/"


def test_signing_out_ends_the_session_at_the_provider_too(hospital, loopback_page):
    provider, portal_url, database = hospital
    page = loopback_page()
    sign_in_at_provider(page, portal_url, "ed")
    page.get_by_role("button", name="Ed Jones").click()
    page.get_by_role("button", name="Log out").click()
    # The provider asks whether to end its own session too, then sends the browser back.
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{portal_url}/admin/login/")
    page.goto(f"{portal_url}/admin/")
    assert urlsplit(page.url).path == "/admin/login/"
    # Signing in again needs the person at the provider again: its session has ended.
    page.get_by_role("link", name=f"Sign in with {ORGANISATION}").click()
    page.wait_for_selector("input[name=login]")


class Unanswering:
    """A port that accepts connections and never answers: a provider hung, not refusing."""

    def __init__(self):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def close(self):
        self.listener.close()


@pytest.fixture(scope="module")
def provider_down(oidc_requirements, tmp_path_factory):
    """A portal whose provider hangs, with OIDC_ONLY and a break-glass superuser: (URL, password)."""
    hung = Unanswering()
    database = tmp_path_factory.mktemp("sso-down") / "portal.sqlite3"
    env = {
        "DATABASE_URL": f"sqlite:///{database}",
        "OIDC_ISSUER": hung.url,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_ROLE_GROUPS": ROLE_GROUPS,
        "OIDC_DISPLAY_NAME": ORGANISATION,
        "OIDC_ONLY": "true",
        "STAFF_MFA_FOR_SUPERUSERS": "true",
    }
    password = "break-glass-password-for-tests"
    try:
        with served_portal(env, load_content=False) as url:
            subprocess.run(
                [sys.executable, "manage.py", "createsuperuser", "--no-input", "--username", "breakglass"],
                cwd=BASE_DIR,
                env={
                    **os.environ,
                    "DJANGO_SETTINGS_MODULE": "portal.settings.test",
                    "DJANGO_SUPERUSER_PASSWORD": password,
                    "DJANGO_SUPERUSER_EMAIL": "bg@hospital.test",
                    **env,
                },
                check=True,
                capture_output=True,
                timeout=120,
            )
            yield url, password
    finally:
        hung.close()


def test_a_provider_that_does_not_answer_gives_a_clear_page_within_5_seconds(provider_down, loopback_page):
    portal_url, _ = provider_down
    page = loopback_page()
    page.goto(f"{portal_url}/admin/login/")
    shot(page, "5-sign-in-page-oidc-only")
    assert page.locator("input[name=password]").count() == 0  # OIDC_ONLY: no password form offered
    started = time.monotonic()
    with page.expect_response(lambda response: "/admin/login/oidc/" in response.url) as answer:
        page.get_by_role("link", name=f"Sign in with {ORGANISATION}").click()
    elapsed = time.monotonic() - started
    shot(page, "6-provider-not-answering")
    assert answer.value.status == 503
    assert refusal(page) == ("unavailable", "The hospital sign-in service is not answering")
    assert elapsed < 5, f"took {elapsed:.1f} s"


def _code_from_key(page) -> str:
    key = page.locator("main code").first.inner_text().replace(" ", "")
    padded = key + "=" * (-len(key) % 8)
    return f"{totp(base64.b32decode(padded)):06d}"


def test_the_break_glass_superuser_signs_in_with_a_second_factor_while_the_provider_is_down(
    provider_down, loopback_page
):
    portal_url, password = provider_down
    page = loopback_page()
    page.goto(f"{portal_url}/admin/login/")
    page.get_by_role("link", name="Emergency sign-in for local administrators").click()
    page.fill("input[name=username]", "breakglass")
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    assert "/second-factor/set-up/" in page.url, (page.url, page.locator("main").inner_text())
    shot(page, "7-second-factor-set-up")
    assert page.locator("main").count() == 1  # the admin's icons were not answered with this page
    assert_accessible(page)
    page.fill("input[name=code]", _code_from_key(page))
    page.get_by_role("button", name="Turn on").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    shot(page, "8-recovery-codes")
    codes = page.locator(".staff-sign-in-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("button", name="I have kept them").click()
    page.wait_for_url(f"{portal_url}/admin/")

    # The next sign-in asks for a code; a recovery code serves when the phone is lost.
    page.context.clear_cookies()
    page.goto(f"{portal_url}/admin/login/?local")
    page.fill("input[name=username]", "breakglass")
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/second-factor/**")
    shot(page, "9-second-factor-prompt")
    assert_accessible(page)
    page.goto(f"{portal_url}/admin/pages/")
    assert "/second-factor/" in page.url  # nothing in the admin opens before the code
    page.fill("input[name=code]", codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{portal_url}/admin/pages/")
