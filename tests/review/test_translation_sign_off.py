"""A translation reaches patients only when a bilingual clinical reviewer signed it off: tried
through the admin's own views with the real roles, and behind their back."""

import pytest

from django.test import Client

from wagtail.models import Locale, Page

from review.sign_off import SignOffRequired
from review.stale_translations import stale_translations
from tests.conftest import page_at

from .conftest import article_data, client_for, edit_url
from .test_workflow import current_task_name, fresh, workflow_action

pytestmark = [pytest.mark.django_db, pytest.mark.sign_off_enforced]

ENGLISH = "/en/what-is-immunotherapy/"


@pytest.fixture
def bilingual_reviewer(make_staff):
    return make_staff("translation_reviewer", "lucia", "Lucía", "López", job_title="Oncology nurse (bilingual)")


@pytest.fixture
def spanish():
    return page_at(ENGLISH).get_translation(Locale.objects.get(language_code="es")).specific


def submit_spanish_change(editor, page, sentence: str):
    """An editor rewrites the Spanish page's body and sends it to Clinical review."""
    data = article_data(page.title, page.slug, [sentence], **{"action-submit": "1"})
    response = client_for(editor).post(edit_url(page), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert current_task_name(page) == "Clinical sign-off"


def live_text(page) -> str:
    return Client().get(fresh(page).url).content.decode()


def test_a_reviewer_who_does_not_read_spanish_cannot_sign_off_a_translation(spanish, editor, reviewer, publisher):
    submit_spanish_change(editor, spanish, "Una frase nueva y revisada.")
    workflow_action(reviewer, spanish, "approve")  # a hand-made POST: the admin offers no button
    assert current_task_name(spanish) == "Clinical sign-off", "the sign-off was not taken"
    assert "Una frase nueva y revisada." not in live_text(spanish)


def test_a_bilingual_reviewer_signs_off_and_the_translation_goes_live(spanish, editor, bilingual_reviewer, publisher):
    submit_spanish_change(editor, spanish, "Una frase nueva y revisada.")
    workflow_action(bilingual_reviewer, spanish, "approve")
    workflow_action(publisher, spanish, "approve")
    assert "Una frase nueva y revisada." in live_text(spanish)
    assert fresh(spanish).reviewed_by.startswith("Lucía López")


def test_only_bilingual_reviewers_are_offered_the_sign_off_of_a_translation(
    spanish, editor, reviewer, bilingual_reviewer, admin_user
):
    submit_spanish_change(editor, spanish, "Una frase nueva y revisada.")
    task = fresh(spanish).current_workflow_task.specific
    offered = {user.username: [name for name, *_ in task.get_actions(spanish, user)] for user in (reviewer, admin_user)}
    assert offered == {reviewer.username: [], admin_user.username: []}
    assert "approve" in [name for name, *_ in task.get_actions(spanish, bilingual_reviewer)]
    assert "approve" in [name for name, *_ in task.get_actions(page_at("/en/benefits-and-limits/"), reviewer)]


def test_a_sign_off_by_anyone_else_never_puts_a_translation_live(spanish, editor, reviewer, publisher):
    """Behind the admin's back: the task state approved by a reviewer who does not read Spanish."""
    submit_spanish_change(editor, spanish, "Una frase nueva y revisada.")
    task_state = fresh(spanish).current_workflow_task_state
    task_state.approve(user=reviewer)
    with pytest.raises(SignOffRequired):
        Page.objects.get(pk=spanish.pk).get_latest_revision().publish()
    assert "Una frase nueva y revisada." not in live_text(spanish)


def test_english_pages_are_still_signed_off_by_any_clinical_reviewer(editor, reviewer, publisher):
    english = page_at("/en/benefits-and-limits/")
    data = article_data(english.title, english.slug, ["A checked English change."], **{"action-submit": "1"})
    client_for(editor).post(edit_url(english), data)
    workflow_action(reviewer, english, "approve")
    workflow_action(publisher, english, "approve")
    assert "A checked English change." in live_text(english)


def test_an_english_change_makes_the_translation_stale_until_it_is_translated_and_signed_off(
    spanish, editor, reviewer, bilingual_reviewer, publisher
):
    english = page_at(ENGLISH)
    assert stale_translations() == []
    data = article_data(english.title, english.slug, ["A newer English sentence."], **{"action-submit": "1"})
    client_for(editor).post(edit_url(english), data)
    workflow_action(reviewer, english, "approve")
    workflow_action(publisher, english, "approve")

    html = live_text(spanish)
    assert "data-translation-notice" in html and "translation-notice--stale" in html
    assert f'href="{english.url}"' in html
    assert [row.pk for row in stale_translations()] == [spanish.pk]

    # Translated again from the new English version: the editor says so in the form, and the
    # bilingual reviewer's sign-off puts it live.
    data = article_data(spanish.title, spanish.slug, ["Una frase nueva."], **{"action-submit": "1"})
    data["translated_from_current_english"] = "on"
    client_for(editor).post(edit_url(spanish), data)
    assert "translation-notice--stale" in live_text(spanish), "still stale while the new translation waits"
    workflow_action(bilingual_reviewer, spanish, "approve")
    workflow_action(publisher, spanish, "approve")
    html = live_text(spanish)
    assert "Una frase nueva." in html and "translation-notice--stale" not in html
    assert stale_translations() == []


def test_the_report_of_stale_translations_is_open_to_editors(spanish, editor):
    english = page_at(ENGLISH)
    type(english).objects.filter(pk=english.pk).update(live_revision=english.save_revision())
    response = client_for(editor).get("/admin/reports/clinical-review/stale-translations/")
    assert response.status_code == 200
    assert spanish.title in response.content.decode()
    csv = client_for(editor).get("/admin/reports/clinical-review/stale-translations/?export=csv")
    assert spanish.title in b"".join(csv.streaming_content).decode()
