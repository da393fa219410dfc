"""A second factor for local accounts: superusers set up an authenticator app at their first
password sign-in, then give a code (or a single-use recovery code) at every sign-in; nothing in the
admin opens before. With OIDC_ONLY, a password signs in superusers (break-glass) and nobody else.
Someone who lost their phone gets theirs removed with `manage.py reset_second_factor`."""

import io
import re

import pytest
from django_otp import devices_for_user
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
SECOND_FACTOR = "/admin/login/second-factor/"
SET_UP = "/admin/login/second-factor/set-up/"


@pytest.fixture(autouse=True)
def second_factor_required(settings):
    settings.STAFF_MFA_FOR_SUPERUSERS = True


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser("breakglass", "bg@example.org", PASSWORD)


def sign_in(client, username="breakglass"):
    return client.post("/admin/login/", {"username": username, "password": PASSWORD, "next": "/admin/"})


def current_code(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def set_up_second_factor(client, user) -> list[str]:
    client.get(SET_UP)  # makes the not-yet-confirmed device, as the page shows its key
    client.post(SET_UP, {"code": current_code(user), "next": "/admin/"})
    page = client.get(SET_UP).content.decode()
    client.post(SET_UP, {"next": "/admin/"})
    return re.findall(r"<li><code>([a-z2-7]+)</code></li>", page)


def test_a_superuser_with_only_a_password_is_sent_to_set_up_a_second_factor(client, superuser):
    response = sign_in(client)
    assert response.status_code == 302
    # Every address in the admin, not only the dashboard, waits for the second factor.
    for address in ("/admin/", "/admin/pages/", "/admin/users/"):
        assert client.get(address)["Location"].startswith(SECOND_FACTOR)
    assert client.get(SECOND_FACTOR)["Location"].startswith(SET_UP)
    page = client.get(SET_UP)
    assert page.status_code == 200
    assert "Scan this picture" in page.content.decode() and "<svg" in page.content.decode()


def test_a_wrong_code_does_not_turn_the_second_factor_on(client, superuser):
    sign_in(client)
    client.get(SET_UP)
    response = client.post(SET_UP, {"code": "000000" if current_code(superuser) != "000000" else "111111"})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert client.get("/admin/")["Location"].startswith(SECOND_FACTOR)


def test_set_up_shows_recovery_codes_once_then_opens_the_admin(client, superuser):
    sign_in(client)
    codes = set_up_second_factor(client, superuser)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/admin/").status_code == 200
    assert client.get(SET_UP)["Location"] == "/admin/"  # shown once; no second device can be added


def test_the_next_sign_in_asks_for_a_code_and_a_recovery_code_works_once(client, superuser):
    sign_in(client)
    codes = set_up_second_factor(client, superuser)
    client.post("/admin/logout/")

    sign_in(client)
    assert client.get("/admin/")["Location"].startswith(SECOND_FACTOR)
    assert client.get(SET_UP)["Location"] == "/admin/"  # a password alone cannot add a device
    prompt = client.get(SECOND_FACTOR)
    assert "Enter your code" in prompt.content.decode()
    assert client.post(SECOND_FACTOR, {"code": codes[0], "next": "/admin/"})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")

    sign_in(client)
    reused = client.post(SECOND_FACTOR, {"code": codes[0], "next": "/admin/"})
    assert reused.status_code == 400
    assert client.get("/admin/")["Location"].startswith(SECOND_FACTOR)


def test_an_authenticator_code_opens_the_admin(client, superuser):
    sign_in(client)
    set_up_second_factor(client, superuser)
    client.post("/admin/logout/")
    TOTPDevice.objects.filter(user=superuser).update(last_t=-1)  # the set-up code may be the current one
    sign_in(client)
    assert client.post(SECOND_FACTOR, {"code": current_code(superuser), "next": "/admin/"})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_without_the_requirement_a_superuser_signs_in_with_a_password_alone(client, superuser, settings):
    settings.STAFF_MFA_FOR_SUPERUSERS = False  # what `make run` does
    sign_in(client)
    assert client.get("/admin/").status_code == 200


def test_other_local_accounts_are_not_asked(client):
    editor = get_user_model().objects.create_user("editor", "e@example.org", PASSWORD)
    editor.groups.add(Group.objects.get(name="Editors"))
    sign_in(client, "editor")
    assert client.get("/admin/").status_code == 200


def test_another_local_account_that_has_a_second_factor_is_asked_for_it(client):
    editor = get_user_model().objects.create_user("editor", "e@example.org", PASSWORD)
    editor.groups.add(Group.objects.get(name="Editors"))
    TOTPDevice.objects.create(user=editor, name="Authenticator app", confirmed=True)
    sign_in(client, "editor")
    assert client.get("/admin/pages/")["Location"].startswith(SECOND_FACTOR)
    client.post(SECOND_FACTOR, {"code": current_code(editor), "next": "/admin/"})
    assert client.get("/admin/pages/").status_code == 200


def test_with_oidc_only_a_password_signs_in_superusers_and_nobody_else(client, superuser, settings):
    settings.OIDC_ONLY = True
    settings.OIDC_DISPLAY_NAME = "St Example Hospital"
    editor = get_user_model().objects.create_user("editor", "e@example.org", PASSWORD)
    editor.groups.add(Group.objects.get(name="Editors"))
    refused = sign_in(client, "editor")
    assert refused.status_code == 200
    assert "Sign in with St Example Hospital instead." in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert sign_in(client)["Location"] == "/admin/"
    assert client.get("/admin/")["Location"].startswith(SECOND_FACTOR)


def reset_second_factor(username: str) -> str:
    out = io.StringIO()
    call_command("reset_second_factor", username, stdout=out)
    return out.getvalue()


def test_after_a_reset_a_superuser_who_lost_their_phone_sets_up_a_new_one(client, superuser):
    sign_in(client)
    old_codes = set_up_second_factor(client, superuser)
    assert client.get("/admin/").status_code == 200

    said = reset_second_factor("breakglass")

    assert "Removed from breakglass: the authenticator app, 10 unused recovery codes." in said
    assert "At their next sign-in they will set up a new authenticator app." in said
    assert list(devices_for_user(superuser, confirmed=None)) == []
    # The session that passed with the lost phone is asked again.
    assert client.get("/admin/")["Location"].startswith(SECOND_FACTOR)
    client.post("/admin/logout/")

    sign_in(client)
    assert client.get(SECOND_FACTOR)["Location"].startswith(SET_UP)
    assert "Scan this picture" in client.get(SET_UP).content.decode()
    new_codes = set_up_second_factor(client, superuser)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert client.get("/admin/").status_code == 200


def test_a_reset_of_an_unknown_user_name_says_so_and_changes_nothing(client, superuser):
    sign_in(client)
    set_up_second_factor(client, superuser)

    with pytest.raises(CommandError, match="No account has the user name 'breakglas'. Nothing was changed."):
        reset_second_factor("breakglas")

    assert len(list(devices_for_user(superuser))) == 2  # the authenticator and the recovery codes


def test_a_reset_of_an_account_without_a_second_factor_says_there_was_none(superuser):
    assert reset_second_factor("breakglass") == "breakglass has no second factor: nothing was changed.\n"
