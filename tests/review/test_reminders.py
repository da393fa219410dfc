"""`send_review_reminders` e-mails each page's owner and the reminder group about pages overdue or
due within 30 days, once per page per week. Time is moved by passing `now`."""

import datetime
import io

import pytest

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from wagtail.models import Page

from review.models import ReviewReminder
from review.reminders import send_review_reminders
from tests import factories

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2030, 3, 10, 7, 0))
TODAY = NOW.date()


def set_due(page, days_from_today: int, owner=None):
    type(page).objects.filter(pk=page.pk).update(next_review_due=TODAY + datetime.timedelta(days=days_from_today))
    if owner is not None:
        Page.objects.filter(pk=page.pk).update(owner=owner)
    return page


@pytest.fixture
def due_pages(editor):
    """Every page was signed off a year ago and is due after 2030, except three."""
    from review.review_dates import review_page_models

    hub = factories.SectionPageFactory(title="Widget treatments")
    pages = {
        "overdue": factories.ArticlePageFactory(title="Widget help line"),
        "soon": factories.TherapyTypePageFactory(parent=hub, title="Widget therapy"),
        "edge": factories.ArticlePageFactory(title="Widget basics"),
        "later": factories.FAQIndexPageFactory(title="Widget questions"),
    }
    for model in review_page_models():
        model.objects.update(
            last_reviewed=TODAY - datetime.timedelta(days=365),
            reviewed_by="Rita Rao, Clinical nurse specialist",
            next_review_due=TODAY + datetime.timedelta(days=400),
        )
    return {
        "overdue": set_due(pages["overdue"], -3, owner=editor),
        "soon": set_due(pages["soon"], 20),
        "edge": set_due(pages["edge"], 30),
        "later": set_due(pages["later"], 31, owner=editor),
    }


def messages_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def test_owner_and_reminder_group_are_told_once_a_week(due_pages, editor, reviewer):
    run = send_review_reminders(now=NOW)
    assert {page.pk for page in run.pages} == {due_pages[key].pk for key in ("overdue", "soon", "edge")}
    assert sorted(run.sent_to) == ["edna@example.org", "rita@example.org"]

    # The owner hears about their own page; the reminder group (Clinical reviewers) about all.
    [to_owner] = messages_to("edna@example.org")
    assert "Widget help line" in to_owner.body and "Widget therapy" not in to_owner.body
    assert "OVERDUE" in to_owner.body and f"/admin/pages/{due_pages['overdue'].pk}/edit/" in to_owner.body
    assert to_owner.subject == "1 page due for clinical review (1 overdue)"
    [to_group] = messages_to("rita@example.org")
    for title in ["Widget help line", "Widget therapy", "Widget basics"]:
        assert title in to_group.body
    assert "Widget questions" not in to_group.body  # due in 31 days: not yet
    assert to_group.subject == "3 pages due for clinical review (1 overdue)"

    # Running again the same day sends nothing; later that week, only the page that has
    # since come within 30 days of its review.
    mail.outbox.clear()
    assert send_review_reminders(now=NOW).pages == []
    assert mail.outbox == []
    later = send_review_reminders(now=NOW + datetime.timedelta(days=6))
    assert [page.pk for page in later.pages] == [due_pages["later"].pk]

    # A week after the first run the first three are reminded again.
    mail.outbox.clear()
    again = send_review_reminders(now=NOW + datetime.timedelta(days=7))
    assert {page.pk for page in again.pages} == {due_pages[key].pk for key in ("overdue", "soon", "edge")}
    assert len(mail.outbox) == 2
    assert ReviewReminder.objects.filter(page=due_pages["overdue"]).count() == 2


def test_a_page_reviewed_since_is_not_mentioned(due_pages, reviewer):
    send_review_reminders(now=NOW)
    page = due_pages["soon"]
    type(page).objects.filter(pk=page.pk).update(next_review_due=TODAY + datetime.timedelta(days=365))
    mail.outbox.clear()
    run = send_review_reminders(now=NOW + datetime.timedelta(days=7))
    assert page.pk not in {p.pk for p in run.pages}
    assert "Widget therapy" not in mail.outbox[0].body


def test_unpublished_pages_are_not_mentioned(due_pages, reviewer):
    Page.objects.filter(pk=due_pages["overdue"].pk).update(live=False)
    run = send_review_reminders(now=NOW)
    assert due_pages["overdue"].pk not in {page.pk for page in run.pages}


def test_with_nobody_to_tell_the_page_is_tried_again_next_run(due_pages, editor):
    # No reviewers exist; only the overdue page has an owner.
    run = send_review_reminders(now=NOW)
    assert {page.pk for page in run.pages} == {due_pages["overdue"].pk}
    assert {page.pk for page in run.pages_without_recipients} == {due_pages["soon"].pk, due_pages["edge"].pk}
    assert not ReviewReminder.objects.filter(page=due_pages["soon"]).exists()


def test_a_failed_send_is_tried_again_at_the_next_run(due_pages, reviewer, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("review.reminders.send_mail", refuse)
    run = send_review_reminders(now=NOW)
    assert run.failed and run.pages == []
    assert not ReviewReminder.objects.exists()
    monkeypatch.undo()
    assert len(send_review_reminders(now=NOW).pages) == 3


def test_the_command_runs_quietly_from_cron(due_pages, reviewer):
    out, err = io.StringIO(), io.StringIO()
    call_command("send_review_reminders", "--dry-run", stdout=out, stderr=err)
    assert mail.outbox == [] and not ReviewReminder.objects.exists()
    # The real clock: the pages moved to 2030 are not due now.
    assert "Would remind" in out.getvalue()
    call_command("send_review_reminders", verbosity=0, stdout=out, stderr=err)
    assert err.getvalue() == ""
