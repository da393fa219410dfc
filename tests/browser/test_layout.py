"""Layout and keyboard behaviour a patient relies on: no sideways scrolling on a small phone, a working
skip link, a visible focus style, pages that work without JavaScript, and the same furniture on
every page (one h1, the main landmark, the "Get help now" link, the standard note, review dates)."""

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # The browser_requirements fixture skips or fails these tests with the reason.
    expect = None

from .conftest import CONTENT_PAGE_URLS, NOT_FOUND_URL, PAGE_URLS, SPANISH_PAGE_URLS, SPANISH_TOOL_URLS, TOOL_PAGE_URLS

pytestmark = pytest.mark.browser

THERAPY_URL = "/en/types/checkpoint-inhibitors/"
MAX_TABS = 80

# What the keyboard is on, and whether a sighted keyboard user can see that.
FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        text: (el.innerText || el.textContent || '').trim().replace(/\\s+/g, ' '),
        href: el.getAttribute('href'),
        isSkipLink: el.classList.contains('skip-link'),
        inMain: !!el.closest('main'),
        inMainNav: !!el.closest('nav.site-nav'),
        inSiteHeader: !!el.closest('header.site-header'),
        outlineStyle: style.outlineStyle,
        outlineWidth: style.outlineWidth,
        boxShadow: style.boxShadow,
    };
}"""


# The page's width, plus the elements that stick out past the right edge of the viewport (ignoring
# those inside a scrolling or clipping box such as .table-wrap, which do not widen the page).
OVERFLOW = """() => {
    const inner = window.innerWidth;
    const clipped = el => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            if (getComputedStyle(p).overflowX !== 'visible') return true;
        }
        return false;
    };
    const culprits = [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > inner + 0.5 && !clipped(el))
        .filter(el => getComputedStyle(el).position !== 'absolute' || el.getBoundingClientRect().width > 1)
        .slice(0, 5)
        .map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).trim().split(/\\s+/).join('.') : '')
            + ' right=' + Math.round(el.getBoundingClientRect().right)
            + ' "' + (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50) + '"');
    return {scroll: document.documentElement.scrollWidth, inner, culprits};
}"""


def focus_is_visible(focused: dict) -> bool:
    outline = focused["outlineStyle"] != "none" and focused["outlineWidth"] not in ("0px", "")
    return outline or focused["boxShadow"] != "none"


def describe_focus(focused: dict | None) -> str:
    if focused is None:
        return "nothing (body)"
    return f"<{focused['tag']}{' id=' + focused['id'] if focused['id'] else ''}> {focused['text']!r}"


@pytest.mark.parametrize("path", PAGE_URLS + TOOL_PAGE_URLS + SPANISH_PAGE_URLS + SPANISH_TOOL_URLS)
def test_no_horizontal_scrolling_at_320px(portal_server, new_page, path):
    page = new_page(width=320, height=640)
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.goto(portal_server + path)
    # The page itself needs nothing the strict policy refuses (no inline script or style).
    assert not refused, refused
    widths = page.evaluate(OVERFLOW)
    assert widths["scroll"] <= widths["inner"], (
        f"{path} scrolls sideways at 320px: scrollWidth {widths['scroll']} > innerWidth {widths['inner']}; "
        f"sticking out: {widths['culprits']}"
    )


# Sideways scrolling as the reader meets it: the page wider than the part of the window it shows.
SCROLLS_SIDEWAYS = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"


def test_the_page_not_found_does_not_scroll_sideways_on_a_small_phone(portal_server, new_page):
    page = new_page(width=320, height=640)
    assert page.goto(portal_server + NOT_FOUND_URL).status == 404
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    # The measure catches a page that does.
    page.evaluate(
        "() => { const wide = document.createElement('div'); wide.style.width = '400px';"
        " wide.style.height = '1px'; document.querySelector('main').append(wide); }"
    )
    assert page.evaluate(SCROLLS_SIDEWAYS)


def test_skip_link_is_first_and_moves_focus_to_main(portal_server, new_page):
    page = new_page()
    page.goto(portal_server + THERAPY_URL)

    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused is not None and focused["isSkipLink"], f"first Tab focused {describe_focus(focused)}"
    assert "Skip to main content" in focused["text"]
    assert focus_is_visible(focused), f"skip link has no visible focus style: {focused}"
    expect(page.locator("a.skip-link")).to_be_in_viewport()

    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main-content'")
    assert page.evaluate("document.activeElement.matches('main#main-content')")


def test_tab_order_reaches_help_link_and_navigation_before_main(portal_server, new_page):
    page = new_page()
    page.goto(portal_server + THERAPY_URL)
    nav_hrefs = page.locator("nav.site-nav a:visible").evaluate_all("links => links.map(a => a.getAttribute('href'))")

    before_main: list[dict] = []
    first_in_main = None
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused is not None, "Tab left the page before reaching the main content"
        assert focus_is_visible(focused), f"no visible focus style on {describe_focus(focused)}: {focused}"
        if focused["inMain"]:
            first_in_main = focused
            break
        before_main.append(focused)
    assert first_in_main is not None, f"{MAX_TABS} Tabs never reached a link inside main"

    order = " -> ".join(describe_focus(f) for f in [*before_main, first_in_main])
    assert before_main and before_main[0]["isSkipLink"], f"the skip link is not first. Tab order: {order}"
    assert any(f["inSiteHeader"] and f["text"] == "Get help now" for f in before_main), (
        f"the header 'Get help now' link was not reached before main. Tab order: {order}"
    )
    assert nav_hrefs, f"the page has no main navigation (nav.site-nav) links. Tab order: {order}"
    reached_nav = [f["href"] for f in before_main if f["inMainNav"]]
    assert reached_nav == nav_hrefs, f"main navigation not all reached, in order, before main. Tab order: {order}"


@pytest.mark.parametrize("java_script_enabled", [True, False])
def test_on_a_phone_the_menu_is_folded_and_opens_from_the_keyboard(portal_server, new_page, java_script_enabled):
    page = new_page(width=375, height=700, java_script_enabled=java_script_enabled)
    page.goto(portal_server + THERAPY_URL)
    header_height = page.locator("header.site-header").bounding_box()["height"]
    assert header_height < 200, f"the header takes {header_height:.0f} px of a 700 px phone screen"
    expect(page.locator("h1")).to_be_in_viewport()
    menu_links = page.locator("nav.site-nav a:visible")
    expect(menu_links).to_have_count(0)
    page.locator("nav.site-nav summary").focus()
    page.keyboard.press("Enter")
    expect(menu_links.first).to_be_visible()
    assert "Types of immunotherapy" in menu_links.all_inner_texts()
    expect(page.locator("nav.site-nav a:visible[aria-current]")).to_have_count(1)


@pytest.mark.parametrize("path", ["/en/", THERAPY_URL, "/en/faqs/"])
def test_pages_work_without_javascript(portal_server, new_page, path):
    page = new_page(java_script_enabled=False)
    page.goto(portal_server + path)
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("h1")).not_to_be_empty()

    if path == "/en/faqs/":
        faq = page.locator("details.faq").first
        answer = faq.locator(".faq__answer")
        expect(faq).not_to_have_attribute("open", "")
        expect(answer).to_be_hidden()
        faq.locator("summary").click()
        expect(faq).to_have_attribute("open", "")
        expect(answer).to_be_visible()


@pytest.mark.parametrize("path", PAGE_URLS)
def test_every_page_has_the_standard_furniture(portal_server, new_page, path):
    page = new_page()
    page.goto(portal_server + path)

    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("main#main-content")).to_have_count(1)
    # The header renders the help link on every page, the help page itself included.
    expect(page.locator("header.site-header").get_by_role("link", name="Get help now", exact=True)).to_have_count(1)

    if path != NOT_FOUND_URL:
        assert path in CONTENT_PAGE_URLS
        expect(page.locator("main aside.standard-note")).to_have_count(1)
        expect(page.locator("main aside.standard-note")).not_to_be_empty()
        # The loaded content has had no clinical sign-off: it says so above everything but the title.
        expect(page.locator("main .review-dates")).to_have_count(0)
        notice = page.locator("main h1 + [data-unreviewed-notice]")
        expect(notice).to_contain_text("This page has not yet been checked by a clinician.")
        expect(notice).to_be_visible()
