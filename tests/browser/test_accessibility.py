"""axe-core finds no WCAG 2.2 AA or best-practice problems on any page, at desktop and phone widths,
and no page fetches anything from another origin (no CDN, web fonts or analytics)."""

from urllib.parse import urlsplit

import pytest

from .conftest import AXE_JS, NOT_FOUND_URLS, PAGE_URLS, SPANISH_PAGE_URLS, SPANISH_TOOL_URLS, TOOL_PAGE_URLS

pytestmark = pytest.mark.browser

WIDTHS = [1280, 375]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_RUN = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(results =>
    results.violations.map(v => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        count: v.nodes.length,
        targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
    }))
)"""


def describe(violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe violation(s):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation['impact']}] {violation['help']} ({violation['count']} element(s))"
        )
        lines.extend(f"    {target}" for target in violation["targets"])
    return "\n".join(lines)


@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
@pytest.mark.parametrize("path", PAGE_URLS + TOOL_PAGE_URLS + SPANISH_PAGE_URLS + SPANISH_TOOL_URLS)
def test_page_is_accessible_and_self_contained(portal_server, new_page, path, width):
    # axe-core is injected as an inline script, which the site's CSP rightly refuses; the test
    # browser alone is told to let it run. Everything the page itself loads is still checked.
    page = new_page(width=width, height=812 if width < 768 else 800, bypass_csp=True)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    response = page.goto(portal_server + path, wait_until="load")
    assert response is not None
    assert response.status == (404 if path in NOT_FOUND_URLS else 200)

    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(AXE_RUN, AXE_TAGS)
    assert violations == [], describe(violations)

    origin = urlsplit(portal_server)
    foreign = [
        url
        for url in requested
        if urlsplit(url).scheme != "data"
        and (urlsplit(url).scheme, urlsplit(url).netloc) != (origin.scheme, origin.netloc)
    ]
    assert requested, "no requests were recorded"
    assert foreign == [], "requests to other origins:\n" + "\n".join(foreign)
