"""The scheduler: a scheduled publish goes live and a scheduled expiry comes down with nobody at
the admin, in a process of its own, as the compose file's scheduler service runs it."""

import subprocess
import sys
import time

import pytest

from operations.scheduler import JOBS, ScheduleError, trigger_for
from tests.caching.reads import PAGE
from tests.operations import scratch

PUBLISH_JOB = next(job for job in JOBS if job.command == "publish_scheduled")


@pytest.mark.parametrize("expression", ["* * * * *", "*/5 * * * * *", "0 7 * * 1-5"])
def test_cron_expressions_of_five_or_six_fields(monkeypatch, expression):
    monkeypatch.setenv(PUBLISH_JOB.schedule_variable, expression)
    assert trigger_for(PUBLISH_JOB) is not None


@pytest.mark.parametrize("expression", ["every minute", "* * *", "61 * * * *"])
def test_a_wrong_schedule_names_its_variable(monkeypatch, expression):
    monkeypatch.setenv(PUBLISH_JOB.schedule_variable, expression)
    with pytest.raises(ScheduleError, match="SCHEDULE_PUBLISH"):
        trigger_for(PUBLISH_JOB)


def test_a_wrong_schedule_stops_the_service_with_a_clear_message(tmp_path):
    environment = scratch.app_environment(DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    environment["SCHEDULE_REVIEW_REMINDERS"] = "at seven"
    result = scratch.manage(["run_scheduler"], environment, timeout=60)
    assert result.returncode != 0
    assert "Not started: SCHEDULE_REVIEW_REMINDERS='at seven'" in result.stderr


def live(editor: scratch.Editor, path: str) -> str:
    return editor.run(PAGE.format(path=path) + "print(page.live, page.title)").strip()


def test_scheduled_publish_and_expiry_happen_without_anyone_at_the_admin(tmp_path):
    environment = scratch.app_environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}", MEDIA_ROOT=str(tmp_path / "media")
    )
    scratch.prepare_site(environment)
    with scratch.Editor(environment) as editor:
        editor.run(
            "import datetime\nfrom django.utils import timezone\n"
            "soon = timezone.now() + datetime.timedelta(seconds=3)\n"
            + PAGE.format(path="/en/research-and-future/")
            + "page.expire_at = soon\npage.save_revision().publish()\n"
            + PAGE.format(path="/en/benefits-and-limits/")
            + "page.title = 'Benefits and limits, on schedule'\npage.go_live_at = soon\n"
            "page.save_revision().publish()\n"
        )
        assert live(editor, "/en/benefits-and-limits/") == "True Benefits and limits"
        assert live(editor, "/en/research-and-future/").startswith("True")

        scheduler = subprocess.Popen(
            [sys.executable, "manage.py", "run_scheduler"],
            cwd=scratch.REPO,
            env={**environment, "SCHEDULE_PUBLISH": "* * * * * *"},  # every second
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60  # the scheduler's own start-up included, on a busy machine
            while time.monotonic() < deadline:
                published = live(editor, "/en/benefits-and-limits/") == "True Benefits and limits, on schedule"
                expired = live(editor, "/en/research-and-future/").startswith("False")
                if published and expired:
                    break
                time.sleep(0.5)
            assert scheduler.poll() is None, scheduler.stdout.read()
        finally:
            scheduler.terminate()
            output = scheduler.communicate(timeout=15)[0]
        assert published and expired, output
        assert "publish_scheduled: * * * * * *" in output and "Traceback" not in output, output
