"""The cancer sub-pages as a patient reaches them: their facts, the therapy types used for each
(and the way back from those), and the cancer page as their hub."""

import re
from html import unescape

import pytest

from tests.conftest import page_at

pytestmark = pytest.mark.django_db

CANCER = "/en/where-it-is-used/cancer/"
CHECKPOINT, CAR_T, ANTIBODIES = (
    "/en/types/checkpoint-inhibitors/",
    "/en/types/car-t-cell-therapy/",
    "/en/types/monoclonal-antibodies/",
)
VACCINES, CYTOKINES = "/en/types/cancer-vaccines/", "/en/types/cytokines/"

# Each page, a fact it must state (brief, section 4.1), and the therapy types the brief names for it.
CONDITIONS = {
    f"{CANCER}melanoma-and-skin-cancers/": (
        [r"after surgery", r"injected into melanoma tumours", r"melanoma that has spread", r"rare melanoma of the eye"],
        {CHECKPOINT, VACCINES, CYTOKINES, ANTIBODIES},
    ),
    f"{CANCER}lung-cancer/": ([r"with chemotherapy", r"first treatment", r"PD-L1"], {CHECKPOINT}),
    f"{CANCER}bladder-cancer/": ([r"into your bladder", r"more advanced"], {CHECKPOINT, VACCINES}),
    f"{CANCER}blood-cancers/": (
        [r"B-cell ALL", r"myeloma", r"Hodgkin lymphoma", r"call your team at once"],
        {CHECKPOINT, CAR_T, ANTIBODIES},
    ),
}


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by the heading with this id."""
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def links_in(html: str) -> set[str]:
    return set(re.findall(r'href="([^"#]+)"', html))


@pytest.mark.parametrize("path", CONDITIONS)
def test_condition_page_states_its_facts_with_the_usual_parts(client, portal_settings, path):
    facts, _ = CONDITIONS[path]
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 200
    text = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))
    assert [fact for fact in facts if not re.search(fact, text)] == []
    assert " ".join(portal_settings.standard_note.split()) in text
    assert 'class="reference-list' in html
    assert 'href="/en/get-help-now/"' in html


@pytest.mark.parametrize("path", CONDITIONS)
def test_condition_page_sits_under_the_cancer_page_in_the_breadcrumbs(client, path):
    html = client.get(path).content.decode()
    crumbs = html[html.index('aria-label="Breadcrumb"') :]
    crumbs = crumbs[: crumbs.index("</nav>")]
    assert re.findall(r'href="([^"]+)"', crumbs) == ["/", "/en/where-it-is-used/", CANCER]
    assert f'aria-current="page">{page_at(path).title}<' in crumbs


@pytest.mark.parametrize("path", CONDITIONS)
def test_condition_page_links_to_its_therapy_types_and_they_link_back(client, path):
    _, therapies = CONDITIONS[path]
    listed = section(client.get(path).content.decode(), "therapy-types-heading")
    assert links_in(listed) == therapies
    for therapy in therapies:
        assert path in links_in(section(client.get(therapy).content.decode(), "used-for"))


def test_cancer_page_is_the_hub_of_the_four_pages(client):
    html = client.get(CANCER).content.decode()
    assert links_in(section(html, "narrower-conditions-heading")) == set(CONDITIONS)
    # Each section of the cancer page also points to its own page.
    body = html[html.index('id="main-content"') : html.index('id="narrower-conditions-heading"')]
    assert set(CONDITIONS) <= links_in(body)
    # The hub still lists every therapy type used for any cancer.
    assert links_in(section(html, "therapy-types-heading")) == {CHECKPOINT, CAR_T, ANTIBODIES, VACCINES, CYTOKINES}


def test_an_unpublished_sub_page_leaves_the_hub_and_the_therapy_pages(client):
    lung = f"{CANCER}lung-cancer/"
    page_at(lung).unpublish()
    assert client.get(lung).status_code == 404
    assert lung not in links_in(section(client.get(CANCER).content.decode(), "narrower-conditions-heading"))
    assert lung not in links_in(section(client.get(CHECKPOINT).content.decode(), "used-for"))


def test_a_page_without_narrower_pages_has_no_empty_listing(client):
    html = client.get("/en/where-it-is-used/autoimmune-conditions/").content.decode()
    assert "narrower-conditions-heading" not in html
