"""The jobs that must run without anyone at the admin: scheduled publishing and expiry, review
reminders, clean-up. `manage.py run_scheduler` runs them on their schedules (docker-compose's
`scheduler` service); APScheduler keeps the time, and skips a run while the last is still going.

Each schedule is a cron expression from the environment: five fields as in crontab, or six with
seconds first.
"""

import logging
import os
from dataclasses import dataclass

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from django.core.management import call_command
from django.db import close_old_connections

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    command: str
    schedule_variable: str
    default_schedule: str
    why: str

    @property
    def schedule(self) -> str:
        return os.environ.get(self.schedule_variable, "").strip() or self.default_schedule


JOBS = (
    Job("publish_scheduled", "SCHEDULE_PUBLISH", "* * * * *", "scheduled publishing and expiry, within a minute"),
    Job("send_review_reminders", "SCHEDULE_REVIEW_REMINDERS", "0 7 * * 1-5", "clinical review reminders"),
    Job("clearsessions", "SCHEDULE_CLEAR_SESSIONS", "30 3 * * *", "expired sessions removed"),
    Job(
        "clean_up_stored_data",
        "SCHEDULE_CLEAN_UP",
        "45 3 * * *",
        "feedback, search counts and sign-in records past their retention periods removed",
    ),
)


class ScheduleError(ValueError):
    pass


def trigger_for(job: Job) -> CronTrigger:
    fields = job.schedule.split()
    try:
        if len(fields) == 5:
            return CronTrigger.from_crontab(job.schedule)
        if len(fields) == 6:
            second, minute, hour, day, month, day_of_week = fields
            return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week)
    except ValueError as error:
        raise ScheduleError(f"{job.schedule_variable}={job.schedule!r}: {error}") from error
    raise ScheduleError(f"{job.schedule_variable}={job.schedule!r}: give five cron fields, or six with seconds first")


def run(job: Job) -> None:
    # A long-running process: connections the database dropped between runs are replaced.
    close_old_connections()
    try:
        call_command(job.command)
    except Exception:
        logger.exception("Scheduled job %s failed", job.command)  # the next run tries again
    finally:
        close_old_connections()


def scheduler() -> BlockingScheduler:
    scheduler = BlockingScheduler()
    for job in JOBS:
        scheduler.add_job(
            run,
            trigger_for(job),
            args=[job],
            id=job.command,
            name=job.why,
            max_instances=1,  # a slow run is never overlapped by the next
            coalesce=True,  # runs missed while the process was away are made up once, not many times
            misfire_grace_time=None,
        )
    return scheduler
