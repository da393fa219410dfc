"""FAQs, glossary terms and references patients read go live like pages: only a version a clinical
reviewer signed off, through the real admin views with the real roles; drafts never reach the
public pages, the API or search; withdrawing one stays one click."""

import datetime
import io
import json

import pytest

from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import nested_form_data, rich_text

from education.models import FAQ, FAQIndexPage, GlossaryPage, GlossaryTerm
from review.models import UnreviewedPublish
from review.sign_off import SignOffRequired, publishing_without_sign_off
from tests import factories

from .conftest import assert_denied, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.sign_off_enforced]

NEW_ANSWER = "Drink plenty of water on the day of your infusion."
SEEN = "Drink plenty of"  # search marks the words it matched, so look for the others


def snippet_url(obj_or_model, view: str, *args) -> str:
    meta = obj_or_model._meta
    pk_args = (obj_or_model.pk, *args) if isinstance(obj_or_model, FAQ | GlossaryTerm) else args
    return reverse(f"wagtailsnippets_{meta.app_label}_{meta.model_name}:{view}", args=pk_args)


def faq_form(faq: FAQ, answer: str, **extra) -> dict:
    return nested_form_data(
        {
            "topic": faq.topic_id,
            "question": faq.question,
            "answer": rich_text(f"<p>{answer}</p>"),
            "references": [reference.pk for reference in faq.references.all()],
            "key": faq.key,
            "sort_order": faq.sort_order,
            **extra,
        }
    )


def term_form(term: GlossaryTerm, definition: str, **extra) -> dict:
    return {
        "term": term.term,
        "slug": term.slug,
        "also_known_as": term.also_known_as,
        "definition": definition,
        **extra,
    }


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def workflow_action(user, obj, action: str):
    task_state = fresh(obj).current_workflow_task_state
    return client_for(user).post(snippet_url(obj, "workflow_action", action, task_state.pk), {})


def what_patients_read(text: str = SEEN) -> dict[str, bool]:
    """Whether `text` appears on the FAQ page, in the API and in search."""
    faq_page = FAQIndexPage.objects.live().get(locale__language_code="en")
    reader = Client()
    return {
        "FAQ page": text in reader.get(faq_page.url).content.decode(),
        "API": text in reader.get("/api/v2/faqs/?limit=50").content.decode(),
        "search": text in reader.get("/en/search/", {"q": "infusion water"}).content.decode(),
    }


@pytest.fixture
def faq() -> FAQ:
    """A live FAQ, published as the content loader publishes (without sign-off, recorded so)."""
    with publishing_without_sign_off(UnreviewedPublish.CONTENT_LOAD, "Test set-up"):
        return factories.FAQFactory(references=[factories.ReferenceFactory()])


@pytest.fixture
def term() -> GlossaryTerm:
    """A live glossary term, published as the content loader publishes."""
    with publishing_without_sign_off(UnreviewedPublish.CONTENT_LOAD, "Test set-up"):
        return factories.GlossaryTermFactory(term="Widget cell", also_known_as="Widget cells")


def test_an_editors_faq_change_reaches_patients_only_after_sign_off(faq, editor, reviewer, publisher):
    response = client_for(editor).post(snippet_url(faq, "edit"), faq_form(faq, NEW_ANSWER, **{"action-submit": "1"}))
    assert response.status_code == 302
    assert fresh(faq).current_workflow_task.name == "Clinical sign-off"
    assert what_patients_read() == {"FAQ page": False, "API": False, "search": False}

    workflow_action(reviewer, faq, "approve")
    assert not any(what_patients_read().values())  # signed off, waiting for the publisher

    workflow_action(publisher, faq, "approve")
    assert what_patients_read() == {"FAQ page": True, "API": True, "search": True}
    published = fresh(faq)
    assert published.clinically_reviewed and published.reviewed_by.startswith("Rita Rao")


def test_signed_off_faqs_say_nothing_and_unreviewed_ones_say_so(faq, editor, reviewer, publisher):
    faq_page = FAQIndexPage.objects.live().get(locale__language_code="en")

    def notice_shown() -> bool:
        html = Client().get(faq_page.url).content.decode()
        item = html.split(f'id="faq-{faq.key}"', 1)[1].split("</details>", 1)[0]
        return "This answer has not yet been checked by a clinician" in item

    assert notice_shown()  # loaded from the content files, never signed off
    client_for(editor).post(snippet_url(faq, "edit"), faq_form(faq, NEW_ANSWER, **{"action-submit": "1"}))
    workflow_action(reviewer, faq, "approve")
    workflow_action(publisher, faq, "approve")
    assert not notice_shown()


@pytest.mark.parametrize("who", ["publisher", "superuser"])
def test_publishing_from_the_edit_form_keeps_a_draft(faq, who, publisher, admin_user):
    user = publisher if who == "publisher" else admin_user
    response = client_for(user).post(snippet_url(faq, "edit"), faq_form(faq, NEW_ANSWER, **{"action-publish": "1"}))
    assert response.status_code == 302
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("Saved as a draft, not published" in message for message in messages)
    kept = fresh(faq)
    assert kept.live_revision_id == faq.live_revision_id and NEW_ANSWER not in kept.answer
    assert NEW_ANSWER in json.dumps(kept.latest_revision.content)  # the work is kept
    assert not any(what_patients_read().values())


def test_the_edit_form_offers_no_publish_button(faq, publisher):
    html = client_for(publisher).get(snippet_url(faq, "edit")).content.decode()
    assert 'name="action-publish"' not in html
    assert 'name="action-submit"' in html


def test_scheduling_an_unreviewed_snippet_is_refused(term, publisher):
    go_live = (timezone.now() + datetime.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    client_for(publisher).post(
        snippet_url(term, "edit"), term_form(term, "A made-up meaning.", go_live_at=go_live, **{"action-publish": "1"})
    )
    assert not fresh(term).revisions.filter(approved_go_live_at__isnull=False).exists()
    call_command("publish_scheduled", stdout=io.StringIO())
    assert fresh(term).definition == term.definition


def test_reverting_a_snippet_to_an_old_version_and_publishing_is_refused(term, editor, publisher):
    client_for(editor).post(snippet_url(term, "edit"), term_form(term, "A draft nobody reviewed."))
    first = fresh(term).revisions.order_by("pk").first()
    response = client_for(publisher).post(
        snippet_url(term, "revisions_revert", first.pk), term_form(term, "Old words.", **{"action-publish": "1"})
    )
    assert response.status_code == 302, response.context["form"].errors
    assert fresh(term).live_revision_id == term.live_revision_id


def test_a_new_term_waits_unseen_until_signed_off(editor, reviewer, publisher):
    data = {"term": "Zebracyte", "slug": "zebracyte", "also_known_as": "", "definition": "A made-up cell."}
    client_for(editor).post(snippet_url(GlossaryTerm, "add"), {**data, "action-submit": "1"})
    term = GlossaryTerm.objects.get(slug="zebracyte")
    assert not term.live
    glossary = GlossaryPage.objects.live().get(locale__language_code="en")

    def seen() -> dict[str, bool]:
        return {
            "glossary page": "Zebracyte" in Client().get(glossary.url).content.decode(),
            "API": any(
                "Zebracyte" in Client().get(f"/api/v2/glossary/?limit=50&offset={offset}").content.decode()
                for offset in range(0, GlossaryTerm.objects.count(), 50)
            ),
            "search": "A made-up cell." in Client().get("/en/search/", {"q": "Zebracyte"}).content.decode(),
        }

    assert seen() == {"glossary page": False, "API": False, "search": False}
    workflow_action(reviewer, term, "approve")
    workflow_action(publisher, term, "approve")
    assert seen() == {"glossary page": True, "API": True, "search": True}


def test_only_a_clinical_reviewer_signs_off(faq, editor, publisher):
    client_for(editor).post(snippet_url(faq, "edit"), faq_form(faq, NEW_ANSWER, **{"action-submit": "1"}))
    for user in (editor, publisher):
        response = workflow_action(user, faq, "approve")
        assert response.status_code in (302, 403)
    assert fresh(faq).current_workflow_task.name == "Clinical sign-off"
    assert not any(what_patients_read().values())


def test_the_reviewer_sees_the_version_under_review(faq, editor, reviewer):
    client_for(editor).post(snippet_url(faq, "edit"), faq_form(faq, NEW_ANSWER, **{"action-submit": "1"}))
    task_state = fresh(faq).current_workflow_task_state
    response = client_for(reviewer).get(snippet_url(faq, "workflow_preview", task_state.task_id))
    assert response.status_code == 200 and NEW_ANSWER in response.content.decode()


def test_withdrawing_a_faq_is_one_click_and_recorded(faq, publisher):
    response = client_for(publisher).post(snippet_url(faq, "unpublish"))
    assert response.status_code == 302
    assert not fresh(faq).live
    faq_page = FAQIndexPage.objects.live().get(locale__language_code="en")
    assert f'id="faq-{faq.key}"' not in Client().get(faq_page.url).content.decode()
    listed = json.loads(Client().get("/api/v2/faqs/?limit=50").content)["items"]
    assert faq.pk not in [item["id"] for item in listed]
    assert ModelLogEntry.objects.filter(object_id=str(faq.pk), action="wagtail.unpublish", user=publisher).exists()


def test_an_editor_cannot_withdraw_or_publish(faq, editor):
    assert_denied(client_for(editor).post(snippet_url(faq, "unpublish")))
    assert fresh(faq).live


def test_a_shell_cannot_publish_an_unreviewed_snippet(faq):
    faq.answer = f"<p>{NEW_ANSWER}</p>"
    revision = faq.save_revision()
    with pytest.raises(SignOffRequired):
        revision.publish()
    assert NEW_ANSWER not in fresh(faq).answer


@pytest.fixture
def loaded_faq() -> FAQ:
    """An FAQ the content files made, for what the loader's own publication leaves behind."""
    return FAQ.objects.live().order_by("pk").first()


def test_the_content_files_first_publication_is_recorded(loaded_faq):
    loaded = loaded_faq
    record = UnreviewedPublish.objects.get(revision_id=loaded.live_revision_id)
    assert record.kind == UnreviewedPublish.CONTENT_LOAD and record.page_id is None
    assert not loaded.clinically_reviewed


def test_the_publishing_record_lists_snippets_beside_pages(loaded_faq, editor, reviewer, publisher):
    faq = loaded_faq
    client_for(editor).post(snippet_url(faq, "edit"), faq_form(faq, NEW_ANSWER, **{"action-submit": "1"}))
    workflow_action(reviewer, faq, "approve")
    workflow_action(publisher, faq, "approve")
    client_for(publisher).post(snippet_url(faq, "unpublish"))

    record = reverse("review:publishing_record")
    export = client_for(reviewer).get(record + "?export=csv")
    rows = [row for row in b"".join(export.streaming_content).decode().splitlines() if faq.question in row]
    assert any(",Unpublished,FAQ," in row and "Paul Price" in row for row in rows)
    assert any(",Published,FAQ," in row and "Clinical sign-off by Rita Rao" in row for row in rows)
    assert any(",Published,FAQ," in row and "Loaded from the content files" in row for row in rows)
    only_withdrawals = client_for(reviewer).get(record + "?action=wagtail.unpublish").content.decode()
    assert faq.question in only_withdrawals and "Clinical sign-off by Rita Rao" not in only_withdrawals


def test_an_urgent_faq_correction_publishes_records_and_alerts_until_signed_off(
    faq, admin_user, editor, reviewer, publisher, mailoutbox
):
    url = reverse("review:urgent_snippet_correction", args=("faq", faq.pk))
    client_for(editor).post(snippet_url(faq, "edit"), faq_form(faq, NEW_ANSWER))
    assert_denied(client_for(publisher).post(url, {"reason": "The answer gives a wrong phone number."}))
    assert not any(what_patients_read().values())

    # The refused publish offers the superuser the way, and the way works.
    refused = client_for(admin_user).post(
        snippet_url(faq, "edit"), faq_form(faq, NEW_ANSWER, **{"action-publish": "1"})
    )
    assert any(url in str(message) for message in get_messages(refused.wsgi_request))
    reason = "The answer gives a wrong phone number and patients are calling it."
    assert client_for(admin_user).post(url, {"reason": reason}).status_code == 302
    assert what_patients_read()["FAQ page"]
    corrected = fresh(faq)
    assert not corrected.clinically_reviewed
    record = UnreviewedPublish.objects.get(revision_id=corrected.live_revision_id)
    assert (record.kind, record.reason, record.user, record.page_id) == (
        UnreviewedPublish.BREAK_GLASS,
        reason,
        admin_user,
        None,
    )
    alert = [message for message in mailoutbox if "Published without clinical sign-off" in message.subject]
    assert alert and reason in alert[-1].body and f"/admin/snippets/education/faq/edit/{faq.pk}/" in alert[-1].body
    dashboard = client_for(reviewer).get(reverse("wagtailadmin_home")).content.decode()
    assert f'data-unreviewed-correction="{faq.pk}"' in dashboard and faq.question in dashboard

    client_for(editor).post(snippet_url(faq, "edit"), faq_form(corrected, NEW_ANSWER, **{"action-submit": "1"}))
    workflow_action(reviewer, faq, "approve")
    workflow_action(publisher, faq, "approve")
    assert "data-unreviewed-correction" not in client_for(reviewer).get(reverse("wagtailadmin_home")).content.decode()
    assert fresh(faq).clinically_reviewed
