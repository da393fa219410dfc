"""`manage.py clean_up_stored_data` deletes what is past its retention period and nothing else,
counts what it removed, changes nothing on a dry run or a second run, and leaves the reports and
exports working."""

import datetime
import re
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessLog

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from wagtail.contrib.search_promotions.models import Query, QueryDailyHits, SearchPromotion

from feedback.models import PageFeedback
from operations.retention import clean_up, duration
from operations.scheduler import JOBS, trigger_for
from search.models import UnansweredSearch
from tests.conftest import page_at

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def days_ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def feedback(days_old: float, comment: str = "") -> PageFeedback:
    row = PageFeedback.objects.create(page=page_at("/en/types/cytokines/"), helpful=False, comment=comment)
    PageFeedback.objects.filter(pk=row.pk).update(created_at=days_ago(days_old))  # auto_now_add
    return row


def searches(words: str, days_old: int, found: bool = True) -> None:
    day = timezone.localdate(NOW) - datetime.timedelta(days=days_old)
    QueryDailyHits.objects.create(query=Query.get(words), date=day, hits=3)
    if not found:
        UnansweredSearch.objects.create(query_string=words, date=day, count=3)


def sign_in(username: str, days_old: float) -> None:
    row = AccessLog.objects.create(username=username, ip_address="192.0.2.1", user_agent="test", http_accept="*/*")
    AccessLog.objects.filter(pk=row.pk).update(attempt_time=days_ago(days_old))


def failed_sign_in(username: str, minutes_old: float) -> None:
    row = AccessAttempt.objects.create(
        username=username, ip_address="192.0.2.1", user_agent="test", http_accept="*/*", failures_since_start=1
    )
    AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=NOW - datetime.timedelta(minutes=minutes_old))


@pytest.fixture
def stored():
    """Rows on each side of the default periods (365, 365 and 90 days, a 15-minute lock-out)."""
    feedback(400, "old comment")
    feedback(364, "recent comment")
    searches("old words", 366, found=False)
    searches("still searched", 400)  # an old day of a search also made recently
    searches("still searched", 10)
    searches("recent words", 1, found=False)
    promoted = Query.get("promoted words")
    SearchPromotion.objects.create(query=promoted, page=page_at("/en/faqs/"), sort_order=0)
    QueryDailyHits.objects.create(query=promoted, date=timezone.localdate(NOW) - datetime.timedelta(days=500))
    sign_in("old-editor", 91)
    sign_in("recent-editor", 89)
    failed_sign_in("over", 16)
    failed_sign_in("locked", 5)


def run(*args: str) -> str:
    out = StringIO()
    call_command("clean_up_stored_data", *args, stdout=out)
    return out.getvalue()


def removed_counts(output: str) -> dict[str, int]:
    return {what: int(count) for what, count in re.findall(r"^(.+): (\d+) (?:would remove|removed)$", output, re.M)}


def test_old_rows_go_and_recent_rows_stay(stored):
    output = run()
    assert removed_counts(output) == {
        "page feedback answers": 1,
        "daily search counts": 3,
        "daily counts of searches with no results": 1,
        "search words no longer counted": 1,
        "staff sign-in records": 1,
        "failed staff sign-in records": 0,
        "failed staff sign-in counts": 1,
    }
    assert list(PageFeedback.objects.values_list("comment", flat=True)) == ["recent comment"]
    assert set(Query.objects.values_list("query_string", flat=True)) == {
        "still searched",
        "recent words",
        "promoted words",  # an editor's promoted result needs its words
    }
    assert QueryDailyHits.objects.filter(query__query_string="still searched").count() == 1
    assert list(UnansweredSearch.objects.values_list("query_string", flat=True)) == ["recent words"]
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["recent-editor"]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["locked"]  # still locked out


def test_a_dry_run_counts_the_same_and_deletes_nothing(stored):
    before = (PageFeedback.objects.count(), QueryDailyHits.objects.count(), AccessLog.objects.count())
    output = run("--dry-run")
    assert "Dry run: nothing was deleted." in output
    assert removed_counts(output)["page feedback answers"] == 1
    assert (PageFeedback.objects.count(), QueryDailyHits.objects.count(), AccessLog.objects.count()) == before
    assert removed_counts(output) == removed_counts(run())


def test_a_second_run_removes_nothing(stored):
    run()
    assert set(removed_counts(run()).values()) == {0}


@override_settings(FEEDBACK_RETENTION_DAYS=30, SEARCH_COUNTS_RETENTION_DAYS=7, LOGIN_RECORDS_RETENTION_DAYS=1)
def test_the_periods_come_from_settings():
    feedback(31)
    feedback(29)
    searches("a week ago", 8)
    sign_in("yesterday", 2)
    assert "Keeping page feedback 30 days, search counts 7 days, staff sign-ins 1 day." in run("--dry-run")
    removed = clean_up(NOW)
    assert (removed["page feedback answers"], removed["daily search counts"], removed["staff sign-in records"]) == (
        1,
        1,
        1,
    )
    assert PageFeedback.objects.count() == 1


def test_a_period_below_one_day_is_refused(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from portal.settings.environment import env_days

    monkeypatch.setenv("FEEDBACK_RETENTION_DAYS", "0")
    with pytest.raises(ImproperlyConfigured, match="FEEDBACK_RETENTION_DAYS must be at least 1 day"):
        env_days("FEEDBACK_RETENTION_DAYS", 365)


def test_reports_and_exports_still_work_after_a_clean_up(stored, client):
    run()
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.org", "a-long-password-1"))
    report = client.get(reverse("feedback_by_page"))
    assert report.status_code == 200
    row = next(row for row in report.context["object_list"] if row.pk == page_at("/en/types/cytokines/").pk)
    assert (row.not_helpful_count, row.comment_count) == (1, 1)
    for url in (reverse("feedback_by_page"), reverse("page_feedback:index")):
        export = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode()
        assert "old comment" not in export
    assert (
        "recent comment"
        in b"".join(client.get(reverse("page_feedback:index"), {"export": "csv"}).streaming_content).decode()
    )
    unanswered = reverse(UnansweredSearch.snippet_viewset.get_url_name("list"))
    export = b"".join(client.get(unanswered, {"export": "csv"}).streaming_content).decode()
    assert "recent words" in export and "old words" not in export
    terms = client.get(reverse("wagtailsearchpromotions:search_terms"))
    assert terms.status_code == 200 and b"still searched" in terms.content


def test_the_scheduler_runs_the_clean_up_daily():
    job = next(job for job in JOBS if job.command == "clean_up_stored_data")
    assert job.schedule_variable == "SCHEDULE_CLEAN_UP"
    fires = trigger_for(job)
    first = fires.get_next_fire_time(None, NOW)
    assert fires.get_next_fire_time(first, first + datetime.timedelta(seconds=1)) - first == datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(365 * 86400, "365 days"), (86400, "1 day"), (600, "10 minutes"), (900, "15 minutes"), (7200, "2 hours")],
)
def test_periods_are_worded_in_their_largest_whole_unit(seconds, words):
    assert duration(seconds) == words
