"""Embed mode: the page without the site's chrome, framed only by allowlisted origins."""

import pytest

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from integrations.models import EmbedSettings, parse_origins
from tests import factories
from tests.conftest import page_at

pytestmark = pytest.mark.django_db


def frame_ancestors(response) -> list[str]:
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";")]
    return next(values for name, *values in directives if name == "frame-ancestors")


@pytest.fixture(autouse=True)
def pages():
    """A therapy page in its hub, and an article, to embed."""
    hub = factories.SectionPageFactory(title="Widget treatments")
    factories.TherapyTypePageFactory(parent=hub, title="Widget therapy")
    factories.ArticlePageFactory(title="Widget aftercare")


def allow(*origins: str) -> None:
    settings = EmbedSettings.load()
    settings.allowed_origins = "\n".join(origins)
    settings.save()


def test_embed_keeps_content_note_and_dates_but_not_the_site_chrome(client, portal_settings):
    response = client.get("/en/embed/widget-treatments/widget-therapy/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Widget therapy</h1>" in html
    assert portal_settings.standard_note in html and "This page has not yet been checked by a clinician." in html
    assert 'class="site-header"' not in html and 'class="site-footer"' not in html
    assert 'aria-label="Breadcrumb"' not in html
    assert 'href="http://testserver/en/widget-treatments/widget-therapy/" target="_blank"' in html
    assert "js/embed-resize.js" in html
    assert not response.cookies


def test_frame_ancestors_lists_exactly_the_allowed_origins(client, settings):
    settings.EMBED_ALLOWED_ORIGINS = ["https://ehr.example.net"]
    allow("https://intranet.example.org", "http://wards.example.org:8080")
    response = client.get("/en/embed/widget-treatments/widget-therapy/")
    assert frame_ancestors(response) == [
        "'self'",
        "http://wards.example.org:8080",
        "https://ehr.example.net",
        "https://intranet.example.org",
    ]
    assert "X-Frame-Options" not in response


def test_empty_list_means_self_only(client):
    assert frame_ancestors(client.get("/en/embed/widget-treatments/widget-therapy/")) == ["'self'"]


@pytest.mark.parametrize("path", ["/en/widget-treatments/widget-therapy/", "/admin/login/", "/en/search/?q=fever"])
def test_pages_admin_and_login_are_never_framed_by_others(client, path):
    allow("https://intranet.example.org")
    response = client.get(path)
    assert frame_ancestors(response) == ["'self'"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_unpublished_and_private_pages_have_no_embed(client):
    from wagtail.models import PageViewRestriction

    page_at("/en/widget-aftercare/").unpublish()
    assert client.get("/en/embed/widget-aftercare/").status_code == 404
    PageViewRestriction.objects.create(page=page_at("/en/widget-treatments/"), restriction_type="login")
    assert client.get("/en/embed/widget-treatments/widget-therapy/").status_code == 404


def test_draft_changes_do_not_show_in_the_embed(client):
    page = page_at("/en/widget-treatments/widget-therapy/")
    page.title = "Widget therapy DRAFT-MARKER-7731"
    page.save_revision()
    assert "DRAFT-MARKER-7731" not in client.get("/en/embed/widget-treatments/widget-therapy/").content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        "intranet.example.org",
        "ftp://x.example",
        "https://x.example/path",
        "https://x.example?q=1",
        "https://*",
        "https://*.example.org",
        "https://a b.example.org",
        "https://x.example;script-src *",
        "https://x.example 'unsafe-inline'",
        "https://user:secret@x.example",
        "https://x.example:99999",
        "https://x.example:0",
        "https://x.exa\tmple",
        "https://x.example#top",
        "https://-x.example",
    ],
)
def test_only_real_origins_can_be_allowed(bad):
    with pytest.raises(ValidationError):
        parse_origins(bad)
    settings = EmbedSettings(allowed_origins=bad)
    with pytest.raises(ValidationError):
        settings.full_clean()


def test_exact_origins_are_kept_as_written():
    text = "https://Intranet.Example.org/\nhttp://localhost:8080, https://10.1.2.3:8443\nhttps://[::1]:9000"
    assert parse_origins(text) == [
        "https://intranet.example.org",
        "http://localhost:8080",
        "https://10.1.2.3:8443",
        "https://[::1]:9000",
    ]


def test_editor_sees_the_iframe_snippet_for_a_page(client):
    user = get_user_model().objects.create_superuser("ed", "ed@example.org", "a-long-password-1")
    client.force_login(user)
    page = page_at("/en/widget-treatments/widget-therapy/")
    html = client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,))).content.decode()
    assert "&lt;iframe src=&quot;http://testserver/en/embed/widget-treatments/widget-therapy/&quot;" in html or (
        '&lt;iframe src="http://testserver/en/embed/widget-treatments/widget-therapy/"' in html
    )
    assert "/embed/host.js" in html


def test_host_script_has_a_stable_address(client):
    response = client.get("/embed/host.js")
    assert response.status_code == 302 and response["Location"].endswith("js/embed-host.js")


def test_a_wildcard_in_the_deployments_allowlist_stops_the_start(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.EMBED_ALLOWED_ORIGINS = ["https://intranet.example.org", "https://*"]
    with pytest.raises(SystemCheckError, match="EMBED_ALLOWED_ORIGINS"):
        call_command("check", "--deploy", "--fail-level", "ERROR")
