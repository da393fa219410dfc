"""The privacy notice and accessibility statement: linked from every footer (the link left out
while a page is not public), and the notice's retention periods are the configured ones."""

import re
from html import unescape

import pytest

from django.apps import apps
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils.html import strip_tags

from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from caching import fragments, release
from education.loader import ContentFileError
from education.loader.reader import read_page_file
from education.models import PortalSettings
from education.page_text import page_text
from operations.retention import duration, stored_data
from tests import factories
from tests.conftest import page_at

pytestmark = pytest.mark.django_db

DAY = 24 * 3600
POLICY_LINKS = {"/en/privacy/": "Privacy notice", "/en/accessibility/": "Accessibility statement"}


@pytest.fixture
def pages():
    """A therapy page in its hub, to carry the footers, and a page that could be the privacy notice."""
    factories.TherapyTypePageFactory(
        parent=factories.SectionPageFactory(title="Widget treatments"), title="Widget therapy"
    )
    factories.ArticlePageFactory(title="Widget about")


def footer(html: str, css_class: str) -> str:
    match = re.search(rf'<footer class="{css_class}.*?</footer>', html, re.DOTALL)
    assert match, f"no {css_class}"
    return match.group(0)


def links_in(html: str) -> dict[str, str]:
    return {href: strip_tags(text).strip() for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', html)}


def table_rows(html: str) -> list[tuple[str, ...]]:
    """(what, why, how long) for each row of the privacy table, as a reader sees them."""
    table = re.search(r'<table class="data-table stored-data-table">.*?</table>', html, re.DOTALL).group(0)
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", table, re.DOTALL)
    clean = [re.sub(r"^(Why|How long): ", "", unescape(strip_tags(cell)).strip()) for row in rows for cell in row]
    return [tuple(clean[i : i + 3]) for i in range(0, len(clean), 3)]


def how_long(html: str, what_starts: str) -> str:
    return next(row[2] for row in table_rows(html) if row[0].startswith(what_starts))


# --- Footer links -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/en/", "/en/widget-treatments/widget-therapy/", "/en/privacy/", "/en/search/?q=fatigue", "/en/a-z/"]
)
def test_every_site_footer_links_both_pages_once(client, pages, path):
    html = client.get(path).content.decode()
    links = links_in(footer(html, "site-footer"))
    assert {href: links.get(href) for href in POLICY_LINKS} == POLICY_LINKS
    assert footer(html, "site-footer").count('href="/en/privacy/"') == 1  # not also among the other pages


def test_the_home_page_lists_them_in_its_footer_only(client):
    html = client.get("/en/").content.decode()
    assert html.count('href="/en/privacy/"') == html.count('href="/en/accessibility/"') == 1


def test_the_embed_footer_links_both_pages_in_a_new_tab(client, pages):
    html = footer(client.get("/en/embed/widget-treatments/widget-therapy/").content.decode(), "embed-footer")
    for path, title in POLICY_LINKS.items():
        assert re.search(rf'<a href="http://testserver{path}" target="_blank" rel="noopener">{title}<', html)


def test_a_page_that_is_not_public_is_not_linked(client, pages):
    page_at("/en/privacy/").unpublish()
    for path in ("/en/widget-treatments/widget-therapy/", "/en/embed/widget-treatments/widget-therapy/"):
        html = client.get(path).content.decode()
        assert "/en/privacy/" not in html and "Privacy notice" not in html
        assert "/en/accessibility/" in html


def test_the_portal_settings_can_name_another_page(client, site, pages):
    PortalSettings.objects.filter(site=site).update(privacy_page=page_at("/en/widget-about/"))
    links = links_in(footer(client.get("/en/widget-treatments/widget-therapy/").content.decode(), "site-footer"))
    assert links["/en/widget-about/"] == "Widget about"
    assert "/en/privacy/" in links  # still a top-level page, now listed with the others


def test_the_privacy_page_carries_the_standard_note_and_help_link(client, portal_settings):
    html = client.get("/en/privacy/").content.decode()
    assert portal_settings.standard_note in html and 'href="/en/get-help-now/"' in html


# --- The retention periods on the page are the configured ones --------------------------------


def restart():
    """What a restart after a configuration change does to what is kept: this process's copies are
    gone, and (tested below) the shared cache's keys name another release."""
    fragments.worker_memory.clear()
    release.release.cache_clear()


def test_the_table_shows_the_configured_periods(client):
    html = client.get("/en/privacy/").content.decode()
    assert how_long(html, "Your answer") == f"{duration(settings.FEEDBACK_RETENTION_DAYS * DAY)}, then we delete it."
    assert (
        how_long(html, "The words people")
        == f"{duration(settings.SEARCH_COUNTS_RETENTION_DAYS * DAY)}, then we delete it."
    )
    assert how_long(html, "For staff who sign in to edit").startswith(
        duration(settings.LOGIN_RECORDS_RETENTION_DAYS * DAY)
    )
    assert "(15 minutes)" in how_long(html, "For staff who type a wrong password")
    assert how_long(html, "When you search") == "Up to 1 hour, then it is gone."  # password-reset requests
    assert how_long(html, "For staff who sign in: a cookie") == (
        "Until they sign out, or 1 hour without using the site, and 10 hours after they signed in at most."
    )
    assert [row[0] for row in table_rows(html)] == [row.what for row in stored_data()]


@pytest.mark.parametrize(
    ("setting", "row", "value", "shown"),
    [
        ("FEEDBACK_RETENTION_DAYS", "Your answer", 30, "30 days, then we delete it."),
        ("SEARCH_COUNTS_RETENTION_DAYS", "The words people", 1, "1 day, then we delete it."),
        ("LOGIN_RECORDS_RETENTION_DAYS", "For staff who sign in to edit", 400, "400 days, then we delete it."),
        ("AXES_COOLOFF_TIME", "For staff who type a wrong password", 2, "(2 hours)"),
        ("STAFF_SESSION_IDLE_SECONDS", "For staff who sign in: a cookie", 30 * 60, "or 30 minutes without"),
        ("STAFF_SESSION_MAX_SECONDS", "For staff who sign in: a cookie", 8 * 3600, "and 8 hours after"),
        ("RATE_LIMITS", "When you search", {"search": (10, 60)}, "Up to 1 minute,"),
    ],
)
def test_a_changed_setting_changes_the_page(client, setting, row, value, shown):
    before = how_long(client.get("/en/privacy/").content.decode(), row)
    assert shown not in before
    with override_settings(**{setting: value}):
        restart()
        assert shown in how_long(client.get("/en/privacy/").content.decode(), row)
    restart()


def test_a_changed_period_is_another_release_so_no_shared_copy_outlives_it():
    restart()
    first = release.release()
    with override_settings(FEEDBACK_RETENTION_DAYS=settings.FEEDBACK_RETENTION_DAYS + 1):
        restart()
        assert release.release() != first
    restart()


def test_the_written_text_names_no_period_of_its_own():
    # Periods belong in the table, which reads them from settings; a number written in the page's
    # own text would not change with them.
    page = page_at("/en/privacy/")
    table_lines = {line for row in stored_data() for line in (row.what, row.why, row.how_long)}
    written = [line for line in page_text(page).splitlines() if line not in table_lines]
    periods = r"\b(\d+|one|two|three|six|twelve)\s+(second|minute|hour|day|week|month|year)s?\b"
    assert [line for line in written if re.search(periods, line, re.IGNORECASE)] == []


def test_the_table_is_part_of_the_measured_reading_level():
    assert stored_data()[0].why in page_text(page_at("/en/privacy/"))


def test_editors_write_the_text_and_the_site_fills_in_the_table(admin_client):
    page = page_at("/en/privacy/")
    url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    edited = {
        "title": page.title,
        "slug": page.slug,
        "search_description": page.search_description,
        "body": streamfield(
            [
                ("text", rich_text("<p>St Elsewhere runs this site.</p>")),
                ("stored_data", {"caption": "What St Elsewhere keeps"}),
            ]
        ),
        "references": streamfield([]),
        "related_pages": streamfield([]),
        "last_reviewed": "",
        "next_review_due": "",
        "reviewed_by": "",
        "action-publish": "publish",
    }
    assert admin_client.post(url, nested_form_data(edited)).status_code == 302
    admin_client.logout()
    html = admin_client.get("/en/privacy/").content.decode()
    assert "St Elsewhere runs this site." in html and "What St Elsewhere keeps</caption>" in html
    assert [row[0] for row in table_rows(html)] == [row.what for row in stored_data()]


# --- What the notice promises -----------------------------------------------------------------


def test_readers_get_no_cookies(client, pages):
    """The notice says the public pages set no cookies: not a page, a search, an embed, a handout,
    the API, the feed, or sending feedback."""
    page = page_at("/en/widget-treatments/widget-therapy/")
    responses = [
        client.get(path)
        for path in (
            "/en/",
            "/en/privacy/",
            "/en/widget-treatments/widget-therapy/",
            "/en/search/?q=fatigue",
            "/en/search/?q=zzqxv",
            "/en/a-z/",
            "/en/embed/widget-treatments/widget-therapy/",
            "/en/handout/types/cytokines/",
            "/api/v2/pages/",
            "/en/feeds/updates/",
        )
    ]
    responses.append(
        client.post(
            "/en/feedback/",
            {"page": page.pk, "helpful": "no", "comment": "Hard to read"},
            HTTP_ORIGIN="http://testserver",
        )
    )
    assert [response.status_code for response in responses] == [200] * len(responses)
    assert [(response.request["PATH_INFO"], dict(response.cookies)) for response in responses if response.cookies] == []
    assert not client.cookies


# Every model of the portal's own apps either holds something about the people who use the site
# (and the notice's table has its row) or holds only content and configuration.
ABOUT_PEOPLE = {
    "feedback.PageFeedback": "Your answer",
    "portal_search.UnansweredSearch": "The words people",
    "review.StaffProfile": "For staff: their name",
    "review.ReviewReminder": "For staff: their name",  # the staff it e-mailed
    "review.UnreviewedPublish": "For staff: their name",  # who published
}
CONTENT_AND_CONFIGURATION = {
    "caching.ChangeRecord",
    "education.Reference",
    "education.GlossaryTerm",
    "education.FAQTopic",
    "education.FAQ",
    "education.HomePage",
    "education.SectionPage",
    "education.ArticlePage",
    "education.ConditionPage",
    "education.TherapyTypePage",
    "education.FAQIndexPage",
    "education.GlossaryPage",
    "education.ReferenceIndexPage",
    "education.PortalSettings",
    "education.LoadedContent",
    "review.ClinicalReviewTask",
    "review.PublishTask",
    "review.ReviewSettings",
    "review.PlainWord",
    "portal_search.SearchSynonym",
    "integrations.EmbedSettings",
}
OWN_APPS = {"caching", "education", "review", "portal_search", "feedback", "integrations", "operations"}


def test_every_model_is_either_in_the_notice_or_holds_no_personal_data():
    models = {model._meta.label for model in apps.get_models() if model._meta.app_label in OWN_APPS}
    assert models == set(ABOUT_PEOPLE) | CONTENT_AND_CONFIGURATION
    rows = [row.what for row in stored_data()]
    assert all(any(what.startswith(start) for what in rows) for start in ABOUT_PEOPLE.values())


# --- The content file's block -----------------------------------------------------------------


def test_a_content_file_gives_the_table_its_caption_only(tmp_path):
    path = tmp_path / "privacy.yaml"
    path.write_text(
        "type: article\ntitle: Privacy\nslug: privacy\nparent: /\nsummary: What we keep.\n"
        "body:\n  - stored_data: What we keep\n"
    )
    assert read_page_file(path, "privacy.yaml").values["body"] == [
        {"type": "stored_data", "value": {"caption": "What we keep"}}
    ]
    path.write_text(path.read_text().replace("stored_data: What we keep", "stored_data: {caption: x, rows: []}"))
    with pytest.raises(ContentFileError, match="rows.*unknown field"):
        read_page_file(path, "privacy.yaml")
