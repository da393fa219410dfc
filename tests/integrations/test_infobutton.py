"""HL7 Infobutton requests built the way EHRs send them (MedlinePlus Connect's URL format)."""

import json
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest

from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.models import PageViewRestriction

from education.blocks import ClinicalCodeBlock
from education.clinical_codes import Closeness, closeness
from education.models import TherapyTypePage
from tests.conftest import page_at

pytestmark = pytest.mark.django_db
ICD10CM, RXNORM, SNOMED = "2.16.840.1.113883.6.90", "2.16.840.1.113883.6.88", "2.16.840.1.113883.6.96"
ATOM = "{http://www.w3.org/2005/Atom}"
SERVER = "http://testserver"
CANCER = "/en/where-it-is-used/cancer/"
MELANOMA = f"{CANCER}melanoma-and-skin-cancers/"
LUNG = f"{CANCER}lung-cancer/"
BLADDER = f"{CANCER}bladder-cancer/"
BLOOD = f"{CANCER}blood-cancers/"


def ask(client, path="/infobutton/service", **params):
    # EHRs send dotted parameter names; build the query string exactly as they do.
    return client.get(f"{path}?{urlencode(params)}")


def entries(response) -> list[str]:
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return [entry.find(f"{ATOM}link").get("href") for entry in root.findall(f"{ATOM}entry")]


def icd(code: str, **extra) -> dict:
    return {"mainSearchCriteria.v.cs": ICD10CM, "mainSearchCriteria.v.c": code, **extra}


def snomed(code: str) -> dict:
    return {"mainSearchCriteria.v.cs": SNOMED, "mainSearchCriteria.v.c": code}


def answers(client, params) -> list[str]:
    """The paths of the pages an Atom answer lists, in its order."""
    return [href.removeprefix(SERVER) for href in entries(ask(client, **params))]


def code_and_publish(path: str, *codes: tuple[str, str]) -> None:
    """Give the page these codes and publish it, as an informatics reviewer would in the admin.

    A test that codes a page this way states its own codes, whatever the loaded content gives.
    """
    page = page_at(path)
    page.clinical_codes = [("code", {"system": system, "code": code, "display": ""}) for system, code in codes]
    page.save_revision().publish()


@pytest.mark.parametrize(
    ("code", "page"),
    [
        ("C43", MELANOMA),
        ("C43.9", MELANOMA),
        ("c439", MELANOMA),
        ("C4A.9", MELANOMA),
        ("C34.11", LUNG),
        ("C67.2", BLADDER),
    ],
)
def test_icd10cm_codes_match_hierarchically(client, code, page):
    response = ask(client, **icd(code))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert entries(response) == [f"{SERVER}{page}", f"{SERVER}{CANCER}"]


@pytest.mark.parametrize(
    ("params", "page"),
    [
        (icd("C43.9"), MELANOMA),
        (snomed("372244006"), MELANOMA),
        (icd("C34.90"), LUNG),
        (icd("C67.9"), BLADDER),
        (icd("C81.90"), BLOOD),
        (icd("C83.30"), BLOOD),
        (icd("C90.00"), BLOOD),
        (icd("C91.10"), BLOOD),
    ],
)
def test_the_loaded_content_answers_each_cancer_code_with_its_page_then_the_cancer_page(client, params, page):
    assert answers(client, params) == [page, CANCER]


def test_rxnorm_code_finds_the_therapy_page(client):
    response = ask(client, **{"mainSearchCriteria.v.cs": RXNORM, "mainSearchCriteria.v.c": "1547545"})
    assert entries(response) == ["http://testserver/en/types/checkpoint-inhibitors/"]


def test_no_match_is_an_empty_feed_with_200(client):
    response = ask(client, **icd("Z99.9"))
    assert response.status_code == 200 and entries(response) == []


def test_display_name_is_a_text_fallback(client):
    response = ask(client, **icd("Z99.9", **{"mainSearchCriteria.v.dn": "Cytokine release syndrome"}))
    assert "http://testserver/en/types/car-t-cell-therapy/" in entries(response)


def test_unknown_parameters_are_ignored(client):
    params = icd(
        "C43.9",
        **{
            "taskContext.c.c": "PROBLISTREV",
            "patientPerson.administrativeGenderCode.c": "F",
            "age.v.v": "54",
            "age.v.u": "a",
            "informationRecipient.languageCode.c": "en",
            "performer": "PROV",
        },
    )
    assert ask(client, **params).status_code == 200


def test_json_and_jsonp_responses(client):
    data = json.loads(ask(client, **icd("C43", knowledgeResponseType="application/json")).content)
    assert data["feed"]["entry"][0]["title"]["_value"] == "Immunotherapy for melanoma and other skin cancers"
    jsonp = ask(client, **icd("C43", knowledgeResponseType="application/javascript", callback="ehr.show"))
    assert jsonp["Content-Type"].startswith("application/javascript")
    body = jsonp.content.decode()
    assert body.startswith("/**/ehr.show({") and body.endswith(");")


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"mainSearchCriteria.v.c": "C43"}, "mainSearchCriteria.v.cs"),
        ({"mainSearchCriteria.v.cs": "1.2.3", "mainSearchCriteria.v.c": "C43"}, "mainSearchCriteria.v.cs"),
        ({"mainSearchCriteria.v.cs": ICD10CM}, "mainSearchCriteria.v.c"),
        ({"mainSearchCriteria.v.cs": ICD10CM, "mainSearchCriteria.v.c": "C43;DROP"}, "mainSearchCriteria.v.c"),
        (icd("C43", knowledgeResponseType="text/html"), "knowledgeResponseType"),
        (icd("C43", knowledgeResponseType="application/javascript", callback="alert(1)"), "callback"),
        (icd("C43", **{"informationRecipient.languageCode.c": "<en>"}), "informationRecipient.languageCode.c"),
    ],
)
def test_missing_or_malformed_required_parameters_get_400_naming_them(client, params, named):
    response = ask(client, **params)
    assert response.status_code == 400
    assert named in response.content.decode()


def test_unpublished_and_draft_content_never_answers(client):
    melanoma = page_at(MELANOMA)
    melanoma.title = "Melanoma INFOBUTTON-DRAFT-MARKER"
    melanoma.save_revision()
    assert "INFOBUTTON-DRAFT-MARKER" not in ask(client, **icd("C43")).content.decode()
    melanoma.unpublish()
    # No public page has C43 now, and the cancer page answers as a hub only above a page that matched.
    assert entries(ask(client, **icd("C43"))) == []


def test_application_view_lists_matches_as_an_embeddable_page(client):
    response = ask(client, path="/infobutton/application", **icd("C34"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/en/where-it-is-used/cancer/"' in html
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert ask(client, path="/infobutton/application").status_code == 400


# --- Most specific first ----------------------------------------------------------------------


def test_melanoma_codes_answer_the_melanoma_page_then_the_cancer_page(client):
    code_and_publish(MELANOMA, ("icd10cm", "C43"), ("snomed", "372244006"))
    # The cancer page keeps its own C43 (a parent, like the melanoma page's): the deeper page leads.
    assert answers(client, icd("C43.9")) == [MELANOMA, CANCER]
    # SNOMED CT matches exactly; the cancer page answers as the hub above the matched page.
    assert answers(client, snomed("372244006")) == [MELANOMA, CANCER]
    data = json.loads(ask(client, **snomed("372244006"), knowledgeResponseType="application/json").content)
    assert [entry["title"]["_value"] for entry in data["feed"]["entry"]] == [
        "Immunotherapy for melanoma and other skin cancers",
        "Immunotherapy for cancer",
    ]


def test_exact_code_then_parent_category_then_the_neoplasm_hub(client):
    code_and_publish(CANCER, ("icd10cm", "C00-D49"))
    code_and_publish(MELANOMA, ("icd10cm", "C43"))
    code_and_publish(LUNG, ("icd10cm", "C34"), ("icd10cm", "C34.1"))
    code_and_publish(BLADDER, ("icd10cm", "C67.9"))
    assert answers(client, icd("C43.9")) == [MELANOMA, CANCER]
    assert answers(client, icd("C67.9")) == [BLADDER, CANCER]  # exact
    assert answers(client, icd("C67.2")) == [CANCER]  # a sibling of C67.9 is not under it: only the block
    assert answers(client, icd("C34.11")) == [LUNG, CANCER]
    # A neoplasm no sub-page covers (breast, C50.9) still reaches the hub through its block.
    assert answers(client, icd("C50.9")) == [CANCER]
    assert answers(client, icd("M05.79")) == ["/en/where-it-is-used/autoimmune-conditions/"]


def test_a_longer_parent_code_ranks_before_a_shorter_one(client):
    # Same depth in the tree, so only how much of the code matched decides the order.
    code_and_publish("/en/where-it-is-used/autoimmune-conditions/", ("icd10cm", "C34.1"))
    assert answers(client, icd("C34.11")) == ["/en/where-it-is-used/autoimmune-conditions/", LUNG, CANCER]


def test_a_stem_shorter_than_a_category_never_matches():
    assert closeness("icd10cm", "C4", "C43.9") is None
    assert closeness("icd10cm", "C43", "C4") is None
    assert closeness("icd10cm", "C43", "C439") == (Closeness.PARENT, 3)
    assert closeness("icd10cm", "C43.9", "c439") == (Closeness.EXACT, 4)
    assert closeness("icd10cm", "C00-D49", "C4A.9") == (Closeness.HUB, 0)
    assert closeness("icd10cm", "C00-D49", "E11.9") is None
    assert closeness("snomed", "372244006", "37224400") is None  # SNOMED CT: whole codes only
    with pytest.raises(StructBlockValidationError):
        ClinicalCodeBlock().clean({"system": "icd10cm", "code": "C4", "display": ""})
    assert ClinicalCodeBlock().clean({"system": "icd10cm", "code": "C00-D49", "display": ""})["code"] == "C00-D49"


def test_a_short_query_does_not_match_longer_page_codes(client):
    assert answers(client, icd("C4")) == []


@pytest.mark.parametrize(
    ("path", "code"),
    [(MELANOMA, "C43.9"), (LUNG, "C34.90"), (BLADDER, "C67.9"), (BLOOD, "C90.00")],
)
def test_each_cancer_page_answers_its_code_first(client, path, code):
    code_and_publish(path, ("icd10cm", code[:3]))
    assert answers(client, icd(code)) == [path, CANCER]


def test_an_unpublished_or_private_page_never_answers_even_as_the_hub(client):
    code_and_publish(MELANOMA, ("icd10cm", "C43"), ("snomed", "372244006"))
    PageViewRestriction.objects.create(page=page_at(MELANOMA), restriction_type=PageViewRestriction.LOGIN)
    # The cancer page answers only as the hub above a page that may answer, so not at all here.
    assert answers(client, snomed("372244006")) == []
    assert answers(client, icd("C43.9")) == []
    PageViewRestriction.objects.all().delete()
    page_at(CANCER).unpublish()
    # The melanoma page is live still, but the hub above it no longer answers, by code or as hub.
    assert answers(client, snomed("372244006")) == [MELANOMA]
    assert answers(client, icd("C43.9")) == [MELANOMA]


def test_an_unknown_snomed_code_is_an_empty_feed(client):
    response = ask(client, **snomed("999999999"))
    assert response.status_code == 200 and entries(response) == []


# --- Medicines --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["1547545", "1597876", "1094833"])
def test_each_loaded_rxnorm_code_answers_its_therapy_page_only(client, code):
    params = {"mainSearchCriteria.v.cs": RXNORM, "mainSearchCriteria.v.c": code}
    assert answers(client, params) == ["/en/types/checkpoint-inhibitors/"]


def test_every_rxnorm_code_names_a_medicine_listed_on_its_page():
    # A medicine's code lives once, in its page's clinical codes, named as the medicine is listed.
    for page in TherapyTypePage.objects.live():
        listed = {block.value["generic_name"].lower() for block in page.medicines}
        coded = [block.value for block in page.clinical_codes if block.value["system"] == "rxnorm"]
        assert [code["display"] for code in coded if code["display"].lower() not in listed] == [], page.url_path
