from django.conf import settings
from django.core.management.base import BaseCommand

from operations.retention import clean_up, duration

DAY = 24 * 3600


class Command(BaseCommand):
    help = (
        "Delete page feedback, search counts and staff sign-in records older than their retention "
        "periods (FEEDBACK_RETENTION_DAYS, SEARCH_COUNTS_RETENTION_DAYS, LOGIN_RECORDS_RETENTION_DAYS). "
        "Safe to run again: what is left is all within its period. The scheduler runs it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")

    def handle(self, *args, dry_run: bool, **options):
        self.stdout.write(
            f"Keeping page feedback {duration(settings.FEEDBACK_RETENTION_DAYS * DAY)}, search counts "
            f"{duration(settings.SEARCH_COUNTS_RETENTION_DAYS * DAY)}, "
            f"staff sign-ins {duration(settings.LOGIN_RECORDS_RETENTION_DAYS * DAY)}."
        )
        verb = "would remove" if dry_run else "removed"
        for what, count in clean_up(dry_run=dry_run).items():
            self.stdout.write(f"{what}: {count} {verb}")
        if dry_run:
            self.stdout.write("Dry run: nothing was deleted.")
