"""Printable handouts, JSON-LD, sitemap and robots.txt."""

import json
import re

import pytest

from tests.conftest import as_signed_off, page_at

pytestmark = pytest.mark.django_db


def json_ld(html: str) -> list[dict]:
    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)]


def test_handout_has_clinic_contacts_qr_code_and_standard_note(client, portal_settings):
    portal_settings.organisation_name = "St Elsewhere Cancer Centre"
    portal_settings.care_team_phone = "0800 123 4567"
    portal_settings.save()
    response = client.get("/handout/types/checkpoint-inhibitors/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "St Elsewhere Cancer Centre" in html and "0800 123 4567" in html
    assert "<svg" in html and "QR code for Checkpoint inhibitors" in html
    assert "http://testserver/types/checkpoint-inhibitors/" in html
    assert portal_settings.standard_note in html
    assert "This page has not yet been checked by a clinician." in html and "Page last reviewed" not in html
    assert "urgent--emergency" in html
    as_signed_off("/types/checkpoint-inhibitors/")
    html = client.get("/handout/types/checkpoint-inhibitors/").content.decode()
    assert "Page last reviewed" in html and "has not yet been checked" not in html


def test_handout_of_missing_or_unpublished_page_is_404(client):
    assert client.get("/handout/no-such-page/").status_code == 404
    page_at("/after-treatment/").unpublish()
    assert client.get("/handout/after-treatment/").status_code == 404


def test_every_page_links_to_its_handout(client):
    assert 'href="/handout/types/cytokines/"' in client.get("/types/cytokines/").content.decode()


def test_medical_web_page_and_breadcrumb_json_ld(client):
    blocks = json_ld(client.get("/types/cytokines/").content.decode())
    page, crumbs = blocks[0], blocks[1]
    assert page["@type"] == "MedicalWebPage"
    assert "lastReviewed" not in page and "reviewedBy" not in page  # no clinical sign-off yet
    assert page["about"] == {"@type": "MedicalTherapy", "name": "Cytokines"}
    as_signed_off("/types/cytokines/")
    page = json_ld(client.get("/types/cytokines/").content.decode())[0]
    assert page["lastReviewed"] == "2026-11-20"
    assert page["reviewedBy"]["name"] == "Rita Rao, Clinical nurse specialist"
    assert [item["name"] for item in crumbs["itemListElement"]] == ["Home", "Types of immunotherapy", "Cytokines"]


def test_faq_page_has_faq_json_ld(client):
    blocks = json_ld(client.get("/faqs/").content.decode())
    faq = next(block for block in blocks if block["@type"] == "FAQPage")
    assert len(faq["mainEntity"]) >= 25
    assert faq["mainEntity"][0]["acceptedAnswer"]["text"]


def test_json_ld_cannot_be_broken_out_of(client):
    page = page_at("/how-it-works/")
    page.title = "</script><script>alert(1)</script>"
    page.save_revision().publish()
    html = client.get("/how-it-works/").content.decode()
    assert "</script><script>alert(1)" not in html
    assert json_ld(html)[0]["name"] == "</script><script>alert(1)</script>"


def test_canonical_and_open_graph(client):
    html = client.get("/types/cytokines/").content.decode()
    assert '<link rel="canonical" href="http://testserver/types/cytokines/">' in html
    assert '<meta property="og:title" content="Cytokines">' in html


def test_sitemap_lists_live_pages_only(client):
    page_at("/research-and-future/").unpublish()
    xml = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/types/cytokines/</loc>" in xml
    assert "research-and-future" not in xml


def test_robots_txt_points_to_sitemap_and_hides_admin(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
