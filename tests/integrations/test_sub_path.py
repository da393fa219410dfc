"""The whole site works under a prefix such as /patient-education/ behind a reverse proxy that
strips it: every link, asset, API and feed URL must carry the prefix."""

import re

import pytest

from django.test import override_settings
from django.urls import clear_script_prefix, set_script_prefix

from tests import factories
from tests.conftest import page_at

pytestmark = pytest.mark.django_db
PREFIX = "/patient-education"
URL_ATTRIBUTE = re.compile(r'(?:href|src|action)="([^"]+)"')


@pytest.fixture
def prefixed():
    with override_settings(FORCE_SCRIPT_NAME=PREFIX, STATIC_URL=f"{PREFIX}/static/", MEDIA_URL=f"{PREFIX}/media/"):
        # What Django's WSGI handler does for each request under FORCE_SCRIPT_NAME; the test
        # client skips it.
        set_script_prefix(f"{PREFIX}/")
        yield
    clear_script_prefix()


@pytest.fixture(autouse=True)
def pages():
    """A therapy and a condition (with a diagnosis code) in a hub, and an FAQ page."""
    hub = factories.SectionPageFactory(title="Widget treatments")
    factories.TherapyTypePageFactory(parent=hub, title="Widget therapy")
    factories.ConditionPageFactory(
        parent=hub,
        title="Widget disease",
        clinical_codes__0__code__system="icd10cm",
        clinical_codes__0__code__code="ZZ1",
    )
    factories.FAQIndexPageFactory(title="Widget questions")


def site_urls(html: str) -> list[str]:
    """Every URL in the page that points into this site (not anchors, phones or other origins)."""
    urls = []
    for url in URL_ATTRIBUTE.findall(html):
        if (
            url.startswith(("#", "tel:", "mailto:", "https://", "data:"))
            or url.startswith("http://")
            and "testserver" not in url
        ):
            continue
        urls.append(url.removeprefix("http://testserver"))
    return urls


@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        "/en/widget-treatments/widget-therapy/",
        "/en/widget-questions/",
        "/en/search/?q=fever",
        "/en/a-z/",
        "/en/embed/widget-treatments/widget-therapy/",
        "/en/handout/widget-treatments/widget-therapy/",
        "/en/no-such-page/",
    ],
)
def test_every_link_and_asset_carries_the_prefix(client, prefixed, path):
    # The proxy strips the prefix, so the app is asked for the bare path.
    response = client.get(path)
    assert response.status_code in (200, 404)
    urls = site_urls(response.content.decode())
    assert urls, "no links found"
    missing = [url for url in urls if not url.startswith(f"{PREFIX}/")]
    assert not missing, f"URLs without the prefix on {path}: {missing[:5]}"


def test_api_feed_sitemap_and_infobutton_urls_carry_the_prefix(client, prefixed):
    page = page_at("/en/widget-treatments/widget-therapy/")
    data = client.get(f"/api/v2/pages/{page.pk}/").json()
    assert data["meta"]["html_url"] == f"http://testserver{PREFIX}/en/widget-treatments/widget-therapy/"
    assert data["meta"]["detail_url"].startswith(f"http://testserver{PREFIX}/api/v2/pages/")
    assert (
        f"http://testserver{PREFIX}/en/widget-treatments/widget-therapy/"
        in client.get("/en/feeds/updates/").content.decode()
    )
    assert (
        f"<loc>http://testserver{PREFIX}/en/widget-treatments/widget-therapy/</loc>"
        in client.get("/sitemap.xml").content.decode()
    )
    assert f"Sitemap: http://testserver{PREFIX}/sitemap.xml" in client.get("/robots.txt").content.decode()
    infobutton = client.get(
        "/infobutton/service?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=ZZ1"
    ).content.decode()
    assert f"http://testserver{PREFIX}/en/widget-treatments/widget-disease/" in infobutton


def test_admin_login_page_carries_the_prefix(client, prefixed):
    html = client.get("/admin/login/").content.decode()
    assert f'action="{PREFIX}/admin/login/' in html
