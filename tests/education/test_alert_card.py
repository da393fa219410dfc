"""The printable alert card: made from the site settings, never stale in the page cache, asking for
nothing and storing nothing, its QR code opening the clinicians' page, linked where patients
need it."""

import re

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from education.models import PortalSettings, TherapyTypePage
from education.qr_code import qr_code_svg
from tests.caching.kept_client import KeptResponsesClient
from tests.conftest import page_at
from tests.integrations.test_sub_path import PREFIX, prefixed  # noqa: F401 (a fixture, used by name)

pytestmark = pytest.mark.django_db

CARD_URL = "/en/alert-card/"
CLINICIANS_URL = "/en/alert-card/for-clinicians/"
CARD = re.compile(r'<div class="alert-card".*?<p class="alert-card__how">', re.DOTALL)
QR_PATH = re.compile(r'<path class="qrline"[^>]* d="([^"]+)"')
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def card_html(response) -> str:
    assert response.status_code == 200
    match = CARD.search(response.content.decode())
    assert match, "no alert card on the page"
    return match.group(0)


def update_settings(**fields) -> None:
    PortalSettings.objects.update(**fields)


def test_the_card_shows_the_organisation_and_numbers_from_the_settings(client):
    update_settings(
        organisation_name="Northshore Cancer Centre", care_team_phone="0191 555 0100", cell_therapy_team_phone=""
    )
    card = card_html(client.get(CARD_URL))
    assert "Northshore Cancer Centre" in card
    # On both sides: the holder's side and the clinicians' side, each a link a phone can dial.
    assert card.count('<a href="tel:01915550100">0191 555 0100</a>') == 2
    # No CAR-T team number of its own: no CAR-T line.
    assert "CAR-T team" not in card


def test_the_car_t_teams_own_number_is_on_the_card_where_it_has_one(client):
    update_settings(care_team_phone="0191 555 0100", cell_therapy_team_phone="0191 555 0199")
    card = card_html(client.get(CARD_URL))
    assert re.search(r'CAR-T team.{0,80}<a href="tel:01915550199">0191 555 0199</a>', card)


def test_without_a_care_team_number_the_card_leaves_a_line_to_write_it_on(client):
    update_settings(care_team_phone="")
    card = card_html(client.get(CARD_URL))
    assert 'href="tel:' not in card
    assert card.count('class="alert-card__blank"') == 2


def test_a_settings_change_reaches_a_card_the_page_cache_kept(settings):
    settings.PAGE_CACHE_ENABLED = True
    client = KeptResponsesClient()
    update_settings(organisation_name="Northshore Cancer Centre", care_team_phone="0191 555 0100")
    first = client.get(CARD_URL)
    assert first["X-Cache"] == "miss" and client.get(CARD_URL)["X-Cache"] == "hit"

    update_settings(organisation_name="Southview Hospital", care_team_phone="0191 555 0222")
    changed = client.get(CARD_URL)
    assert changed["X-Cache"] == "miss"
    card = card_html(changed)
    assert "Southview Hospital" in card and "0191 555 0222" in card
    assert "Northshore" not in card and "0191 555 0100" not in card


def test_the_card_page_asks_for_nothing_and_stores_nothing(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CARD_URL)
    html = response.content.decode()
    card = card_html(response)
    assert not re.search(r"<(input|textarea|select|form|button)\b|contenteditable", card)
    # The page beside it has no box to type a name into: no feedback form, nothing posted. The
    # only form left is the site search in the header.
    forms = re.findall(r"<form\b[^>]*>", html)
    assert len(forms) == 1 and 'role="search"' in forms[0] and "post" not in forms[0].lower()
    assert "<textarea" not in html
    assert [query["sql"] for query in queries.captured_queries if WRITES.match(query["sql"])] == []
    assert not response.cookies


def test_other_pages_keep_their_feedback_form(client):
    assert "<textarea" in client.get("/en/after-treatment/").content.decode()


def expected_qr_path(url: str) -> str:
    return QR_PATH.search(qr_code_svg(url, "any label", sized_by_css=True)).group(1)


def test_the_qr_code_opens_the_clinicians_page(client):
    card = card_html(client.get(CARD_URL))
    url = f"http://testserver{CLINICIANS_URL}"
    # The same address makes the same modules: the code on the card encodes exactly this one.
    assert QR_PATH.search(card).group(1) == expected_qr_path(url)
    assert QR_PATH.search(card).group(1) != expected_qr_path(f"http://testserver{CARD_URL}")
    assert f'href="{url}"' in card
    assert client.get(CLINICIANS_URL).status_code == 200


def test_a_card_read_over_https_is_never_given_the_http_address(client):
    card_html(client.get(CARD_URL))  # kept first for http
    card = card_html(client.get(CARD_URL, secure=True))
    url = f"https://testserver{CLINICIANS_URL}"
    assert QR_PATH.search(card).group(1) == expected_qr_path(url)
    assert f'href="{url}"' in card


@pytest.mark.usefixtures("prefixed")
def test_under_a_sub_path_the_qr_code_carries_the_prefix(client):
    card = card_html(client.get(CARD_URL))
    url = f"http://testserver{PREFIX}{CLINICIANS_URL}"
    assert QR_PATH.search(card).group(1) == expected_qr_path(url)
    assert f'href="{url}"' in card


def test_a_clinicians_page_that_is_not_public_gets_no_qr_code(client):
    page_at(CLINICIANS_URL).unpublish()
    card = card_html(client.get(CARD_URL))
    assert "<svg" not in card and "for-clinicians" not in card
    assert "For doctors and emergency teams" in card  # the note itself stays


def test_the_clinicians_page_carries_the_standard_note_help_and_sources(client, portal_settings):
    html = client.get(CLINICIANS_URL).content.decode()
    assert portal_settings.standard_note in html
    assert 'href="/en/get-help-now/"' in html
    assert 'class="reference-list' in html
    assert "24-hour number" in html


@pytest.mark.parametrize(
    "path",
    ["/en/get-help-now/", "/en/after-treatment/", "/en/side-effects-and-monitoring/"],
    ids=lambda path: path.strip("/"),
)
def test_pages_about_getting_help_link_to_the_card(client, path):
    assert f'href="{CARD_URL}"' in client.get(path).content.decode()


def test_every_therapy_page_links_to_the_card_chosen_in_the_settings(client):
    therapy_pages = TherapyTypePage.objects.live().filter(locale__language_code="en")
    assert therapy_pages.count() == 5
    for page in therapy_pages:
        assert re.search(rf'<p class="alert-card-link"><a href="{CARD_URL}">', client.get(page.url).content.decode()), (
            page.url
        )
    update_settings(alert_card_page=None)
    assert "alert-card-link" not in client.get(therapy_pages.first().url).content.decode()
