"""A long edit survives the identity provider's token lifetime: the portal does not re-ask the
provider mid-session (no token-refresh redirects, which would break the editor's background
requests); the staff session's own limits (portal/staff_sessions.py) decide when it ends.

The background requests are made as Wagtail 8's editor makes them (wagtail/admin/static/
wagtailadmin/js/core.js): autosave POSTs the whole edit form to the edit page's own address with
`Accept: application/json`; the preview panel POSTs the form to the page's preview address, then
loads that address with `?in_preview_panel=true` in an iframe."""

import time

import pytest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import path, reverse

from education.models import ArticlePage, HomePage
from portal import urls as portal_urls
from staff_sign_in.login import StaffLogoutView
from staff_sign_in.oidc import BACKEND_PATH, CallbackView, SignInView
from tests import factories

# The edit form of an article, as the admin posts it; shared with the review tests.
from tests.review.conftest import article_data

pytestmark = pytest.mark.django_db
PROVIDER_AUTHORIZATION = "https://sign-in.hospital.test/authorize"

# The portal's addresses with the OpenID routes it adds when OIDC_ISSUER is set (staff_sign_in/
# urls.py reads that at start-up), for SessionRefresh, which looks up these three names.
urlpatterns = [
    path("admin/login/oidc/", SignInView.as_view(), name="oidc_authentication_init"),
    path("admin/login/oidc/callback/", CallbackView.as_view(), name="oidc_authentication_callback"),
    path("admin/logout/", StaffLogoutView.as_view(), name="oidc_logout"),
    *portal_urls.urlpatterns,
]


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


@pytest.fixture
def article():
    return factories.ArticlePageFactory(title="Tiredness", slug="tiredness")


def autosave(client, page, paragraph: str):
    """What the editor's autosave sends a few seconds after a change."""
    data = article_data(page.title, page.slug, [paragraph])
    data["loaded_revision_id"] = str(page.latest_revision_id)
    data["loaded_revision_created_at"] = page.latest_revision.created_at.isoformat()
    return client.post(
        reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        data,
        headers={"Accept": "application/json", "X-CSRFToken": "from-the-page"},
    )


def preview(client, page, paragraph: str):
    """What the preview panel sends after a change: the form, then a fresh load of the preview."""
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,))
    sent = client.post(url, article_data(page.title, page.slug, [paragraph]))
    shown = client.get(url, {"in_preview_panel": "true"})
    return sent, shown


def test_the_editor_keeps_editing_after_the_id_token_has_expired(client, editor_from_the_provider):
    page = HomePage.objects.get(locale__language_code="en")
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
    ping = client.post(
        f"/admin/editing-sessions/ping/wagtailcore/page/{page.pk}/0/",
        {"is_editing": "1"},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert ping.status_code == 200 and "session_id" in ping.json()


def test_autosave_keeps_saving_the_draft_after_the_id_token_has_expired(client, editor_from_the_provider, article):
    response = autosave(client, article, "Rest between short walks.")

    assert response.status_code == 200, response.get("Location")
    assert response.json()["success"] is True
    draft = ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    assert len(draft.body) == 1 and "Rest between short walks." in draft.body[0].value.source
    assert draft.latest_revision.user == editor_from_the_provider
    # The published page is left as it was until someone publishes the draft.
    assert "Rest between short walks." not in client.get(article.url).content.decode()


def test_the_preview_keeps_showing_the_draft_after_the_id_token_has_expired(client, editor_from_the_provider, article):
    sent, shown = preview(client, article, "Drink water through the day.")

    assert sent.status_code == 200, sent.get("Location")
    assert sent.json() == {"is_valid": True, "is_available": True}
    assert shown.status_code == 200, shown.get("Location")
    assert "Drink water through the day." in shown.content.decode()


def test_a_token_refresh_middleware_would_send_the_preview_to_the_provider(
    client, editor_from_the_provider, article, settings
):
    """Why the settings leave out mozilla-django-oidc's SessionRefresh: once the ID token has
    expired it answers every GET (a 403 to a script's) with a trip to the provider (prompt=none),
    so the preview panel's frame would be sent to the provider in place of the draft, where a
    browser that keeps the provider's cookies from a frame ends on "You are not signed in". The
    checks above would fail with it on; this shows that they can."""
    assert "mozilla_django_oidc.middleware.SessionRefresh" not in settings.MIDDLEWARE
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = PROVIDER_AUTHORIZATION
    settings.ROOT_URLCONF = __name__
    at = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:at],
        "mozilla_django_oidc.middleware.SessionRefresh",
        *settings.MIDDLEWARE[at:],
    ]

    _, shown = preview(client, article, "Drink water through the day.")

    assert shown.status_code == 302 and shown["Location"].startswith(PROVIDER_AUTHORIZATION)
    assert "prompt=none" in shown["Location"]
