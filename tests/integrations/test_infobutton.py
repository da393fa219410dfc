"""HL7 Infobutton requests built the way EHRs send them (MedlinePlus Connect's URL format)."""

import json
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest

from tests.conftest import page_at

pytestmark = pytest.mark.django_db
ICD10CM, RXNORM, SNOMED = "2.16.840.1.113883.6.90", "2.16.840.1.113883.6.88", "2.16.840.1.113883.6.96"
ATOM = "{http://www.w3.org/2005/Atom}"


def ask(client, path="/infobutton/service", **params):
    # EHRs send dotted parameter names; build the query string exactly as they do.
    return client.get(f"{path}?{urlencode(params)}")


def entries(response) -> list[str]:
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return [entry.find(f"{ATOM}link").get("href") for entry in root.findall(f"{ATOM}entry")]


def icd(code: str, **extra) -> dict:
    return {"mainSearchCriteria.v.cs": ICD10CM, "mainSearchCriteria.v.c": code, **extra}


@pytest.mark.parametrize("code", ["C43", "C43.9", "c439", "C34.11", "C67.2"])
def test_icd10cm_codes_match_hierarchically(client, code):
    response = ask(client, **icd(code))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert entries(response) == ["http://testserver/where-it-is-used/cancer/"]


def test_rxnorm_code_finds_the_therapy_page(client):
    response = ask(client, **{"mainSearchCriteria.v.cs": RXNORM, "mainSearchCriteria.v.c": "1547545"})
    assert entries(response) == ["http://testserver/types/checkpoint-inhibitors/"]


def test_no_match_is_an_empty_feed_with_200(client):
    response = ask(client, **icd("Z99.9"))
    assert response.status_code == 200 and entries(response) == []


def test_display_name_is_a_text_fallback(client):
    response = ask(client, **icd("Z99.9", **{"mainSearchCriteria.v.dn": "Cytokine release syndrome"}))
    assert "http://testserver/types/car-t-cell-therapy/" in entries(response)


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
    assert data["feed"]["entry"][0]["title"]["_value"] == "Immunotherapy for cancer"
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
    cancer = page_at("/where-it-is-used/cancer/")
    cancer.title = "Cancer INFOBUTTON-DRAFT-MARKER"
    cancer.save_revision()
    assert "INFOBUTTON-DRAFT-MARKER" not in ask(client, **icd("C43")).content.decode()
    cancer.unpublish()
    assert entries(ask(client, **icd("C43"))) == []


def test_application_view_lists_matches_as_an_embeddable_page(client):
    response = ask(client, path="/infobutton/application", **icd("C34"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/where-it-is-used/cancer/"' in html
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert ask(client, path="/infobutton/application").status_code == 400
