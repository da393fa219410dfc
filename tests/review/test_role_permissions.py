"""What each role can and cannot do, tried by a real user through the admin's own URLs,
including direct POSTs to URLs the role's screens never show it."""

import datetime
import io

import pytest

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Page, PageLogEntry

from education.models import ArticlePage, Reference
from review.models import PlainWord, ReviewSettings
from tests import factories
from tests.conftest import page_at

from .conftest import add_article_url, article_data, assert_denied, client_for, edit_url

pytestmark = pytest.mark.django_db

LEAF_PAGE = "/en/widget-research/"


@pytest.fixture(autouse=True)
def pages():
    """A leaf page, a hub to move it into, and a hub with a page under it."""
    factories.ArticlePageFactory(title="Widget research")
    factories.SectionPageFactory(title="Widget types")
    factories.ConditionPageFactory(parent=factories.SectionPageFactory(title="Widget uses"), title="Widget disease")


def published_article(publisher, slug="living-well", title="Living well") -> ArticlePage:
    response = client_for(publisher).post(add_article_url(), article_data(title, slug, **{"action-publish": "1"}))
    assert response.status_code == 302
    page = ArticlePage.objects.get(slug=slug)
    assert page.live
    return page


def fresh(page):
    return Page.objects.get(pk=page.pk).specific


def settings_url(model: str, site) -> str:
    app = "education" if model == "portalsettings" else "review"
    return reverse("wagtailsettings:edit", args=(app, model, site.pk))


def bulk_url(action: str, page) -> str:
    return reverse("wagtail_bulk_action", args=("wagtailcore", "page", action)) + f"?id={page.pk}"


def publish_logged_by(user, page) -> bool:
    return PageLogEntry.objects.filter(page_id=page.pk, action="wagtail.publish", user=user).exists()


# --- Editors ------------------------------------------------------------------------------------


def test_editor_creates_and_edits_drafts_but_cannot_publish(editor, publisher):
    client = client_for(editor)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200

    # "Publish" on a new page saves a draft.
    client.post(add_article_url(), article_data("Sleep", "sleep", **{"action-publish": "1"}))
    draft = ArticlePage.objects.get(slug="sleep")
    assert not draft.live and draft.owner == editor

    # "Publish" on a live page saves a draft; the live page is unchanged.
    page = published_article(publisher)
    client.post(edit_url(page), article_data("Living well (edited)", page.slug, **{"action-publish": "1"}))
    page = fresh(page)
    assert page.title == "Living well" and page.has_unpublished_changes
    assert not publish_logged_by(editor, page)

    # Wagtail's bulk "publish" refuses the page.
    client.post(bulk_url("publish", page), {"include_descendants": ""})
    assert fresh(page).title == "Living well"
    assert not publish_logged_by(editor, page)


def test_editor_cannot_unpublish_delete_or_move_a_published_page(editor):
    page = page_at(LEAF_PAGE)
    client = client_for(editor)
    assert_denied(client.post(reverse("wagtailadmin_pages:unpublish", args=(page.pk,))))
    assert_denied(client.post(reverse("wagtailadmin_pages:delete", args=(page.pk,))))
    assert_denied(
        client.post(reverse("wagtailadmin_pages:move_confirm", args=(page.pk, page_at("/en/widget-types/").pk)))
    )
    client.post(bulk_url("delete", page))
    client.post(bulk_url("unpublish", page))
    page = fresh(page)
    assert page.live and page.url == LEAF_PAGE


def test_editor_can_delete_their_own_unpublished_draft(editor):
    client = client_for(editor)
    client.post(add_article_url(), article_data("Travel", "travel"))
    draft = ArticlePage.objects.get(slug="travel")
    assert client.post(reverse("wagtailadmin_pages:delete", args=(draft.pk,))).status_code == 302
    assert not Page.objects.filter(pk=draft.pk).exists()
    assert PageLogEntry.objects.filter(page_id=draft.pk, action="wagtail.delete", user=editor).exists()


def test_editor_can_lock_and_unlock_their_own_lock_but_not_someone_elses(editor, publisher):
    page = page_at(LEAF_PAGE)
    client = client_for(editor)
    client.post(reverse("wagtailadmin_pages:lock", args=(page.pk,)))
    assert fresh(page).locked_by == editor
    client.post(reverse("wagtailadmin_pages:unlock", args=(page.pk,)))
    assert not fresh(page).locked

    client_for(publisher).post(reverse("wagtailadmin_pages:lock", args=(page.pk,)))
    assert fresh(page).locked_by == publisher
    assert_denied(client.post(reverse("wagtailadmin_pages:unlock", args=(page.pk,))))
    assert fresh(page).locked_by == publisher


def test_editor_cannot_change_settings_users_or_workflows(editor, site):
    client = client_for(editor)
    for url in [
        settings_url("portalsettings", site),
        settings_url("reviewsettings", site),
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_groups:index"),
        reverse("wagtailadmin_workflows:index"),
    ]:
        assert_denied(client.get(url))
    before = ReviewSettings.for_site(site).approval_publishes
    client.post(settings_url("reviewsettings", site), {"approval_publishes": "on"})
    assert ReviewSettings.for_site(site).approval_publishes == before


def test_editor_edits_snippets_but_cannot_delete_them(editor):
    client = client_for(editor)
    reference = Reference.objects.first()
    assert client.get(reverse(Reference.snippet_viewset.get_url_name("edit"), args=(reference.pk,))).status_code == 200
    assert_denied(client.post(reverse(Reference.snippet_viewset.get_url_name("delete"), args=(reference.pk,))))
    assert Reference.objects.filter(pk=reference.pk).exists()
    response = client.post(
        reverse(PlainWord.snippet_viewset.get_url_name("add")), {"word": "ameliorate", "alternative": "ease"}
    )
    assert response.status_code == 302 and PlainWord.objects.filter(word="ameliorate").exists()


def test_editor_sees_where_a_shared_snippet_is_used_before_changing_it(editor):
    reference = Reference.objects.get(key="IBIS2023")
    response = client_for(editor).get(reverse(Reference.snippet_viewset.get_url_name("usage"), args=(reference.pk,)))
    assert response.status_code == 200
    assert "Side effects and monitoring" in response.content.decode()


# --- Clinical reviewers -------------------------------------------------------------------------


def test_reviewer_cannot_open_or_change_a_page_outside_review(reviewer):
    page = page_at(LEAF_PAGE)
    client = client_for(reviewer)
    assert_denied(client.get(edit_url(page)))
    assert_denied(client.post(reverse("wagtailadmin_pages:unpublish", args=(page.pk,))))
    assert_denied(client.post(reverse("wagtailadmin_pages:delete", args=(page.pk,))))
    assert_denied(client.post(reverse("wagtailadmin_pages:lock", args=(page.pk,))))
    assert fresh(page).live and not fresh(page).locked


def test_reviewer_edits_a_page_in_review_but_cannot_publish_it_directly(editor, reviewer, publisher):
    page = published_article(publisher)
    client_for(editor).post(edit_url(page), article_data(page.title, page.slug, **{"action-submit": "1"}))
    client = client_for(reviewer)
    assert client.get(edit_url(page)).status_code == 200
    client.post(edit_url(page), article_data("Living well (reviewer)", page.slug, **{"action-publish": "1"}))
    page = fresh(page)
    assert page.title == "Living well" and page.get_latest_revision_as_object().title == "Living well (reviewer)"
    assert not publish_logged_by(reviewer, page)
    # Nor can they do the publisher's step of the workflow. (Their own edit restarted the
    # sign-off, so they sign off twice: once for the submitted version, once for theirs.)
    for _ in range(2):
        task_state = fresh(page).current_workflow_task_state
        assert task_state.task.name == "Clinical sign-off"
        client.post(reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk)))
    publish_state = fresh(page).current_workflow_task_state
    assert publish_state.task.name == "Publish"
    assert_denied(
        client.post(reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", publish_state.pk)))
    )
    assert fresh(page).title == "Living well"


def test_reviewer_cannot_change_settings_or_users(reviewer, site):
    client = client_for(reviewer)
    for url in [
        settings_url("portalsettings", site),
        settings_url("reviewsettings", site),
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_groups:index"),
    ]:
        assert_denied(client.get(url))


def test_reviewer_sees_the_dashboard_and_review_reports(reviewer):
    client = client_for(reviewer)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    assert client.get(reverse("review:review_dates")).status_code == 200
    assert client.get(reverse("review:readability")).status_code == 200


# --- Publishers ---------------------------------------------------------------------------------


def test_publisher_publishes_unpublishes_moves_and_deletes(publisher):
    client = client_for(publisher)
    page = published_article(publisher)
    assert publish_logged_by(publisher, page)

    client.post(reverse("wagtailadmin_pages:unpublish", args=(page.pk,)))
    assert not fresh(page).live
    assert PageLogEntry.objects.filter(page_id=page.pk, action="wagtail.unpublish", user=publisher).exists()

    leaf = page_at(LEAF_PAGE)
    types = page_at("/en/widget-types/")
    client.post(reverse("wagtailadmin_pages:move_confirm", args=(leaf.pk, types.pk)))
    assert fresh(leaf).get_parent().pk == types.pk
    assert PageLogEntry.objects.filter(page_id=leaf.pk, action="wagtail.move", user=publisher).exists()

    client.post(reverse("wagtailadmin_pages:delete", args=(leaf.pk,)))
    assert not Page.objects.filter(pk=leaf.pk).exists()
    assert PageLogEntry.objects.filter(page_id=leaf.pk, action="wagtail.delete", user=publisher).exists()


def test_publisher_schedules_publishing_and_expiry(publisher):
    client = client_for(publisher)
    page = published_article(publisher)
    go_live = (timezone.now() + datetime.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    client.post(
        edit_url(page),
        article_data("Living well (next week)", page.slug, go_live_at=go_live, **{"action-publish": "1"}),
    )
    page = fresh(page)
    assert page.title == "Living well" and page.scheduled_revision is not None
    assert PageLogEntry.objects.filter(page_id=page.pk, action="wagtail.publish.schedule", user=publisher).exists()

    # Two days later (moved back here, rather than waiting), cron runs publish_scheduled.
    scheduled = page.scheduled_revision
    past = timezone.now() - datetime.timedelta(minutes=1)
    scheduled.content["go_live_at"] = past.isoformat()
    scheduled.approved_go_live_at = past
    scheduled.save(update_fields=["content", "approved_go_live_at"])
    call_command("publish_scheduled", stdout=io.StringIO())
    page = fresh(page)
    assert page.title == "Living well (next week)" and page.live

    # Expiry: the page is unpublished when its expiry time has passed.
    expire = (timezone.now() + datetime.timedelta(days=30)).strftime("%Y-%m-%d %H:%M")
    client.post(edit_url(page), article_data(page.title, page.slug, expire_at=expire, **{"action-publish": "1"}))
    type(page).objects.filter(pk=page.pk).update(expire_at=timezone.now() - datetime.timedelta(minutes=1))
    call_command("publish_scheduled", stdout=io.StringIO())
    page = fresh(page)
    assert not page.live and page.expired


def test_publisher_can_change_portal_settings_but_not_review_settings_or_users(publisher, site):
    client = client_for(publisher)
    assert client.get(settings_url("portalsettings", site)).status_code == 200
    assert_denied(client.get(settings_url("reviewsettings", site)))
    assert_denied(client.get(reverse("wagtailusers_users:index")))


def test_publisher_can_unlock_a_page_someone_else_locked(editor, publisher):
    page = page_at(LEAF_PAGE)
    client_for(editor).post(reverse("wagtailadmin_pages:lock", args=(page.pk,)))
    client_for(publisher).post(reverse("wagtailadmin_pages:unlock", args=(page.pk,)))
    assert not fresh(page).locked


def test_publisher_cannot_sign_off_clinical_content(editor, publisher):
    page = page_at(LEAF_PAGE)
    page.get_workflow().start(page, editor)
    task_state = fresh(page).current_workflow_task_state
    assert_denied(
        client_for(publisher).post(
            reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk))
        )
    )
    assert fresh(page).current_workflow_task.name == "Clinical sign-off"


# --- Site administrators ------------------------------------------------------------------------


def test_site_administrator_manages_settings_users_groups_and_workflows(site_admin, site):
    assert not site_admin.is_superuser
    client = client_for(site_admin)
    for url in [
        settings_url("portalsettings", site),
        settings_url("reviewsettings", site),
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_users:add"),
        reverse("wagtailusers_groups:index"),
        reverse("wagtailadmin_workflows:index"),
        reverse("wagtailsites:index"),
        reverse("wagtailredirects:index"),
    ]:
        assert client.get(url).status_code == 200, url
    response = client.post(
        settings_url("reviewsettings", site),
        {
            "approval_publishes": "on",
            "therapy_type_months": 6,
            "safety_page_months": 6,
            "safety_page_slugs": "get-help-now",
            "condition_page_months": 24,
            "article_page_months": 24,
            "other_page_months": 36,
        },
    )
    assert response.status_code == 302
    settings = ReviewSettings.for_site(site)
    assert settings.approval_publishes and settings.other_page_months == 36


def test_site_administrator_has_every_page_permission(site_admin):
    client = client_for(site_admin)
    leaf = page_at(LEAF_PAGE)
    client.post(reverse("wagtailadmin_pages:unpublish", args=(leaf.pk,)))
    assert not fresh(leaf).live
    section = page_at("/en/widget-uses/")
    # Deleting a section with pages under it needs the bulk-delete permission.
    assert client.post(reverse("wagtailadmin_pages:delete", args=(section.pk,))).status_code == 302
    assert not Page.objects.filter(pk=section.pk).exists()


def test_publisher_publishes_only_through_the_workflow(editor, publisher):
    page = published_article(publisher)
    client = client_for(publisher)
    # Wagtail's plain "Publish" is never offered: only a signed-off version may go live.
    assert 'name="action-publish"' not in client.get(edit_url(page)).content.decode()
    client_for(editor).post(edit_url(page), article_data(page.title, page.slug, **{"action-submit": "1"}))
    html = client.get(edit_url(page)).content.decode()
    assert 'name="action-publish"' not in html
    assert "Cancel workflow" in html
