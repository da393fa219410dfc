"""One page through the whole "Clinical review" workflow, by real users in the admin: an editor
submits, a clinical reviewer asks for changes and then signs off, a publisher publishes. Signing
off stamps the review dates; any edit after sign-off needs a new sign-off."""

import datetime

import pytest

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Page, PageLogEntry, Site, TaskState, WorkflowState

from education.models import ArticlePage
from review.models import ReviewSettings
from review.stamping import add_months, review_stamp
from tests import factories
from tests.conftest import page_at

from .conftest import add_article_url, article_data, assert_denied, client_for, edit_url

pytestmark = pytest.mark.django_db


def create_draft(editor, title="Eating well during treatment", slug="eating-well") -> ArticlePage:
    response = client_for(editor).post(add_article_url(), article_data(title, slug))
    assert response.status_code == 302
    return ArticlePage.objects.get(slug=slug)


def fresh(page: Page) -> Page:
    return Page.objects.get(pk=page.pk).specific


def workflow_action(user, page, action: str, comment: str | None = None):
    task_state = fresh(page).current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, action, task_state.pk))
    return client_for(user).post(url, {"comment": comment} if comment is not None else {})


def current_task_name(page) -> str | None:
    task = fresh(page).current_workflow_task
    return task.name if task else None


def actions_logged(page) -> list[str]:
    return list(
        PageLogEntry.objects.filter(page_id=page.pk).order_by("timestamp", "pk").values_list("action", flat=True)
    )


def test_submit_review_and_publish_with_review_stamps(editor, reviewer, publisher):
    today = timezone.localdate()
    page = create_draft(editor)
    assert page.owner == editor and not page.live

    # The editor submits; the page waits for clinical sign-off and is locked to editors.
    submit = client_for(editor).post(
        edit_url(page), article_data(page.title, page.slug, ["Eat small meals often."], **{"action-submit": "1"})
    )
    assert submit.status_code == 302
    assert current_task_name(page) == "Clinical sign-off"
    # Wagtail tells the reviewers by e-mail; the page is on their dashboard.
    assert any("rita@example.org" in message.to for message in mail.outbox)
    assert page.title in client_for(reviewer).get(reverse("wagtailadmin_home")).content.decode()

    # The reviewer asks for changes; a comment is required.
    assert workflow_action(reviewer, page, "reject", comment="").status_code == 302
    assert current_task_name(page) == "Clinical sign-off"  # no reason given: nothing happened
    workflow_action(reviewer, page, "reject", comment="Say who to call if they cannot eat.")
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    rejected = TaskState.objects.get(workflow_state=state, status=TaskState.STATUS_REJECTED)
    assert rejected.comment == "Say who to call if they cannot eat." and rejected.finished_by == reviewer

    # The editor changes the page and resubmits; the same workflow resumes.
    client_for(editor).post(
        edit_url(page),
        article_data(
            page.title,
            page.slug,
            ["Eat small meals often.", "Call your team if you cannot eat for a day."],
            **{"action-submit": "1"},
        ),
    )
    assert current_task_name(page) == "Clinical sign-off"

    # The reviewer signs off: the version under review gets the review stamps.
    assert workflow_action(reviewer, page, "approve").status_code == 302
    assert current_task_name(page) == "Publish"
    page = fresh(page)
    assert not page.live
    draft = page.get_latest_revision_as_object()
    assert draft.last_reviewed == today
    assert draft.reviewed_by == "Rita Rao, Clinical nurse specialist"
    assert draft.next_review_due == add_months(today, 24)

    # Editors can neither change the signed-off version nor publish it; the publisher publishes it.
    client_for(editor).post(edit_url(page), article_data(page.title, page.slug, ["Sneaked in after sign-off."]))
    assert fresh(page).get_latest_revision_as_object().last_reviewed == today
    assert_denied(workflow_action(editor, page, "approve"))
    assert current_task_name(page) == "Publish"
    assert workflow_action(publisher, page, "approve").status_code == 302
    page = fresh(page)
    assert page.live and not page.has_unpublished_changes
    assert (page.last_reviewed, page.next_review_due) == (today, add_months(today, 24))
    assert page.reviewed_by == "Rita Rao, Clinical nurse specialist"
    assert "Call your team if you cannot eat for a day." in client_for(editor).get(page.url).content.decode()

    # Every step is in the audit log, with who did it.
    log = actions_logged(page)
    for action in [
        "wagtail.workflow.start",
        "wagtail.workflow.reject",
        "wagtail.workflow.resume",
        "wagtail.workflow.approve",
        "review.signed_off",
        "wagtail.publish",
    ]:
        assert action in log, action
    assert PageLogEntry.objects.get(page_id=page.pk, action="wagtail.workflow.reject").data["comment"] == (
        "Say who to call if they cannot eat."
    )
    assert PageLogEntry.objects.filter(page_id=page.pk, action="wagtail.publish").latest("timestamp").user == publisher
    assert PageLogEntry.objects.get(page_id=page.pk, action="review.signed_off").user == reviewer


def test_when_sign_off_publishes_the_page_goes_live_on_sign_off(editor, reviewer, site):
    settings = ReviewSettings.for_site(site)
    settings.approval_publishes = True
    settings.save()
    page = create_draft(editor)
    client_for(editor).post(edit_url(page), article_data(page.title, page.slug, **{"action-submit": "1"}))
    workflow_action(reviewer, page, "approve")
    page = fresh(page)
    assert page.live and page.last_reviewed == timezone.localdate()
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_APPROVED
    assert TaskState.objects.get(workflow_state=state, task__name="Publish").status == TaskState.STATUS_SKIPPED


def test_any_edit_after_sign_off_needs_sign_off_again(editor, reviewer, publisher):
    page = create_draft(editor)
    client_for(editor).post(edit_url(page), article_data(page.title, page.slug, **{"action-submit": "1"}))
    workflow_action(reviewer, page, "approve")
    assert current_task_name(page) == "Publish"

    # The publisher changes the text before publishing: the change has not been signed off.
    client_for(publisher).post(edit_url(page), article_data(page.title, page.slug, ["Changed after sign-off."]))
    workflow_action(publisher, page, "approve")
    assert current_task_name(page) == "Clinical sign-off"
    assert not fresh(page).live

    workflow_action(reviewer, page, "approve")
    workflow_action(publisher, page, "approve")
    page = fresh(page)
    assert page.live
    assert "Changed after sign-off." in client_for(editor).get(page.url).content.decode()


def test_a_reviewer_edit_while_signing_off_restarts_the_review(editor, reviewer):
    page = create_draft(editor)
    client_for(editor).post(edit_url(page), article_data(page.title, page.slug, **{"action-submit": "1"}))
    # A reviewer may correct the text in the editor, but the sign-off counts for the corrected
    # version only when it is signed off itself.
    client_for(reviewer).post(edit_url(page), article_data(page.title, page.slug, ["Corrected by the reviewer."]))
    workflow_action(reviewer, page, "approve")
    assert current_task_name(page) == "Clinical sign-off"
    assert fresh(page).get_latest_revision_as_object().last_reviewed is None
    workflow_action(reviewer, page, "approve")
    assert current_task_name(page) == "Publish"
    assert fresh(page).get_latest_revision_as_object().last_reviewed == timezone.localdate()


def test_editors_cannot_type_the_review_dates(editor):
    page = create_draft(editor)
    client_for(editor).post(
        edit_url(page),
        article_data(
            page.title,
            page.slug,
            last_reviewed="2020-01-01",
            next_review_due="2030-01-01",
            reviewed_by="Dr Nobody, Consultant",
        ),
    )
    draft = fresh(page).get_latest_revision_as_object()
    assert (draft.last_reviewed, draft.next_review_due, draft.reviewed_by) == (None, None, "")
    form = client_for(editor).get(edit_url(page)).content.decode()
    assert 'name="last_reviewed"' not in form and 'name="reviewed_by"' not in form


def a_safety_page():
    """An article at an address the review settings name as a safety page."""
    settings = ReviewSettings.for_site(Site.objects.get(is_default_site=True))
    settings.safety_page_slugs = f"{settings.safety_page_slugs} widget-warning-signs"
    settings.save()
    return factories.ArticlePageFactory(title="Widget warning signs")


PAGES_BY_TYPE = {
    "therapy type": lambda: factories.TherapyTypePageFactory(parent=factories.SectionPageFactory()),
    "safety page": a_safety_page,
    "condition": lambda: factories.ConditionPageFactory(parent=factories.SectionPageFactory()),
    "article": factories.ArticlePageFactory,
    "home": lambda: page_at("/"),
    "FAQ index": factories.FAQIndexPageFactory,
}


@pytest.mark.parametrize(
    ("kind", "months"),
    [("therapy type", 12), ("safety page", 12), ("condition", 24), ("article", 24), ("home", 24), ("FAQ index", 24)],
)
def test_review_interval_by_page_type(kind, months, reviewer):
    today = datetime.date(2026, 1, 31)
    stamp = review_stamp(PAGES_BY_TYPE[kind](), reviewer, today)
    assert stamp.last_reviewed == today
    assert stamp.next_review_due == add_months(today, months)


def test_review_intervals_come_from_the_site_settings(reviewer, site):
    settings = ReviewSettings.for_site(site)
    settings.therapy_type_months = 6
    settings.article_page_months = 18
    settings.save()
    today = datetime.date(2026, 3, 1)
    therapy = factories.TherapyTypePageFactory(parent=factories.SectionPageFactory())
    assert review_stamp(therapy, reviewer, today).next_review_due == datetime.date(2026, 9, 1)
    assert review_stamp(factories.ArticlePageFactory(), reviewer, today).next_review_due == datetime.date(2027, 9, 1)


def test_add_months_keeps_to_the_end_of_short_months():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2028, 2, 29), 12) == datetime.date(2029, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 24) == datetime.date(2028, 11, 15)


def test_signing_off_a_live_therapy_page_stamps_it_on_publish(editor, reviewer, publisher):
    page = page_at("/en/types/cytokines/")
    old_reviewed = page.last_reviewed
    page.get_workflow().start(page, editor)
    workflow_action(reviewer, page, "approve", comment="Checked against the 2024 guidance.")
    # Still the old dates on the live page until the signed-off version is published.
    assert fresh(page).last_reviewed == old_reviewed
    workflow_action(publisher, page, "approve")
    page = fresh(page)
    today = timezone.localdate()
    assert (page.last_reviewed, page.next_review_due) == (today, add_months(today, 12))
    assert PageLogEntry.objects.get(page_id=page.pk, action="wagtail.workflow.approve", user=reviewer).data[
        "comment"
    ] == ("Checked against the 2024 guidance.")


def test_signing_off_from_the_editor_returns_the_reviewer_to_their_dashboard(editor, reviewer):
    page = create_draft(editor)
    client_for(editor).post(edit_url(page), article_data(page.title, page.slug, **{"action-submit": "1"}))
    response = client_for(reviewer).post(
        edit_url(page),
        article_data(
            page.title,
            page.slug,
            **{"action-workflow-action": "1", "workflow-action-name": "approve", "workflow-action-extra-data": "{}"},
        ),
    )
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    # The posted form counts as an edit (new block ids), so the sign-off restarted for it.
    assert current_task_name(page) == "Clinical sign-off"


def test_the_editor_shows_the_review_dates_read_only(editor):
    page = page_at("/en/how-it-works/")
    html = client_for(editor).get(edit_url(page)).content.decode()
    assert "Review and sources" in html
    assert "Set when a clinical reviewer signs off this page" in html
    assert page.reviewed_by in html
    assert 'name="last_reviewed"' not in html
