"""Printable handouts, JSON-LD, sitemap and robots.txt."""

import json
import re

import pytest

from tests import factories
from tests.conftest import as_signed_off

pytestmark = pytest.mark.django_db


def json_ld(html: str) -> list[dict]:
    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)]


def a_therapy_page(**kwargs):
    hub = factories.SectionPageFactory(title="Widget treatments")
    return factories.TherapyTypePageFactory(parent=hub, title="Widget therapy", **kwargs)


def test_handout_has_clinic_contacts_qr_code_and_standard_note(client, portal_settings):
    portal_settings.organisation_name = "St Elsewhere Cancer Centre"
    portal_settings.care_team_phone = "0800 123 4567"
    portal_settings.save()
    page = a_therapy_page(serious_side_effects__0__urgent__level="emergency")
    response = client.get("/en/handout/widget-treatments/widget-therapy/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "St Elsewhere Cancer Centre" in html and "0800 123 4567" in html
    assert "<svg" in html and "QR code for Widget therapy" in html
    assert "http://testserver/en/widget-treatments/widget-therapy/" in html
    assert portal_settings.standard_note in html
    assert "This page has not yet been checked by a clinician." in html and "Page last reviewed" not in html
    assert "urgent--emergency" in html
    as_signed_off(page.url)
    html = client.get("/en/handout/widget-treatments/widget-therapy/").content.decode()
    assert "Page last reviewed" in html and "has not yet been checked" not in html


def test_handout_of_missing_or_unpublished_page_is_404(client):
    assert client.get("/en/handout/no-such-page/").status_code == 404
    page = factories.ArticlePageFactory(title="Widget aftercare")
    assert client.get("/en/handout/widget-aftercare/").status_code == 200
    page.unpublish()
    assert client.get("/en/handout/widget-aftercare/").status_code == 404


def test_every_page_links_to_its_handout(client):
    page = a_therapy_page()
    assert 'href="/en/handout/widget-treatments/widget-therapy/"' in client.get(page.url).content.decode()


def test_medical_web_page_and_breadcrumb_json_ld(client):
    page = a_therapy_page()
    blocks = json_ld(client.get(page.url).content.decode())
    page_data, crumbs = blocks[0], blocks[1]
    assert page_data["@type"] == "MedicalWebPage"
    assert "lastReviewed" not in page_data and "reviewedBy" not in page_data  # no clinical sign-off yet
    assert page_data["about"] == {"@type": "MedicalTherapy", "name": "Widget therapy"}
    as_signed_off(page.url)
    page_data = json_ld(client.get(page.url).content.decode())[0]
    assert page_data["lastReviewed"] == "2026-11-20"
    assert page_data["reviewedBy"]["name"] == "Rita Rao, Clinical nurse specialist"
    assert [item["name"] for item in crumbs["itemListElement"]] == ["Home", "Widget treatments", "Widget therapy"]


def test_faq_page_has_faq_json_ld(client):
    from education.models import FAQ

    asked = factories.FAQFactory(question="Can I test this?", answer="<p>Yes, with a test answer.</p>")
    factories.FAQFactory(question="Is this still a draft?", published=False)
    blocks = json_ld(client.get(factories.FAQIndexPageFactory().url).content.decode())
    faq = next(block for block in blocks if block["@type"] == "FAQPage")
    assert len(faq["mainEntity"]) == FAQ.objects.live().filter(locale__language_code="en").count()
    answers = {item["name"]: item["acceptedAnswer"]["text"] for item in faq["mainEntity"]}
    assert "Yes, with a test answer." in answers[asked.question]
    assert "Is this still a draft?" not in answers


def test_json_ld_cannot_be_broken_out_of(client):
    page = factories.ArticlePageFactory()
    page.title = "</script><script>alert(1)</script>"
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "</script><script>alert(1)" not in html
    assert json_ld(html)[0]["name"] == "</script><script>alert(1)</script>"


def test_canonical_and_open_graph(client):
    page = a_therapy_page()
    html = client.get(page.url).content.decode()
    assert '<link rel="canonical" href="http://testserver/en/widget-treatments/widget-therapy/">' in html
    assert '<meta property="og:title" content="Widget therapy">' in html


def test_sitemap_lists_live_pages_only(client):
    listed = a_therapy_page()
    factories.ArticlePageFactory(title="Widget research").unpublish()
    factories.ArticlePageFactory(title="Widget plans", published=False)
    xml = client.get("/sitemap.xml").content.decode()
    assert f"<loc>http://testserver{listed.url}</loc>" in xml
    assert "widget-research" not in xml and "widget-plans" not in xml


def test_robots_txt_points_to_sitemap_and_hides_admin(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
