"""A long edit survives the identity provider's token lifetime: the portal does not re-ask the
provider mid-session (no token-refresh redirects, which would break the editor's background
requests); the staff session's own limits (portal/staff_sessions.py) decide when it ends."""

import time

import pytest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from education.models import HomePage
from staff_sign_in.oidc import BACKEND_PATH

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_from_the_provider(client, settings):
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND_PATH]
    editor = get_user_model().objects.create_user("ed", "ed@hospital.test")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor, backend=BACKEND_PATH)
    session = client.session
    session["oidc_id_token_expiration"] = time.time() - 7200  # the ID token ran out two hours ago
    session.save()
    return editor


def test_the_editor_keeps_editing_after_the_id_token_has_expired(client, editor_from_the_provider):
    page = HomePage.objects.get()
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
    ping = client.post(
        f"/admin/editing-sessions/ping/wagtailcore/page/{page.pk}/0/",
        {"is_editing": "1"},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert ping.status_code == 200 and "session_id" in ping.json()
