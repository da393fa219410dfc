"""A Spanish-speaking reader's pages in Chromium: the page says it is Spanish (screen readers pick
the voice from it), the way to urgent help, the care-team note and the unreviewed notice are in
Spanish, the page says which English version it comes from, and the switcher keeps the reader on
the same page in the other language."""

import pytest
from playwright.sync_api import expect

from .conftest import SPANISH_PAGE_URLS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", SPANISH_PAGE_URLS)
def test_spanish_page_speaks_spanish_and_leads_to_urgent_help(portal_server, new_page, path):
    page = new_page()
    page.goto(portal_server + path)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_have_count(1)
    help_link = page.locator("header.site-header").get_by_role("link", name="Pida ayuda ahora", exact=True)
    expect(help_link).to_have_attribute("href", "/es/pida-ayuda-ahora/")
    expect(page.locator("main aside.standard-note")).to_contain_text("No reemplaza los consejos")
    expect(page.locator("main [data-unreviewed-notice]")).to_contain_text("todavía no ha revisado esta página")
    expect(page.locator("main [data-translation-notice]")).to_contain_text("Traducida de la versión en inglés")
    # The switcher leads to this page in English, named in English for those who look for it.
    english = page.locator("nav.language-switcher a[hreflang='en']")
    expect(english).to_have_text("English")
    expect(english).to_have_attribute("lang", "en")
    english.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    back = page.locator("nav.language-switcher a[hreflang='es']")
    expect(back).to_have_text("Español")
    back.click()
    assert page.url == portal_server + path


def test_an_english_page_with_no_spanish_version_says_its_spanish_link_goes_home(portal_server, new_page):
    page = new_page()
    page.goto(portal_server + "/en/benefits-and-limits/")
    spanish = page.locator("nav.language-switcher a[hreflang='es']")
    expect(spanish).to_have_text("Español: página de inicio")
    expect(spanish).to_have_attribute("href", "/es/")


def test_the_spanish_page_not_found_is_in_spanish(portal_server, new_page):
    page = new_page()
    assert page.goto(portal_server + "/es/no-existe/").status == 404
    expect(page.locator("html")).to_have_attribute("lang", "es")
