"""The loaded site as a reader meets it: every live page (whatever pages the content files make)
has one title, the emergency number, an outline a screen reader can follow, and says that no
clinician has checked it yet. How each page type renders is tested with pages built for the
test in tests/education/test_pages_render.py."""

import pytest

from tests.html_outline import flat_headings

pytestmark = pytest.mark.django_db


def test_every_live_page_has_one_title_the_emergency_number_and_says_it_is_unreviewed(client, site, portal_settings):
    pages = site.root_page.get_descendants(inclusive=True).live().public()
    assert pages.count() > 1
    problems = []
    for page in pages:
        html = client.get(page.url).content.decode()
        if "This page has not yet been checked by a clinician." not in html or "Page last reviewed" in html:
            problems.append(f"{page.url}: claims a review it has not had")
        if html.count("<h1") != 1:
            problems.append(f"{page.url}: {html.count('<h1')} h1 elements")
        if f'href="tel:{portal_settings.emergency_number}"' not in html:
            problems.append(f"{page.url}: no link to call the emergency number")
        problems += [f"{page.url}: {heading}" for heading in flat_headings(html)]
    assert problems == []
