"""Editors' work is safe: two editors on one page are warned and both versions are kept, a long
page saves, and publishing, unpublishing, deleting and every workflow step are in the audit log."""

import pytest

from django.urls import reverse
from django.utils.html import strip_tags

from wagtail.models import Page, PageLogEntry

from education.models import ArticlePage

from .conftest import add_article_url, article_data, client_for, edit_url

pytestmark = pytest.mark.django_db


def ping(client, page, revision_id, session_id=0):
    url = reverse("wagtailadmin_editing_sessions:ping", args=("wagtailcore", "page", page.pk, session_id))
    return client.post(url, {"revision_id": revision_id, "is_editing": "1"}).json()


def test_two_editors_on_one_page_are_warned_and_both_versions_are_kept(editor, other_editor):
    first, second = client_for(editor), client_for(other_editor)
    first.post(add_article_url(), article_data("Fatigue", "fatigue", ["Rest when you need to."]))
    page = ArticlePage.objects.get(slug="fatigue")
    loaded_revision = page.latest_revision_id

    # Both open the editor; each is told the other is there.
    assert first.get(edit_url(page)).status_code == 200
    assert second.get(edit_url(page)).status_code == 200
    first_session = ping(first, page, loaded_revision)
    second_session = ping(second, page, loaded_revision)
    assert [other["user"] for other in second_session["other_sessions"]] == ["Edna Edwards"]

    # The first saves; the second is told there is a newer version than the one they loaded.
    first.post(
        edit_url(page),
        article_data(
            "Fatigue", "fatigue", ["Rest when you need to.", "Short walks help."], loaded_revision_id=loaded_revision
        ),
    )
    warning = ping(second, page, loaded_revision, second_session["session_id"])
    newer = [other for other in warning["other_sessions"] if other["revision_id"]]
    assert newer and newer[0]["user"] == "Edna Edwards"
    assert first_session["session_id"] != second_session["session_id"]

    # The second saves anyway: nothing is lost, both versions are in the history.
    second.post(
        edit_url(page),
        article_data(
            "Fatigue", "fatigue", ["Rest when you need to.", "Tell your team."], loaded_revision_id=loaded_revision
        ),
    )
    texts = [
        strip_tags(rev.as_object().body[1].value.source) for rev in page.revisions.order_by("created_at", "pk")[1:]
    ]
    assert texts == ["Short walks help.", "Tell your team."]
    users = list(page.revisions.order_by("created_at", "pk").values_list("user__username", flat=True))
    assert users == ["edna", "edna", "eric"]
    history = first.get(reverse("wagtailadmin_pages:history", args=(page.pk,)))
    assert history.status_code == 200 and "Eric Evans" in history.content.decode()


def test_a_page_with_150_body_blocks_saves_through_the_admin(editor):
    paragraphs = [f"Paragraph number {number} of a long page." for number in range(150)]
    response = client_for(editor).post(add_article_url(), article_data("A long page", "long-page", paragraphs))
    assert response.status_code == 302
    page = ArticlePage.objects.get(slug="long-page")
    assert len(page.body) == 150
    response = client_for(editor).post(
        edit_url(page), article_data("A long page", "long-page", [*paragraphs, "One more."])
    )
    assert response.status_code == 302
    assert len(Page.objects.get(pk=page.pk).specific.get_latest_revision_as_object().body) == 151


def test_publish_unpublish_and_delete_are_in_the_audit_log(publisher):
    client = client_for(publisher)
    client.post(add_article_url(), article_data("Diet", "diet", **{"action-publish": "1"}))
    page = ArticlePage.objects.get(slug="diet")
    client.post(reverse("wagtailadmin_pages:unpublish", args=(page.pk,)))
    client.post(reverse("wagtailadmin_pages:delete", args=(page.pk,)))
    logged = list(
        PageLogEntry.objects.filter(page_id=page.pk).order_by("timestamp", "pk").values_list("action", "user__username")
    )
    for entry in [
        ("wagtail.create", "paul"),
        ("wagtail.publish", "paul"),
        ("wagtail.unpublish", "paul"),
        ("wagtail.delete", "paul"),
    ]:
        assert entry in logged
    site_history = client.get(reverse("wagtailadmin_reports:site_history"))
    assert site_history.status_code == 200
