"""The alert card in Chromium: accessible on screen at desktop and phone widths, printed from a
real browser onto one A4 or US Letter sheet with both sides at the size of a bank card."""

import re

import pytest

from .conftest import AXE_JS
from .test_accessibility import AXE_RUN, AXE_TAGS, describe
from .test_layout import SCROLLS_SIDEWAYS

pytestmark = pytest.mark.browser

CARD_URL = "/en/alert-card/"
CLINICIANS_URL = "/en/alert-card/for-clinicians/"
POINTS_PER_MM = 72 / 25.4
PIXELS_PER_MM = 96 / 25.4
# Paper in millimetres, and the margin print.css gives the card's page (@page alert-card).
PAPER = {"A4": (210, 297), "Letter": (215.9, 279.4)}
CARD_PAGE_MARGIN_MM = 12
CARD_SIDE_MM = (85.6, 54)  # ISO/IEC 7810 ID-1, a bank card

PAGE_COUNT = re.compile(rb"/Type\s*/Pages\b.*?/Count\s+(\d+)", re.DOTALL)
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]")

# Sizes as printed, in CSS pixels, with what shows (emulated print media).
PRINTED = """() => {
    const box = el => { const r = el.getBoundingClientRect(); return [r.width, r.height]; };
    const shown = el => el.getClientRects().length > 0;
    return {
        sheet: box(document.querySelector('.alert-card__sheet')),
        sides: [...document.querySelectorAll('.alert-card__face')].map(box),
        marks: [...document.querySelectorAll('.alert-card__mark')].filter(shown).length,
        otherContent: [...document.querySelectorAll('.content-page > :not(.alert-card), .site-header, .site-footer')]
            .filter(shown).map(el => el.tagName + '.' + el.className),
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
    };
}"""


def pdf_pages(pdf: bytes) -> tuple[int, list[tuple[float, float]]]:
    """The page count and each page's size in millimetres, read from the PDF's page objects
    (Chromium writes them uncompressed)."""
    count = int(PAGE_COUNT.search(pdf).group(1))
    sizes = [
        ((float(x1) - float(x0)) / POINTS_PER_MM, (float(y1) - float(y0)) / POINTS_PER_MM)
        for x0, y0, x1, y1 in MEDIA_BOX.findall(pdf)
    ]
    return count, sizes


@pytest.mark.parametrize("width", [1280, 320], ids=lambda width: f"{width}px")
@pytest.mark.parametrize("path", [CARD_URL, CLINICIANS_URL])
def test_the_card_and_the_clinicians_page_are_accessible(portal_server, new_page, path, width):
    page = new_page(width=width, height=800, bypass_csp=True)
    assert page.goto(portal_server + path).status == 200
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(AXE_RUN, AXE_TAGS)
    assert violations == [], describe(violations)


@pytest.mark.parametrize("paper", PAPER)
def test_the_card_prints_on_one_sheet_of_a4_or_letter(portal_server, new_page, paper):
    page = new_page()
    page.goto(portal_server + CARD_URL)
    count, sizes = pdf_pages(page.pdf(format=paper))
    assert count == 1
    (width, height), expected = sizes[0], PAPER[paper]
    assert abs(width - expected[0]) < 0.5 and abs(height - expected[1]) < 0.5, sizes


@pytest.mark.parametrize("paper", PAPER)
def test_printed_the_card_alone_at_bank_card_size_with_its_marks(portal_server, new_page, paper):
    # The width Chromium lays a printed page out in: wider content would make it shrink the
    # whole sheet, and the card with it.
    printable_mm = PAPER[paper][0] - 2 * CARD_PAGE_MARGIN_MM
    page = new_page(width=round(printable_mm * PIXELS_PER_MM), height=900)
    page.goto(portal_server + CARD_URL)
    page.emulate_media(media="print")
    printed = page.evaluate(PRINTED)
    assert printed["scroll"] <= printed["client"], printed
    side = [mm * PIXELS_PER_MM for mm in CARD_SIDE_MM]
    assert printed["sides"] == [pytest.approx(side, abs=0.5)] * 2
    assert printed["sheet"] == pytest.approx([2 * side[0], side[1]], abs=0.5)
    assert printed["marks"] == 4
    assert printed["otherContent"] == []
