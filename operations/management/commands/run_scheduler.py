from django.core.management.base import BaseCommand, CommandError

from operations.scheduler import JOBS, ScheduleError, scheduler


class Command(BaseCommand):
    help = (
        "Run scheduled publishing and expiry, review reminders and clean-up on their schedules, until "
        "stopped (the compose file's scheduler service). Schedules: SCHEDULE_PUBLISH, "
        "SCHEDULE_REVIEW_REMINDERS, SCHEDULE_CLEAR_SESSIONS, SCHEDULE_CLEAN_UP (cron expressions)."
    )

    def handle(self, *args, **options):
        try:
            jobs = scheduler()
        except ScheduleError as error:
            raise CommandError(f"Not started: {error}") from error
        for job in JOBS:
            self.stdout.write(f"{job.command}: {job.schedule} ({job.why})")
        self.stdout.flush()
        try:
            jobs.start()
        except KeyboardInterrupt:
            jobs.shutdown(wait=True)
