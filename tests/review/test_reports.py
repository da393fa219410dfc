"""The dashboard's "Content due for review" panel, the page listing's marks, and the reports:
review dates (rows, filter, CSV), readability, and links to unpublished or deleted pages."""

import csv
import datetime
import io

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Page

from education.page_text import excluded_terms, page_text
from education.readability import score_text
from review.review_dates import review_page_models
from tests import factories
from tests.conftest import page_at

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def review_dates():
    """All pages signed off and due in a year, except: one overdue, one due in 10 days, one never
    signed off."""
    today = timezone.localdate()
    overdue = factories.ArticlePageFactory(title="Widget help line")
    soon = factories.TherapyTypePageFactory(
        parent=factories.SectionPageFactory(title="Widget treatments"), title="Widget therapy"
    )
    never = factories.ArticlePageFactory(title="Widget carers")
    factories.ArticlePageFactory(title="Widget basics")  # signed off, due in a year
    signed_off_all_pages(today + datetime.timedelta(days=365))

    def set_due(page, due, **more):
        type(page).objects.filter(pk=page.pk).update(next_review_due=due, **more)
        return page

    return {
        "overdue": set_due(overdue, today - datetime.timedelta(days=5)),
        "soon": set_due(soon, today + datetime.timedelta(days=10)),
        "never": set_due(never, today, last_reviewed=None, reviewed_by=""),
    }


def signed_off_all_pages(due: datetime.date) -> None:
    for model in review_page_models():
        model.objects.update(
            last_reviewed=timezone.localdate() - datetime.timedelta(days=30),
            reviewed_by="Rita Rao, Clinical nurse specialist",
            next_review_due=due,
        )


def csv_rows(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


# --- Dashboard and listing ----------------------------------------------------------------------


def test_dashboard_panel_lists_unreviewed_overdue_and_due_soon_pages(review_dates, editor):
    html = client_for(editor).get(reverse("wagtailadmin_home")).content.decode()
    panel = html[html.index("Content due for review") :]
    unreviewed = panel.index("Not yet signed off by a clinician (1)")
    overdue, soon = panel.index("Overdue (1)"), panel.index("Due in the next 30 days (1)")
    assert unreviewed < panel.index("Widget carers") < overdue
    assert overdue < panel.index("Widget help line") < soon < panel.index("Widget therapy")
    assert "(5 days ago)" in panel and "(in 10 days)" in panel
    assert f'href="/admin/pages/{review_dates["overdue"].pk}/edit/"' in panel
    assert "Widget basics" not in panel


def test_dashboard_panel_links_reviewers_to_the_live_page(review_dates, reviewer):
    html = client_for(reviewer).get(reverse("wagtailadmin_home")).content.decode()
    assert f'href="{review_dates["overdue"].url}"' in html


def test_dashboard_panel_says_when_nothing_is_due(editor):
    signed_off_all_pages(timezone.localdate() + datetime.timedelta(days=365))
    html = client_for(editor).get(reverse("wagtailadmin_home")).content.decode()
    assert "Every live page has been signed off by a clinician, and none is overdue" in html


def test_page_listing_marks_overdue_and_due_soon_pages(review_dates, editor):
    html = client_for(editor).get(reverse("wagtailadmin_explore", args=(page_at("/").pk,))).content.decode()
    assert html.count('data-review-status="overdue"') == 1
    marker = html.index('data-review-status="overdue"')
    assert "Review overdue" in html[marker : marker + 800]
    hub = review_dates["soon"].get_parent()
    section = client_for(editor).get(reverse("wagtailadmin_explore", args=(hub.pk,)))
    assert section.content.decode().count('data-review-status="due_soon"') == 1


def test_page_listing_marks_cost_no_extra_query(review_dates, editor, monkeypatch):
    client = client_for(editor)
    url = reverse("wagtailadmin_explore", args=(page_at("/").pk,))
    client.get(url)
    with CaptureQueriesContext(connection) as marked:
        html = client.get(url).content.decode()
    assert "data-review-status" in html
    monkeypatch.setattr("review.wagtail_hooks.annotate_review_dates", lambda pages: pages)
    with CaptureQueriesContext(connection) as unmarked:
        html = client.get(url).content.decode()
    assert "data-review-status" not in html
    assert len(marked.captured_queries) == len(unmarked.captured_queries)


# --- Review dates report ------------------------------------------------------------------------


def test_review_dates_report_lists_every_page_with_its_dates(review_dates, reviewer):
    # One language at a time: every page fits on the report's first page.
    response = client_for(reviewer).get(reverse("review:review_dates"), {"locale": "en"})
    assert response.status_code == 200
    html = response.content.decode()
    for page in Page.objects.filter(depth__gt=1, locale__language_code="en"):
        assert page.title in html, page.title
    spanish = client_for(reviewer).get(reverse("review:review_dates"), {"locale": "es"}).content.decode()
    assert "Pida ayuda ahora" in spanish and "Widget carers" not in spanish
    # Never-reviewed and overdue pages come first.
    assert html.index("Widget carers") < html.index("Widget help line") < html.index("Widget therapy")
    assert html.index("Widget therapy") < html.index("Widget basics")


def test_review_dates_report_filters_by_status(review_dates, editor):
    html = client_for(editor).get(reverse("review:review_dates"), {"review_status": "overdue"}).content.decode()
    assert "Widget help line" in html and "Widget therapy" not in html


def test_review_dates_report_exports_csv(review_dates, editor):
    page = review_dates["overdue"]
    type(page).objects.filter(pk=page.pk).update(
        last_reviewed=datetime.date(2025, 1, 2), reviewed_by="Rita Rao, Clinical nurse specialist"
    )
    rows = csv_rows(client_for(editor).get(reverse("review:review_dates"), {"export": "csv"}))
    assert len(rows) == Page.objects.filter(depth__gt=1).count()
    row = next(row for row in rows if row["Page"] == "Widget help line")
    assert row["Review status"] == "Overdue"
    assert row["Last reviewed"] == "2025-01-02"
    assert row["Reviewed by"] == "Rita Rao, Clinical nurse specialist"
    assert row["Next review due"] == str(timezone.localdate() - datetime.timedelta(days=5))
    assert row["Address"] == "http://testserver/en/widget-help-line/"
    assert row["Type"] == "Article page"
    assert next(row for row in rows if row["Page"] == "Widget carers")["Review status"] == ("Not yet signed off")
    filtered = csv_rows(
        client_for(editor).get(reverse("review:review_dates"), {"export": "csv", "review_status": "due_soon"})
    )
    assert [row["Page"] for row in filtered] == ["Widget therapy"]


def test_review_dates_report_query_count_does_not_grow_with_pages(review_dates, editor):
    client = client_for(editor)
    url = reverse("review:review_dates")
    with CaptureQueriesContext(connection) as queries:
        b"".join(client.get(url, {"export": "csv"}).streaming_content)
    # Session, user, permissions, one query for the pages with their dates, whatever their number,
    # and the addresses' roots: the site and, with two languages, its home's translations.
    assert len(queries.captured_queries) <= 9
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    home = page_at("/")
    for index in range(5):
        home.add_child(
            instance=type(review_dates["overdue"])(
                title=f"Extra {index}", slug=f"extra-{index}", search_description="Extra."
            )
        )
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more.captured_queries) == len(few.captured_queries)


# --- Readability report -------------------------------------------------------------------------


def test_readability_report_matches_the_content_tests_measure(editor):
    therapy = factories.TherapyTypePageFactory(
        parent=factories.SectionPageFactory(),
        title="Widget therapy",
        how_it_works="<p>It wakes up your widget cells.</p>",
    )
    article = factories.ArticlePageFactory(
        title="Widget help line",
        body__0__text__value="<p>Call us at once if you feel unwell. Physiological perturbations necessitate evaluation.</p>",
    )
    rows = csv_rows(client_for(editor).get(reverse("review:readability"), {"export": "csv"}))
    assert len(rows) == Page.objects.live().filter(depth__gt=1, locale__language_code="en").count()
    for page in (therapy, article):
        expected = score_text(page_text(page), excluded_terms(page))
        row = next(row for row in rows if row["Page"] == page.title)
        assert float(row["Flesch-Kincaid grade"]) == expected.fk_grade
        assert float(row["SMOG grade"]) == expected.smog
        assert int(row["Words"]) == expected.words
    grades = [float(row["Flesch-Kincaid grade"]) for row in rows]
    assert grades == sorted(grades, reverse=True)
    assert client_for(editor).get(reverse("review:readability")).status_code == 200


# --- Links to unpublished or deleted pages ------------------------------------------------------


def test_broken_links_report_finds_links_to_unpublished_and_deleted_pages(publisher, editor):
    client = client_for(editor)
    url = reverse("review:broken_links")
    assert csv_rows(client.get(url, {"export": "csv"})) == []

    after = factories.ArticlePageFactory(title="Widget aftercare")
    research = factories.ArticlePageFactory(title="Widget research")
    hub = factories.SectionPageFactory()
    factories.TherapyTypePageFactory(parent=hub, title="Widget checkpoint", related_pages=[("page", after)])
    factories.TherapyTypePageFactory(parent=hub, title="Widget CAR", related_pages=[("page", research)])
    factories.ArticlePageFactory(
        title="Widget help line", body__0__text__value=f'<p>Read <a linktype="page" id="{after.pk}">this</a>.</p>'
    )
    factories.FAQFactory(answer=f'<p>Read <a linktype="page" id="{after.pk}">this</a>.</p>')
    client_for(publisher).post(reverse("wagtailadmin_pages:unpublish", args=(after.pk,)))
    client_for(publisher).post(reverse("wagtailadmin_pages:delete", args=(research.pk,)))

    rows = csv_rows(client.get(url, {"export": "csv"}))
    unpublished = [row for row in rows if row["Linked page ID"] == str(after.pk)]
    deleted = [row for row in rows if row["Linked page ID"] == str(research.pk)]
    assert unpublished and all(row["Problem"] == "Page not published" for row in unpublished)
    assert deleted and all(row["Problem"] == "Page deleted" for row in deleted)
    # A page chooser (related pages) and rich text are both read.
    assert any(
        row["Where the link is"] == "Widget checkpoint" and row["Field"] == "Related pages → Page"
        for row in unpublished
    )
    assert any(row["Where the link is"] == "Widget CAR" and row["Field"] == "Related pages → Page" for row in deleted)
    assert any(row["Field"] == "Body → Text" and row["Where the link is"] == "Widget help line" for row in unpublished)
    assert any(row["Type"] == "FAQ" and row["Field"] == "Answer" for row in unpublished)
    assert all(row["Patients see the link"] == "Yes" for row in rows)

    html = client.get(url).content.decode()
    assert "Widget aftercare" in html and "Page deleted" in html
