"""A Spanish page's editor sees its reading ease on the Spanish scales, not English grades."""

import pytest

from wagtail.models import Locale

from education.page_text import excluded_terms, page_text
from education.readability import score_spanish_text
from review.readability_panel import readability_report
from tests.conftest import page_at

pytestmark = pytest.mark.django_db


def test_a_spanish_page_is_scored_on_the_spanish_scales():
    spanish = page_at("/en/get-help-now/").get_translation(Locale.objects.get(language_code="es")).specific
    report = readability_report(spanish)
    expected = score_spanish_text(page_text(spanish), excluded_terms(spanish))
    assert report.spanish == expected and report.has_text
    assert report.fernandez_huerta_verdict in {"meets the aim", "within the target"}
    assert report.plainer_words == [] and report.long_words == []


def test_an_english_page_keeps_its_grades():
    report = readability_report(page_at("/en/get-help-now/"))
    assert report.spanish is None and report.scores.fk_grade > 0


def test_the_editor_panel_shows_the_spanish_scores(client, admin_user):
    spanish = page_at("/en/get-help-now/").get_translation(Locale.objects.get(language_code="es"))
    client.force_login(admin_user)
    html = client.get(f"/admin/pages/{spanish.pk}/edit/").content.decode()
    assert "data-readability-fernandez-huerta" in html and "data-readability-fk" not in html
