"""Every route by which a version of a page could reach patients, tried through the real admin
views with the real roles: only a clinically signed-off version goes live, the editor's work is
kept, and the one exception (a superuser's urgent correction) is recorded and raises the alarm."""

import datetime
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Page, PageLogEntry, Workflow

from education.models import ArticlePage
from review.models import UnreviewedPublish
from review.sign_off import SignOffRequired, publishing_without_sign_off
from tests import factories
from tests.conftest import page_at

from .conftest import add_article_url, article_data, assert_denied, client_for, edit_url
from .test_workflow import fresh, workflow_action

pytestmark = [pytest.mark.django_db, pytest.mark.sign_off_enforced]

THERAPY = "/en/widget-treatments/widget-therapy/"
# A page the content files make, for the one test of what the loader may replace.
LOADED_THERAPY = "/en/types/cytokines/"


def edit_article(user, page, paragraphs, **extra):
    return client_for(user).post(edit_url(page), article_data(page.title, page.slug, paragraphs, **extra))


def live_text(page) -> str:
    """What a patient reads at the page's address."""
    return Client().get(fresh(page).url).content.decode()


@pytest.fixture
def unreviewed_therapy():
    """A therapy page published as the content loader publishes: without sign-off, and recorded so."""
    with publishing_without_sign_off(UnreviewedPublish.CONTENT_LOAD, "Test set-up"):
        hub = factories.SectionPageFactory(title="Widget treatments")
        return factories.TherapyTypePageFactory(parent=hub, title="Widget therapy")


@pytest.fixture
def destination():
    """A hub to move, copy or alias pages into."""
    with publishing_without_sign_off(UnreviewedPublish.CONTENT_LOAD, "Test set-up"):
        return factories.SectionPageFactory(title="Widget uses")


@pytest.fixture
def article(editor, reviewer, publisher):
    """A page that went live the proper way: submitted, signed off, then published."""
    client_for(editor).post(add_article_url(), article_data("Eating well", "eating-well", ["Eat small meals."]))
    page = Page.objects.get(slug="eating-well").specific
    edit_article(editor, page, ["Eat small meals."], **{"action-submit": "1"})
    workflow_action(reviewer, page, "approve")
    workflow_action(publisher, page, "approve")
    page = fresh(page)
    assert page.live and "Eat small meals." in live_text(page)
    return page


def test_the_workflow_is_the_way_to_patients(article):
    assert article.clinically_reviewed
    assert "Rita Rao, Clinical nurse specialist" in live_text(article)
    assert "has not yet been checked by a clinician" not in live_text(article)


@pytest.mark.parametrize("who", ["publisher", "superuser"])
def test_the_edit_forms_publish_is_refused_and_the_draft_kept(article, who, publisher, admin_user):
    user = publisher if who == "publisher" else admin_user
    response = edit_article(user, article, ["Unreviewed advice."], **{"action-publish": "1"})
    assert response.status_code == 302 and response.url == edit_url(article)
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("not been signed off by a clinical reviewer" in message for message in messages)
    page = fresh(article)
    assert page.live_revision_id == article.live_revision_id
    assert "Unreviewed advice." not in live_text(page)
    assert "Unreviewed advice." in json.dumps(page.get_latest_revision().content)  # the work is kept


def test_scheduling_an_unreviewed_version_is_refused(article, publisher):
    go_live = (timezone.now() + datetime.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    edit_article(publisher, article, ["Scheduled, unreviewed."], go_live_at=go_live, **{"action-publish": "1"})
    assert not fresh(article).revisions.filter(approved_go_live_at__isnull=False).exists()
    call_command("publish_scheduled", stdout=io.StringIO())
    assert "Scheduled, unreviewed." not in live_text(article)


def test_reverting_to_an_old_revision_and_publishing_is_refused(article, publisher, editor):
    edit_article(editor, article, ["A draft nobody reviewed."])
    first = article.revisions.order_by("pk").first()
    response = client_for(publisher).post(
        edit_url(article),
        article_data(
            article.title, article.slug, ["Old words brought back."], revision=first.pk, **{"action-publish": "1"}
        ),
    )
    assert response.status_code == 302
    assert fresh(article).live_revision_id == article.live_revision_id


def test_creating_a_page_and_publishing_it_at_once_leaves_a_draft(publisher):
    response = client_for(publisher).post(
        add_article_url(), article_data("Sleep", "sleep", ["Rest when you can."], **{"action-publish": "1"})
    )
    assert response.status_code == 302
    page = Page.objects.get(slug="sleep")
    assert not page.live and page.get_latest_revision() is not None


def test_bulk_publish_of_a_version_waiting_for_review_is_refused(article, editor, publisher):
    edit_article(editor, article, ["Waiting in review."], **{"action-submit": "1"})
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    listing = reverse("wagtailadmin_explore", args=(article.get_parent().pk,))
    response = client_for(publisher).post(f"{url}?id={article.pk}&next={listing}", {"include_descendants": "on"})
    assert response.status_code == 302 and response.url == listing
    assert "Waiting in review." not in live_text(article)
    assert fresh(article).live_revision_id == article.live_revision_id


def test_bulk_publish_with_a_draft_below_that_never_had_a_revision_is_refused(article, editor, reviewer, publisher):
    article.add_child(instance=ArticlePage(title="Below", slug="below", live=False, search_description="Below."))
    edit_article(editor, article, ["Checked change."], **{"action-submit": "1"})
    workflow_action(reviewer, article, "approve")
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    response = client_for(publisher).post(f"{url}?id={article.pk}", {"include_descendants": "on"})
    assert response.status_code == 302
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("Nothing was published:" in message and "Below" in message for message in messages), messages
    assert not Page.objects.get(slug="below").live
    assert "Checked change." not in live_text(article)  # nothing at all was published


def test_bulk_publish_of_a_signed_off_version_goes_ahead(article, editor, reviewer, publisher):
    edit_article(editor, article, ["Checked change."], **{"action-submit": "1"})
    workflow_action(reviewer, article, "approve")  # signed off; the publish step waits
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    client_for(publisher).post(f"{url}?id={article.pk}", {})
    assert "Checked change." in live_text(article)


def copy_url(page) -> str:
    return reverse("wagtailadmin_pages:copy", args=(page.pk,))


def test_copying_with_publish_copies_is_refused_and_a_draft_copy_allowed(article, publisher):
    parent = article.get_parent()
    form = {"new_title": "Eating well (copy)", "new_slug": "eating-well-copy", "new_parent_page": parent.pk}
    refused = client_for(publisher).post(copy_url(article), {**form, "publish_copies": "on"})
    assert refused.status_code == 302 and not Page.objects.filter(slug="eating-well-copy").exists()
    client_for(publisher).post(copy_url(article), form)
    assert not Page.objects.get(slug="eating-well-copy").live


def test_an_alias_spreads_only_a_signed_off_version(article, publisher, destination, unreviewed_therapy):
    form = {"new_title": "x", "new_parent_page": destination.pk, "alias": "on"}
    client_for(publisher).post(copy_url(article), {**form, "new_slug": "eating-well-alias"})
    alias = Page.objects.get(slug="eating-well-alias")
    assert alias.live and alias.alias_of_id == article.pk

    unreviewed = page_at(THERAPY)  # published as the content files are: never signed off
    client_for(publisher).post(copy_url(unreviewed), {**form, "new_slug": "widget-therapy-alias"})
    assert not Page.objects.filter(slug="widget-therapy-alias").exists()


def test_moving_a_page_keeps_its_signed_off_version(article, publisher, destination):
    client_for(publisher).post(reverse("wagtailadmin_pages:move_confirm", args=(article.pk, destination.pk)))
    moved = fresh(article)
    assert moved.url_path.endswith("/widget-uses/eating-well/")
    assert moved.live_revision_id == article.live_revision_id and moved.clinically_reviewed


def test_unpublishing_stays_one_step_for_publishers_and_is_recorded(article, publisher):
    response = client_for(publisher).post(reverse("wagtailadmin_pages:unpublish", args=(article.pk,)))
    assert response.status_code == 302 and not fresh(article).live
    assert PageLogEntry.objects.filter(page_id=article.pk, action="wagtail.unpublish", user=publisher).exists()


def test_publishing_from_a_shell_is_refused(article, editor):
    edit_article(editor, article, ["Typed into a shell."])
    with pytest.raises(SignOffRequired):
        fresh(article).get_latest_revision().publish()
    assert "Typed into a shell." not in live_text(article)


def test_a_schedule_made_behind_the_rules_back_never_goes_live(article, editor):
    edit_article(editor, article, ["Scheduled by hand."])
    revision = fresh(article).get_latest_revision()
    article.revisions.filter(pk=revision.pk).update(approved_go_live_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(SignOffRequired):
        call_command("publish_scheduled", stdout=io.StringIO())
    assert "Scheduled by hand." not in live_text(article)


class TestUrgentCorrection:
    def url(self, page) -> str:
        return reverse("review:urgent_correction", args=(page.pk,))

    def test_only_superusers_may_break_the_glass(self, article, publisher, editor):
        edit_article(editor, article, ["Corrected phone number."])
        assert_denied(
            client_for(publisher).post(self.url(article), {"reason": "The phone number on this page is wrong."})
        )
        assert "Corrected phone number." not in live_text(article)

    def test_a_reason_is_required(self, article, admin_user, editor):
        edit_article(editor, article, ["Corrected phone number."])
        response = client_for(admin_user).post(self.url(article), {"reason": "urgent"})
        assert (
            response.status_code == 200 and "Ensure this value has at least 20 characters" in response.content.decode()
        )
        assert "Corrected phone number." not in live_text(article)

    def test_it_publishes_records_and_alerts_until_signed_off(self, article, admin_user, editor, reviewer, publisher):
        edit_article(editor, article, ["Corrected phone number."])
        reason = "The phone number on this page is wrong and patients are calling it."
        response = client_for(admin_user).post(self.url(article), {"reason": reason})
        assert response.status_code == 302
        page = fresh(article)
        assert "Corrected phone number." in live_text(page)
        # The page no longer claims a review its live words never had, and says so to patients.
        assert not page.clinically_reviewed
        assert "has not yet been checked by a clinician" in live_text(page)
        record = UnreviewedPublish.objects.get(page=page)
        assert (record.kind, record.reason, record.user, record.revision_id) == (
            UnreviewedPublish.BREAK_GLASS,
            reason,
            admin_user,
            page.live_revision_id,
        )
        alert = [message for message in mail.outbox if "Published without clinical sign-off" in message.subject]
        assert alert and alert[-1].to == ["rita@example.org"] and reason in alert[-1].body
        for user in (reviewer, publisher, editor):
            dashboard = client_for(user).get(reverse("wagtailadmin_home")).content.decode()
            assert f'data-unreviewed-correction="{page.pk}"' in dashboard

        # The reviewers sign the correction off through the workflow: the alarm ends.
        edit_article(editor, page, ["Corrected phone number."], **{"action-submit": "1"})
        workflow_action(reviewer, page, "approve")
        workflow_action(publisher, page, "approve")
        dashboard = client_for(reviewer).get(reverse("wagtailadmin_home")).content.decode()
        assert "data-unreviewed-correction" not in dashboard
        assert fresh(page).clinically_reviewed


class TestHonestReviewClaims:
    def json_ld(self, html: str) -> list[dict]:
        return [json.loads(raw) for raw in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)]

    def test_content_never_signed_off_says_so_and_claims_no_review(self, unreviewed_therapy):
        html = Client().get(THERAPY).content.decode()
        assert "This page has not yet been checked by a clinician." in html
        assert "Page last reviewed" not in html
        web_page = next(data for data in self.json_ld(html) if data.get("@type") == "MedicalWebPage")
        assert "reviewedBy" not in web_page and "lastReviewed" not in web_page

    def test_signed_off_content_carries_its_review(self, article):
        html = live_text(article)
        web_page = next(data for data in self.json_ld(html) if data.get("@type") == "MedicalWebPage")
        assert web_page["reviewedBy"]["name"] == "Rita Rao, Clinical nurse specialist"
        assert web_page["lastReviewed"] == timezone.localdate().isoformat()

    def test_the_dashboard_lists_what_no_clinician_has_signed_off(self, reviewer, unreviewed_therapy):
        dashboard = client_for(reviewer).get(reverse("wagtailadmin_home")).content.decode()
        assert "Not yet signed off by a clinician" in dashboard
        assert "No page is overdue" not in dashboard and "Every live page has been signed off" not in dashboard


def test_the_publishing_record_puts_what_skipped_sign_off_first(article, admin_user, editor, reviewer):
    edit_article(editor, article, ["Corrected phone number."])
    reason = "The phone number on this page is wrong and patients are calling it."
    client_for(admin_user).post(reverse("review:urgent_correction", args=(article.pk,)), {"reason": reason})

    listing = client_for(reviewer).get(reverse("review:publishing_record")).content.decode()
    assert "PUBLISHED WITHOUT SIGN-OFF (urgent correction)" in listing
    assert listing.index("PUBLISHED WITHOUT SIGN-OFF") < listing.index("Published without sign-off: Loaded")

    export = client_for(reviewer).get(reverse("review:publishing_record") + "?export=csv")
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert rows[0].split(",")[:4] == ["When", "Action", "What", "Title"]
    assert reason in rows[1] and "Eating well" in rows[1]
    signed_off = next(number for number, row in enumerate(rows) if "Clinical sign-off by Rita Rao" in row)
    assert "Eating well" in rows[signed_off] and signed_off > 1
    xlsx = client_for(reviewer).get(reverse("review:publishing_record") + "?export=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def signed_off_through_the_workflow(page, editor, reviewer, publisher):
    """Wagtail's workflow API, step by step, as the admin's buttons call it."""
    page.save_revision(user=editor)
    state = Workflow.objects.get(name="Clinical review").start(page, editor)
    for user in (reviewer, publisher):
        task_state = state.current_task_state
        task_state.task.specific.on_action(task_state, user, "approve")
        state.refresh_from_db()
    return fresh(page)


def test_an_old_unreviewed_version_never_comes_back_over_a_signed_off_one(
    editor, reviewer, publisher, unreviewed_therapy
):
    loaded = page_at(THERAPY).live_revision  # let through once, as the content load is
    page = signed_off_through_the_workflow(page_at(THERAPY), editor, reviewer, publisher)
    with pytest.raises(SignOffRequired):
        loaded.publish()
    assert fresh(page).live_revision_id == page.live_revision_id


def test_a_content_file_never_replaces_a_signed_off_version(tmp_path, editor, reviewer, publisher):
    page = signed_off_through_the_workflow(page_at(LOADED_THERAPY), editor, reviewer, publisher)
    assert page.clinically_reviewed
    content = tmp_path / "education" / "content"
    shutil.copytree(Path(settings.BASE_DIR) / "education" / "content", content)
    path = content / "pages" / "09-cytokines.yaml"
    path.write_text(re.sub(r"^title: .*$", "title: Cytokines from a file", path.read_text(), count=1, flags=re.M))

    output = io.StringIO()
    call_command("load_content", content_dir=content, stdout=output)

    assert "draft   page /types/cytokines/" in output.getvalue()
    assert fresh(page).live_revision_id == page.live_revision_id
    assert "Cytokines from a file" not in live_text(page)
    assert fresh(page).get_latest_revision().content["title"] == "Cytokines from a file"
