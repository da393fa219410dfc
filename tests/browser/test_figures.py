"""Diagrams in a real browser: no axe-core problems, no sideways scrolling on a phone or at 200% zoom,
labels that stay readable at every width, the reader's colours in forced-colours mode, and black
labels on paper."""

import pytest

from .conftest import AXE_JS
from .test_accessibility import AXE_RUN, AXE_TAGS, describe
from .test_layout import OVERFLOW

pytestmark = pytest.mark.browser

DIAGRAM_PAGES = [
    "/en/how-it-works/",
    "/en/types/checkpoint-inhibitors/",
    "/en/types/car-t-cell-therapy/",
    "/en/types/monoclonal-antibodies/",
    "/en/side-effects-and-monitoring/",
]
# A 1280 px screen at 200% zoom lays the page out in 640 CSS pixels, drawn with two device pixels
# each: the same as a 640 px viewport at device scale 2 (WCAG 1.4.10 reflow, 1.4.4 resize text).
WIDTHS = {"desktop": (1280, 1), "phone": (320, 2), "zoom-200": (640, 2)}
SMALLEST_LABEL_PX = 14

# The on-screen size of every label: its font size times how much its drawing is scaled.
LABEL_SIZES = """() => [...document.querySelectorAll('figure.diagram svg')].flatMap(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('text')].map(text => ({
        text: text.textContent.trim(),
        px: parseFloat(getComputedStyle(text).fontSize) * scale,
    }));
})"""

# Computed paint of every drawn element, and the colour the page's own text was forced to.
PAINT = """() => ({
    text: getComputedStyle(document.querySelector('figure.diagram figcaption')).color,
    labels: [...document.querySelectorAll('figure.diagram svg text')].map(t => getComputedStyle(t).fill),
    strokes: [...document.querySelectorAll('figure.diagram svg [stroke]')].map(e => getComputedStyle(e).stroke),
    fills: [...document.querySelectorAll('figure.diagram svg :not(text)[fill]:not([fill="none"]):not(.diagram__ink)')]
        .map(e => getComputedStyle(e).fill),
    background: getComputedStyle(document.body).backgroundColor,
})"""


@pytest.mark.parametrize("width", [1280, 320], ids=lambda width: f"{width}px")
@pytest.mark.parametrize("path", DIAGRAM_PAGES)
def test_diagram_page_has_no_axe_violations(portal_server, new_page, path, width):
    page = new_page(width=width, height=800, bypass_csp=True)
    page.goto(portal_server + path)
    assert page.locator("figure.diagram svg text").count() >= 8
    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(AXE_RUN, AXE_TAGS)
    assert violations == [], describe(violations)


@pytest.mark.parametrize("size", WIDTHS, ids=str)
@pytest.mark.parametrize("path", DIAGRAM_PAGES)
def test_diagram_fits_the_screen_with_readable_labels(portal_server, new_page, path, size):
    width, scale = WIDTHS[size]
    page = new_page(width=width, height=800, device_scale_factor=scale)
    page.goto(portal_server + path)
    overflow = page.evaluate(OVERFLOW)
    client_width = page.evaluate("() => document.documentElement.clientWidth")
    assert overflow["scroll"] <= client_width, f"scrolls sideways: {overflow['culprits']}"
    labels = page.evaluate(LABEL_SIZES)
    assert labels, "no diagram labels"
    smallest = min(labels, key=lambda label: label["px"])
    assert smallest["px"] >= SMALLEST_LABEL_PX, f"label {smallest['text']!r} is {smallest['px']:.1f} px"


@pytest.mark.parametrize("path", DIAGRAM_PAGES)
def test_diagram_takes_the_readers_colours_in_forced_colours_mode(portal_server, new_page, path):
    page = new_page(width=1280, height=800)
    page.emulate_media(forced_colors="active")
    page.goto(portal_server + path)
    paint = page.evaluate(PAINT)
    # Every label and line in the colour the browser forced the page's text to; light fills
    # become the page's own background, so nothing is lost against a dark theme.
    assert set(paint["labels"]) == {paint["text"]}
    assert set(paint["strokes"]) == {paint["text"]}
    assert paint["fills"] and set(paint["fills"]) == {paint["background"]}


@pytest.mark.parametrize("path", DIAGRAM_PAGES)
def test_diagram_prints_with_black_labels_and_its_description(portal_server, new_page, path):
    page = new_page(width=1280, height=800)
    page.emulate_media(media="print")
    page.goto(portal_server + path)
    paint = page.evaluate(PAINT)
    assert set(paint["labels"]) == {"rgb(0, 0, 0)"}
    assert page.locator("figure.diagram svg").first.is_visible()
    assert page.locator("figure.diagram .diagram__description").is_visible()
